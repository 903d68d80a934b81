import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';

const t = new Templar();
const vars = {
  item: ['a', 'b'],
  pair: [{ name: 'n0' }, ['x', 'y', ['deep']]],
  l: [10, 20, 30],
  d: { '0': 'zero-key', k: [1, 2] },
};

describe("Jinja's numeric attribute: x.0 indexes a list", () => {
  it('item.0, l.1 (with_together / with_subelements items)', () => {
    expect(t.render('{{ item.0 }}', vars)).toBe('a');
    expect(t.render('{{ item.1 }}-{{ l.2 }}', vars)).toBe('b-30');
  });
  it('chains: x.0.name, x.1.2.0, d.k.1', () => {
    expect(t.render('{{ pair.0.name }}', vars)).toBe('n0');
    expect(t.render('{{ pair.1.2.0 }}', vars)).toBe('deep');
    expect(t.render('{{ pair.1.1 | upper }}', vars)).toBe('Y');
    expect(t.render('{{ d.k.1 }}', vars)).toBe(2);
  });
  it('in expressions and conditions', () => {
    expect(t.evaluate('item.0 == "a" and l.0 + l.1 == 30', vars)).toBe(true);
    expect(t.evalCondition('pair.0.name is defined', vars)).toBe(true);
    expect(t.render('{% for p in [item] %}{{ p.1 }}{% endfor %}', vars)).toBe('b');
  });
  it('an index past the end is undefined, as in Jinja', () => {
    expect(t.evalCondition('l.5 is defined', vars)).toBe(false);
    expect(() => t.render('{{ l.5 }}', vars)).toThrow(/undefined/);
  });
  it('floats and ranges still lex as numbers', () => {
    expect(t.render('{{ 1.5 + 1 }}', vars)).toBe(2.5);
    expect(t.render('{{ l.0 * 0.5 }}', vars)).toBe(5);
  });
});
