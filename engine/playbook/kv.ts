import { charByName } from './unicode-names.js';

/**
 * Ansible's free-form `key=value key2="quoted value"` argument parsing
 * (parsing/splitter.py: split_args, parse_kv, unquote).
 */

/** Options of command/shell kept as key=value; every other word stays in the raw text. */
const RAW_MODULE_OPTIONS = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

/** Quote state after a word, as ansible's _get_quote_state. */
function quoteState(token: string, quote: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const ch = token[i]!;
    if ((ch === '"' || ch === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (!quote) quote = ch;
      else if (ch === quote) quote = null;
    }
  }
  return quote;
}

function countBlocks(token: string, depth: number, open: string, close: string): number {
  const opened = token.split(open).length - 1;
  const closed = token.split(close).length - 1;
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}

export class SplitArgsError extends Error {}

interface SplitState {
  params: string[];
  quote: string | null;
  depths: [number, number, number];
}

const BLOCKS: [string, string][] = [['{{', '}}'], ['{%', '%}'], ['{#', '#}']];

/** One space-separated token of a line (the body of ansible's split_args loop). */
function addToken(st: SplitState, token: string, at: { idx: number; count: number }): void {
  const inBlock = () => st.depths.some((d) => d > 0);
  const wasInQuotes = st.quote !== null;
  st.quote = quoteState(token, st.quote);
  const inQuotes = st.quote !== null;
  let appended = false;
  if (inQuotes && !wasInQuotes && !inBlock()) {
    st.params.push(token);
    appended = true;
  } else if (inBlock() || inQuotes || wasInQuotes) {
    const last = st.params.length - 1;
    if (at.idx === 0 && wasInQuotes) st.params[last] = `${st.params[last]}${token}`;
    else if (at.count > 1) st.params[last] = `${st.params[last]}${at.idx > 0 ? ' ' : ''}${token}`;
    else st.params[last] = `${st.params[last]}\n${token}`;
    appended = true;
  }
  BLOCKS.forEach(([open, close], i) => {
    const before = st.depths[i]!;
    st.depths[i] = countBlocks(token, before, open, close);
    if (st.depths[i] !== before && !appended) {
      st.params.push(token);
      appended = true;
    }
  });
  if (!inBlock() && !inQuotes && !appended && token !== '') st.params.push(token);
}

/**
 * ansible's split_args: splits on spaces, except inside quotes or Jinja
 * blocks; quotes stay in the words, runs of spaces and newlines are kept so
 * that join_args rebuilds the original text.
 */
export function splitArgs(text: string): string[] {
  const st: SplitState = { params: [], quote: null, depths: [0, 0, 0] };
  const lines = text.split('\n');
  lines.forEach((line, lineIdx) => {
    const tokens = line.split(' ');
    let continuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        if (st.params.length) st.params[st.params.length - 1] += ' ';
        return;
      }
      if (token === '\\' && st.quote === null) {
        continuation = true;
        return;
      }
      addToken(st, token, { idx, count: tokens.length });
    });
    if (lines.length > 1 && lineIdx !== lines.length - 1 && !continuation && st.params.length) st.params[st.params.length - 1] += '\n';
  });
  if (st.quote !== null || st.depths.some((d) => d > 0)) throw new SplitArgsError(`unbalanced quotes or Jinja block in: ${text}`);
  return st.params;
}

export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] && s[s.length - 2] !== '\\') return s.slice(1, -1);
  return s;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/**
 * Exactly the escapes of ansible's _decode_escapes (parsing/splitter.py):
 * `\U` + 8 hex, `\u` + 4 hex, `\x` + 2 hex, `\N{name}` and single-character
 * escapes. No octal: `\1` stays a backslash and a digit (regex backrefs).
 */
const ESCAPE_RE = /\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|N\{[^}]+\}|[\\'"abfnrtv])/g;

/** An escape Python's unicode-escape codec rejects (ansible fails on it too). */
export class KvEscapeError extends SplitArgsError {}

function decodeOne(escape: string): string {
  const kind = escape[0]!;
  if (kind === 'U' || kind === 'u' || kind === 'x') {
    const code = parseInt(escape.slice(1), 16);
    if (code > 0x10ffff) throw new KvEscapeError(`illegal Unicode character in escape '\\${escape}'`);
    return String.fromCodePoint(code);
  }
  if (kind === 'N' && escape.length > 1) {
    const name = escape.slice(2, -1);
    const ch = charByName(name);
    if (ch === undefined) throw new KvEscapeError(`unknown Unicode character name in escape '\\N{${name}}'`);
    return ch;
  }
  return ESCAPES[escape]!;
}

/** Python-style escapes as ansible's _decode_escapes. */
export function decodeEscapes(s: string): string {
  return s.replace(ESCAPE_RE, (_m, escape: string) => decodeOne(escape));
}

/** Index of the first `=` not preceded by a backslash, or -1. */
function separatorIndex(word: string): number {
  for (let i = 1; i < word.length; i++) if (word[i] === '=' && word[i - 1] !== '\\') return i;
  return -1;
}

/**
 * parse_kv: `key=value` words become options; other words are joined into
 * `_raw_params`. With checkRaw (command, shell), only the command options are
 * taken as key=value.
 */
export function parseKv(text: string, checkRaw = false): Record<string, string> {
  const options: Record<string, string> = {};
  const raw: string[] = [];
  for (const word of splitArgs(text)) {
    const decoded = decodeEscapes(word);
    const at = decoded.includes('=') ? separatorIndex(decoded) : -1;
    if (at < 0) {
      raw.push(decoded.includes('=') ? decoded.replace(/\\=/g, '=') : word);
      continue;
    }
    // as ansible: the raw-command check sees the key unstripped
    const key = decoded.slice(0, at);
    if (checkRaw && !RAW_MODULE_OPTIONS.has(key)) {
      raw.push(word);
      continue;
    }
    options[key.trim()] = unquote(decoded.slice(at + 1).trim());
  }
  if (raw.length > 0) options._raw_params = joinArgs(raw);
  return options;
}

/** join_args: words joined by a space, except after a newline. */
export function joinArgs(words: string[]): string {
  let out = '';
  for (const w of words) out += out.length === 0 || out.endsWith('\n') ? w : ` ${w}`;
  return out;
}
