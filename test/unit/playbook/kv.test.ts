import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKv, splitArgs, unquote, SplitArgsError } from '../../../engine/playbook/kv.js';
import { FIXTURES } from './helpers.js';

interface Recorded {
  recordedWith: string;
  cases: { text: string; kv: Record<string, string>; checkRaw: Record<string, string> }[];
}
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'parse-kv-ansible.json'), 'utf8')) as Recorded;

describe(`parse_kv parity with ${recorded.recordedWith}`, () => {
  for (const c of recorded.cases) {
    it(JSON.stringify(c.text), () => {
      expect(parseKv(c.text)).toEqual(c.kv);
      expect(parseKv(c.text, true)).toEqual(c.checkRaw);
    });
  }

  it('rejects unbalanced quotes and Jinja blocks as ansible does', () => {
    expect(() => splitArgs('echo "open')).toThrow(SplitArgsError);
    expect(() => splitArgs('msg={{ a')).toThrow(SplitArgsError);
  });
});

describe('free-form key=value parsing (ansible parse_kv)', () => {
  it('splits key=value words and unquotes values', () => {
    expect(parseKv('a=1 b="hello world" c=\'x y\'')).toEqual({ a: '1', b: 'hello world', c: 'x y' });
  });

  it('keeps other words as _raw_params', () => {
    expect(parseKv('hello a=1 world')).toEqual({ a: '1', _raw_params: 'hello world' });
  });

  it('with checkRaw only takes the command options out of the text', () => {
    expect(parseKv('echo "a=b" x=1 chdir=/tmp creates=/x', true)).toEqual({ chdir: '/tmp', creates: '/x', _raw_params: 'echo "a=b" x=1' });
  });

  it('does not split inside Jinja blocks or quotes', () => {
    expect(parseKv("msg={{ a | default('x y') }} b='q r'")).toEqual({ msg: "{{ a | default('x y') }}", b: 'q r' });
    expect(splitArgs('a "b c" {{ x ~ " " }}')).toEqual(['a', '"b c"', '{{ x ~ " " }}']);
    // as ansible's split_args: the words of a balanced {% %} tag split, join_args puts them back
    expect(splitArgs('{% if x %}y z{% endif %}')).toEqual(['{% if x %}y', 'z{% endif %}']);
  });

  it('keeps escaped equals signs in the raw text', () => {
    expect(parseKv('a\\=b')).toEqual({ _raw_params: 'a=b' });
  });

  it('keeps the lines of a multi-line script', () => {
    expect(parseKv('set -e\nmkdir -p /x\necho done\n', true)._raw_params).toBe('set -e\nmkdir -p /x\necho done\n');
  });

  it('decodes escapes in values', () => {
    expect(parseKv('line="a\\tb"')).toEqual({ line: 'a\tb' });
  });

  it('unquote only strips matching outer quotes', () => {
    expect(unquote('"a"')).toBe('a');
    expect(unquote('"a\'')).toBe('"a\'');
    expect(unquote('a')).toBe('a');
  });
});
