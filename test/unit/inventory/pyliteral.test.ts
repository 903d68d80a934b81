import { describe, expect, it } from 'vitest';
import { parsePythonValue } from '../../../engine/inventory/pyliteral.js';

/** Recorded from Python 3.11's ast.literal_eval (tuples and sets shown as lists, bytes decoded, failures = the text). */
const RECORDED: Record<string, unknown> = JSON.parse(String.raw`{"1": 1, "-3": -3, "+4": 4, "0x1F": 31, "0o17": 15, "0b101": 5, "1_000": 1000, "1e3": 1000.0, "1.5": 1.5, ".5": 0.5, "5.": 5.0, "0644": "0644", "00": 0, "True": true, "False": false, "None": null, "true": "true", "yes": "yes", "'a'": "a", "\"b\"": "b", "'a' 'b'": "ab", "r'\\n'": "\\n", "'\\n'": "\n", "b'bytes'": "bytes", "u'uni'": "uni", "f'x'": "f'x'", "[1, 'a', None]": [1, "a", null], "(1, 2)": [1, 2], "(1,)": [1], "()": [], "(1)": 1, "1, 2": [1, 2], "{'a': 1, 'b': [2]}": {"a": 1, "b": [2]}, "{}": {}, "{1, 2}": [1, 2], "set()": [], "1+2": "1+2", "foo": "foo", "foo bar": "foo bar", "x # c": "x # c", "1 # c": 1, "[1,2,]": [1, 2], "'\\x41\\u00e9'": "Aé", "'it''s'": "its", "\"it's\"": "it's", "'unterminated": "'unterminated", "{'a' 1}": "{'a' 1}", "[1 2]": "[1 2]", "-'a'": "-'a'", "--1": "--1", "'\\q'": "\\q", "   7": 7, "7   ": 7, "1.2.3": "1.2.3", "0x": "0x", "1__0": "1__0", "{'a': 1,}": {"a": 1}, "[[]]": [[]], "{True: 1}": {"true": 1}}`);

describe('parsePythonValue (ast.literal_eval as Ansible INI applies it)', () => {
  for (const [text, expected] of Object.entries(RECORDED)) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => {
      expect(parsePythonValue(text)).toEqual(expected);
    });
  }

  it('keeps what JS cannot represent as the original text (complex numbers, integers beyond 2^53)', () => {
    expect(parsePythonValue('1+2j')).toBe('1+2j');
    expect(parsePythonValue('12345678901234567890')).toBe('12345678901234567890');
  });

  it('reads escapes, octal and raw strings', () => {
    expect(parsePythonValue(String.raw`'a\tb\\c\101'`)).toBe('a\tb\\cA');
    expect(parsePythonValue(String.raw`r'C:\dir\n'`)).toBe(String.raw`C:\dir\n`);
    expect(parsePythonValue(`'''tri'ple'''`)).toBe("tri'ple");
    expect(parsePythonValue(String.raw`b'\u00e9'`)).toBe(String.raw`\u00e9`);
  });

  it('nests containers', () => {
    expect(parsePythonValue(`{'users': [{'name': 'a', 'uid': 1000}], 'ok': True}`)).toEqual({ users: [{ name: 'a', uid: 1000 }], ok: true });
  });
});
