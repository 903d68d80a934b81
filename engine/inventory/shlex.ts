/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible's INI
 * inventory uses to split host lines. A `#` starts a comment even inside an
 * unquoted word, as in shlex.
 */

export interface ShlexToken {
  value: string;
  /** 0-based offset of the token's first character in the line */
  start: number;
}

export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

export function shlexSplit(line: string): ShlexToken[] {
  const tokens: ShlexToken[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (WHITESPACE.includes(ch)) {
      i++;
      continue;
    }
    if (ch === '#') break;
    const start = i;
    const { value, end, comment } = readWord(line, i);
    tokens.push({ value, start });
    if (comment) break;
    i = end;
  }
  return tokens;
}

function readWord(line: string, from: number): { value: string; end: number; comment: boolean } {
  let value = '';
  let i = from;
  while (i < line.length) {
    const ch = line[i]!;
    if (WHITESPACE.includes(ch)) return { value, end: i, comment: false };
    if (ch === '#') return { value, end: i, comment: true };
    if (ch === "'" || ch === '"') {
      const q = readQuoted(line, i + 1, ch);
      value += q.value;
      i = q.end;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      value += line[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  return { value, end: i, comment: false };
}

/** Inside quotes; returns the text and the offset after the closing quote. */
function readQuoted(line: string, from: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = from;
  for (;;) {
    if (i >= line.length) throw new ShlexError('No closing quotation');
    const ch = line[i]!;
    if (ch === quote) return { value, end: i + 1 };
    if (quote === '"' && ch === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      const next = line[i + 1]!;
      // in double quotes a backslash escapes only `"` and itself
      value += next === '"' || next === '\\' ? next : ch + next;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
}
