import { describe, expect, it } from 'vitest';
import { environmentLayer, numberKeyword } from '../../../engine/executor/keyword-values.js';
import { Templar } from '../../../engine/vars/index.js';
import { TsplayError } from '../../../engine/errors.js';

const t = new Templar();

describe('templated keywords (retries, delay, timeout, environment)', () => {
  it('renders a templated number with the host vars', () => {
    expect(numberKeyword(t, { name: 'retries', value: '{{ n }}' }, { n: 7 })).toBe(7);
    expect(numberKeyword(t, { name: 'delay', value: '{{ n | int + 1 }}' }, { n: '2' })).toBe(3);
    expect(numberKeyword(t, { name: 'retries', value: 4 }, {})).toBe(4);
    expect(numberKeyword(t, { name: 'retries', value: undefined }, {})).toBeUndefined();
  });
  it('refuses a template that is not a number, naming the keyword', () => {
    expect(() => numberKeyword(t, { name: 'retries', value: '{{ n }}' }, { n: 'many' })).toThrow(TsplayError);
    expect(() => numberKeyword(t, { name: 'retries', value: '{{ n }}' }, { n: 'many' })).toThrow(/'retries' must be a number/);
  });
  it('renders a templated environment to a mapping', () => {
    expect(environmentLayer(t, '{{ proxy_env }}', { proxy_env: { http_proxy: 'http://p:3128' } })).toEqual({ http_proxy: 'http://p:3128' });
    expect(environmentLayer(t, { A: '1' }, {})).toEqual({ A: '1' });
    expect(() => environmentLayer(t, '{{ x }}', { x: [1] })).toThrow(/must give a mapping/);
  });
});
