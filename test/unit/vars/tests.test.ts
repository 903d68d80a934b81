/** Jinja/Ansible tests beyond ansible-parity.test.ts. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';
import { toRegistered } from '../../../engine/results.js';

const t = new Templar();
const ev = (expr: string, vars: Record<string, unknown> = {}, baseDir?: string): unknown => t.evaluate(expr, vars, { baseDir });

describe('file tests run on the controller, relative to ctx.baseDir', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsplay-tests-'));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'f.txt'), 'x');
  symlinkSync(path.join(dir, 'f.txt'), path.join(dir, 'ln'));
  it('file, directory, exists, link, abs', () => {
    expect(ev("'f.txt' is file", {}, dir)).toBe(true);
    expect(ev("'sub' is file", {}, dir)).toBe(false);
    expect(ev("'sub' is directory", {}, dir)).toBe(true);
    expect(ev("'nope' is exists", {}, dir)).toBe(false);
    expect(ev("'f.txt' is exists", {}, dir)).toBe(true);
    expect(ev("'ln' is link", {}, dir)).toBe(true);
    expect(ev("'f.txt' is link", {}, dir)).toBe(false);
    expect(ev("'/x' is abs and 'x' is not abs")).toBe(true);
  });
});

describe('result tests', () => {
  it('work on registered results of the engine', () => {
    const changed = toRegistered({ status: 'changed', data: { rc: 0 } } as never);
    const failed = toRegistered({ status: 'failed', reason: 'boom', data: { rc: 2 } } as never);
    const skipped = toRegistered({ status: 'skipped', reason: 'when', data: {} } as never);
    expect(ev('r is changed and r is success and r is succeeded and r is not failed', { r: changed })).toBe(true);
    expect(ev('r is failed and r is not success', { r: failed })).toBe(true);
    expect(ev('r is skipped and r is not changed', { r: skipped })).toBe(true);
  });
});

describe('type and value tests', () => {
  it('none, string, number, integer, float, boolean, mapping, sequence, iterable', () => {
    expect(ev('[none is none, 0 is none, "a" is string, 1 is string]')).toEqual([true, false, true, false]);
    expect(ev('[1.5 is number, 2 is integer, 2.5 is float, false is boolean, 0 is boolean]')).toEqual([true, true, true, true, false]);
    expect(ev('[{} is mapping, [] is sequence, "x" is iterable, 3 is iterable]')).toEqual([true, true, true, false]);
  });
  it('true, false, none as test names', () => {
    expect(ev('[true is true, 1 is true, false is false, 0 is false, none is none, x is none, x is not none]', { x: 1 })).toEqual([
      true, false, true, false, true, false, true,
    ]);
  });
  it('defined, undefined, truthy, falsy', () => {
    expect(ev('[x is defined, y is undefined, [] is falsy, [0] is truthy]', { x: null })).toEqual([true, true, true, true]);
  });
  it('match anchors at the start, search anywhere, regex picks', () => {
    expect(ev("['abc' is match('b'), 'abc' is search('b'), 'abc' is regex('^b', match_type='search')]")).toEqual([false, true, false]);
    expect(ev("'abc' is match('ABC', ignorecase=true)")).toBe(true);
  });
  it('in, version with every operator spelling', () => {
    expect(ev("'a' is in ['a'] and 'b' is not in ['a'] and 2 is in([1, 2])")).toBe(true);
    expect(ev("'k' is in {'k': 1}")).toBe(true);
    const ops: [string, boolean][] = [
      ['<', true], ['lt', true], ['<=', true], ['le', true], ['>', false], ['gt', false],
      ['>=', false], ['ge', false], ['==', false], ['=', false], ['eq', false], ['!=', true], ['<>', true], ['ne', true],
    ];
    for (const [op, want] of ops) expect(ev(`'9.6' is version('13.2', '${op}')`)).toBe(want);
  });
  it('a test that does not exist is an error naming it', () => {
    expect(() => ev('1 is evne')).toThrow(/unknown test 'evne' \(did you mean 'even'\?\)/);
  });
});
