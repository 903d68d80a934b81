/** Filters beyond what ansible-parity.test.ts compares with ansible-core. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../engine/connection/types.js';
import { TsplayError } from '../../../engine/errors.js';
import { Templar } from '../../../engine/vars/index.js';

const t = new Templar();
const ev = (expr: string, vars: Record<string, unknown> = {}): unknown => t.evaluate(expr, vars);

describe('quote', () => {
  it('is the engine shellQuote', () => {
    for (const s of ['plain', 'a b', "it's", '', '$(rm -rf /)', 'x=1,y', 'tab\there']) {
      expect(ev('s | quote', { s })).toBe(shellQuote(s));
    }
    expect(ev('none | quote')).toBe("''");
  });
});

describe('password_hash', () => {
  it('gives crypt(3) SHA-512 hashes Linux and PostgreSQL accept', () => {
    // openssl passwd -6 -salt saltstring 'Hello world!'
    expect(ev("'Hello world!' | password_hash('sha512', 'saltstring')")).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
    expect(ev("'x' | password_hash('sha512')")).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(ev("'x' | password_hash('sha512', 'abcdefgh', rounds=1000)")).toMatch(/^\$6\$rounds=1000\$abcdefgh\$/);
    expect(() => ev("'x' | password_hash('blowfish')")).toThrow(/unsupported hash type 'blowfish'/);
  });
});

describe('random', () => {
  it('with a seed is stable, and stays in range', () => {
    const a = ev("60 | random(seed='node1')");
    expect(ev("60 | random(seed='node1')")).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(60);
    for (let i = 0; i < 20; i++) {
      const v = ev('10 | random(start=5, step=5)') as number;
      expect([5]).toContain(v);
    }
    expect(['a', 'b', 'c']).toContain(ev("['a', 'b', 'c'] | random"));
    expect(ev("['a', 'b', 'c'] | random(seed='x')")).toBe(ev("['a', 'b', 'c'] | random(seed='x')"));
  });
});

describe('paths', () => {
  it('expanduser and realpath work on the controller', () => {
    expect(ev("'~/x' | expanduser")).toBe(`${process.env.HOME}/x`);
    expect(ev("'~user/x' | expanduser")).toBe('~user/x');
    const dir = mkdtempSync(path.join(tmpdir(), 'tsplay-rp-'));
    writeFileSync(path.join(dir, 'f'), '');
    symlinkSync(path.join(dir, 'f'), path.join(dir, 'l'));
    expect(ev('p | realpath', { p: path.join(dir, 'l') })).toBe(path.join(dir, 'f'));
    expect(ev('p | realpath', { p: path.join(dir, 'x', '..', 'f') })).toBe(path.join(dir, 'f'));
  });
});

describe('serialisation', () => {
  it('round-trips through to_json/from_json and to_yaml/from_yaml', () => {
    const data = { a: [1, 'two', null, true], b: { c: 'yes' } };
    expect(ev('d | to_json | from_json', { d: data })).toEqual(data);
    expect(ev('d | to_nice_yaml | from_yaml', { d: data })).toEqual(data);
    expect(ev('d | to_yaml | from_yaml', { d: data })).toEqual(data);
    expect(ev("'a: 1\\n---\\nb: 2\\n' | from_yaml_all")).toEqual([{ a: 1 }, { b: 2 }]);
    expect(ev("'on' | from_yaml")).toBe(true); // YAML 1.1, as PyYAML
  });
  it('reports bad input clearly', () => {
    expect(() => ev("'{s3cret' | from_json")).toThrow(/^from_json: /);
    expect(() => ev("'{s3cret' | from_json")).not.toThrow(/s3cret/);
    expect(() => ev("'%%%' | b64decode")).toThrow(/invalid base64/);
    expect(() => ev("'x' | hash('crc')")).toThrow(/unsupported hash type 'crc'/);
  });
});

describe('collections', () => {
  it('map with a filter and its arguments, select/reject with tests', () => {
    expect(ev("['a', 'b'] | map('replace', 'a', 'z') | list")).toEqual(['z', 'b']);
    expect(ev("[1, 2, 3, 4] | select('divisibleby', 2) | list")).toEqual([2, 4]);
    expect(ev("[1, 2, 3, 4] | reject('lt', 3) | list")).toEqual([3, 4]);
    expect(ev("[{'v': '1.2'}, {'v': '2.0'}] | selectattr('v', 'version', '1.5', '>=') | list")).toEqual([{ v: '2.0' }]);
    expect(ev("[{'a': 1}, {}] | rejectattr('a', 'defined') | list")).toEqual([{}]);
    expect(() => ev("[1] | map('nosuchfilter') | list")).toThrow(/unknown filter 'nosuchfilter'/);
  });
  it('combine recursive, and with a list of dicts', () => {
    expect(ev("[{'a': 1}, {'b': 2}] | combine")).toEqual({ a: 1, b: 2 });
    expect(ev("{'a': {'b': {'c': 1}}} | combine({'a': {'b': {'d': 2}}}, recursive=true)")).toEqual({ a: { b: { c: 1, d: 2 } } });
    expect(ev("{'a': {'b': 1}} | combine({'a': {'c': 2}})")).toEqual({ a: { c: 2 } });
  });
  it('flatten levels, items2dict errors, extract with hostvars-like dicts', () => {
    expect(ev('[[[1]], [2]] | flatten(1)')).toEqual([[1], 2]);
    expect(() => ev("[{'x': 1}] | items2dict")).toThrow(/needs 'key' and 'value'/);
    expect(ev("['h1'] | map('extract', hv, ['net', 'ip']) | list", { hv: { h1: { net: { ip: '10.0.0.1' } } } })).toEqual(['10.0.0.1']);
  });
  it('length/count, min/max/sum on empty input', () => {
    expect(ev("'abc' | length + [1] | count")).toBe(4);
    expect(ev('[] | min')).toBeNull();
    expect(ev('[] | sum')).toBe(0);
  });
  it('filters refuse wrong input types with the filter name', () => {
    expect(() => ev('5 | dict2items')).toThrow(/dict2items: expected a dictionary/);
    expect(() => ev('5 | unique')).toThrow(/unique: expected a list/);
  });
});

describe('misc', () => {
  it('type_debug, version_compare with strict, ternary none, indent first', () => {
    expect(ev("'1.2' | version_compare('1.10', '<')")).toBe(true);
    expect(() => ev("'abc' | version_compare('1.0', '>', strict=true)")).toThrow(/invalid version/);
    expect(() => ev("'1.0' | version_compare('1.0', 'bigger')")).toThrow(/invalid operator 'bigger'/);
    expect(ev('none | ternary(1, 2, 3)')).toBe(3);
    expect(ev("'a\\nb' | indent(2, true)")).toBe('  a\n  b');
    expect(ev('[1, 2] | type_debug')).toBe('list');
  });
  it('unknown filters at render time are named with a suggestion', () => {
    try {
      t.render('{{ x | to_jsno }}', { x: 1 }, { source: { file: 'a.yml', line: 3, col: 5 } });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(TsplayError);
      expect((e as TsplayError).message).toBe("unknown filter 'to_jsno' (did you mean 'to_json'?)");
      expect((e as TsplayError).source).toEqual({ file: 'a.yml', line: 3, col: 5 });
    }
  });
  it('collection-prefixed names work', () => {
    expect(ev("'a' | ansible.builtin.upper ~ ([1, 1] | community.general.unique | string)")).toBe('A[1]');
    expect(ev("'1.2' is ansible.builtin.version('1.0', '>')")).toBe(true);
  });
});
