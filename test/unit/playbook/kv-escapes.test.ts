/**
 * The escapes of the key=value short form are exactly ansible's
 * _decode_escapes: no octal (`\1` stays for regex backrefs), `\N{name}`,
 * and the errors Python's codec raises. (The recorded parity cases are in
 * kv.test.ts, from test/fixtures/playbooks/parse-kv-ansible.json.)
 */
import { describe, expect, it } from 'vitest';
import { decodeEscapes, KvEscapeError, parseKv, SplitArgsError } from '../../../engine/playbook/kv.js';
import { charByName } from '../../../engine/playbook/unicode-names.js';
import { parseExtraVars, parseKeyValues } from '../../../engine/cli/options.js';
import { TsplayError } from '../../../engine/errors.js';

describe('key=value escapes (ansible _decode_escapes)', () => {
  it('leaves \\1..\\9 and octal-looking text alone: regex backrefs survive', () => {
    expect(parseKv("path=/x regexp='^port=(\\d+)$' line='port=\\1\\1' backrefs=yes")).toEqual({ path: '/x', regexp: '^port=(\\d+)$', line: 'port=\\1\\1', backrefs: 'yes' });
    expect(decodeEscapes('\\0 \\7 \\101 \\9')).toBe('\\0 \\7 \\101 \\9');
  });

  it('decodes \\x + 2 hex, \\u + 4 hex, \\U + 8 hex', () => {
    expect(decodeEscapes('\\x41\\x4a')).toBe('AJ');
    expect(decodeEscapes('\\u00e9\\u20AC')).toBe('é€');
    expect(decodeEscapes('\\U0001F600')).toBe('😀');
    // too few digits: not an escape, kept as written
    expect(decodeEscapes('\\x4 \\u12 \\U0001F60 \\X41')).toBe('\\x4 \\u12 \\U0001F60 \\X41');
  });

  it('decodes the single-character escapes and nothing else', () => {
    expect(decodeEscapes('\\\\ \\\' \\" \\a\\b\\f\\n\\r\\t\\v')).toBe('\\ \' " \x07\b\f\n\r\t\v');
    expect(decodeEscapes('\\q \\e \\d \\w')).toBe('\\q \\e \\d \\w');
    // left to right: an escaped backslash does not start a second escape
    expect(decodeEscapes('\\\\1 \\\\n')).toBe('\\1 \\n');
  });

  it('decodes \\N{name} case-insensitively, with aliases, CJK and Hangul names', () => {
    expect(decodeEscapes('\\N{BULLET}\\N{latin small letter a}\\N{LINE FEED}')).toBe('•a\n');
    expect(decodeEscapes('\\N{CJK UNIFIED IDEOGRAPH-4E00}\\N{HANGUL SYLLABLE GAG}')).toBe('一각');
    expect(decodeEscapes('\\N{}')).toBe('\\N{}');
    expect(charByName('HANGUL SYLLABLE HIH')).toBe('\uD7A3');
    expect(charByName('CJK UNIFIED IDEOGRAPH-0041')).toBeUndefined();
  });

  it('rejects escapes Python cannot decode, as ansible does', () => {
    expect(() => decodeEscapes('\\U00110000')).toThrow(KvEscapeError);
    expect(() => decodeEscapes('\\N{NO SUCH CHARACTER}')).toThrow(/unknown Unicode character name/);
    expect(() => parseKv('a=\\N{NOPE}')).toThrow(SplitArgsError);
  });

  it('keeps \\1 in the raw text of command/shell and decodes their options', () => {
    expect(parseKv("sed -e 's/\\(a\\)/\\1/' creates=/x\\x41", true)).toEqual({ creates: '/xA', _raw_params: "sed -e 's/\\(a\\)/\\1/'" });
  });
});

describe('-e key=value follows parse_kv', () => {
  it('decodes the same escapes and keeps backrefs', () => {
    expect(parseKeyValues("re='(\\d)\\1' tab=a\\tb u=\\u00e9 q=\"say \\\"hi\\\"\"")).toEqual({ re: '(\\d)\\1', tab: 'a\tb', u: 'é', q: 'say "hi"' });
  });

  it('takes any key ansible takes, and rejects stray words and bad quoting', async () => {
    expect(parseKeyValues('a.b=1 c=')).toEqual({ 'a.b': '1', c: '' });
    expect(() => parseKeyValues('a=1 stray')).toThrow(TsplayError);
    expect(() => parseKeyValues('a="open')).toThrow(/unbalanced/);
    expect(() => parseKeyValues('a=\\U00110000')).toThrow(/illegal Unicode/);
    await expect(parseExtraVars(['[1, 2]'])).rejects.toThrow(/expected a mapping/);
  });
});
