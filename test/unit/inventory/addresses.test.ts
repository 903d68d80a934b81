import { describe, expect, it } from 'vitest';
import { expandHostPattern, expandHostRange, HostRangeError, parseAddress } from '../../../engine/inventory/addresses.js';
import { shlexSplit, ShlexError } from '../../../engine/inventory/shlex.js';

/** Recorded from ansible-core 2.14's expand_hostname_range. */
const RANGES: Record<string, string[]> = {
  'db[01:03]': ['db01', 'db02', 'db03'],
  'web[a:c]': ['weba', 'webb', 'webc'],
  'n[1:10:2]': ['n1', 'n3', 'n5', 'n7', 'n9'],
  'x[0:2]-y[a:b]': ['x0-ya', 'x0-yb', 'x1-ya', 'x1-yb', 'x2-ya', 'x2-yb'],
  'h[:2]': ['h0', 'h1', 'h2'],
  'h[08:10]': ['h08', 'h09', 'h10'],
  '[1:3].example.com': ['1.example.com', '2.example.com', '3.example.com'],
  'h[A:C]': ['hA', 'hB', 'hC'],
  'h[y:B]': ['hy', 'hz', 'hA', 'hB'],
  plain: ['plain'],
};

describe('host ranges', () => {
  for (const [pattern, hosts] of Object.entries(RANGES)) {
    it(`${pattern} expands like Ansible`, () => expect(expandHostRange(pattern)).toEqual(hosts));
  }

  const BAD: Record<string, RegExp> = {
    'h[01:3]': /equal-length/,
    'h[1:]': /end value/,
    'h[c:a]': /begin <= end/,
    'h[1:2:3:4]': /begin:end or begin:end:step/,
    'h[1-3]': /begin:end or begin:end:step/,
    'h[1:3': /closed by '\]'/,
    'h[x:10]': /invalid literal/,
    'h[3:1]': /empty/,
    'h[1:3:0]': /zero/,
  };
  for (const [pattern, message] of Object.entries(BAD)) {
    it(`${pattern} is refused`, () => {
      expect(() => expandHostRange(pattern)).toThrow(HostRangeError);
      expect(() => expandHostRange(pattern)).toThrow(message);
    });
  }
});

describe('addresses', () => {
  it('parses host:port forms as Ansible', () => {
    expect(parseAddress('host', true)).toEqual(['host', undefined]);
    expect(parseAddress('host:22', true)).toEqual(['host', 22]);
    expect(parseAddress('10.0.0.1:2222', true)).toEqual(['10.0.0.1', 2222]);
    expect(parseAddress('[::1]:22', true)).toEqual(['::1', 22]);
    expect(parseAddress('fe80::1', true)).toEqual(['fe80::1', undefined]);
    expect(parseAddress('db[1:3]:22', true)).toEqual(['db[1:3]', 22]);
    expect(parseAddress('web-[a:b].example.com', true)).toEqual(['web-[a:b].example.com', undefined]);
    for (const bad of ['host:abc', 'bad_', '-x']) expect(() => parseAddress(bad, true)).toThrow(/Not a valid network hostname/);
    expect(() => parseAddress('db[1:3]', false)).toThrow(/range/);
  });

  it('expands a host pattern with its port', () => {
    expect(expandHostPattern('db[1:2]:2200')).toEqual({ hosts: ['db1', 'db2'], port: 2200 });
    expect(expandHostPattern('weird:name')).toEqual({ hosts: ['weird:name'], port: undefined });
  });
});

describe('shlex split (posix, comments)', () => {
  const split = (s: string) => shlexSplit(s).map((t) => t.value);
  it('splits like Python shlex.split(comments=True)', () => {
    expect(split('a b="x y" c=#d')).toEqual(['a', 'b=x y', 'c=']);
    expect(split(String.raw`a b="q\"q" c`)).toEqual(['a', 'b=q"q', 'c']);
    expect(split('h a=x#y z=1')).toEqual(['h', 'a=x']);
    expect(split(`h "" k='v'`)).toEqual(['h', '', 'k=v']);
    expect(split(String.raw`h k="a\nb" j=c\ d`)).toEqual(['h', String.raw`k=a\nb`, 'j=c d']);
  });
  it('gives token offsets', () => {
    expect(shlexSplit('  host  a=1').map((t) => t.start)).toEqual([2, 8]);
  });
  it('refuses an unclosed quote', () => {
    expect(() => shlexSplit('h a="x')).toThrow(ShlexError);
  });
});
