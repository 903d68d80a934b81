/**
 * Ansible's free-form `key=value key2="quoted value"` argument parsing
 * (parsing/splitter.py: split_args, parse_kv, unquote).
 */

/** Options of command/shell kept as key=value; every other word stays in the raw text. */
const RAW_MODULE_OPTIONS = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

const JINJA_OPEN = ['{{', '{%', '{#'];
const JINJA_CLOSE = ['}}', '%}', '#}'];

/**
 * Splits on whitespace, except inside quotes or Jinja blocks; quotes are kept
 * in the words (unquote removes them from values).
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const pair = text.slice(i, i + 2);
    if (!quote && JINJA_OPEN.includes(pair)) {
      depth++;
      current += pair;
      i++;
      continue;
    }
    if (!quote && depth > 0 && JINJA_CLOSE.includes(pair)) {
      depth--;
      current += pair;
      i++;
      continue;
    }
    if ((ch === '"' || ch === "'") && text[i - 1] !== '\\' && depth === 0) {
      if (quote === ch) quote = null;
      else if (!quote) quote = ch;
    }
    if (!quote && depth === 0 && /\s/.test(ch)) {
      if (current) words.push(current);
      current = '';
      // newlines are kept (at the end of the word before them) so that a
      // multi-line shell script keeps its lines, as ansible's split_args does
      if (ch === '\n' && words.length > 0) words[words.length - 1] += '\n';
      continue;
    }
    current += ch;
  }
  if (current) words.push(current);
  return words;
}

export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] && s[s.length - 2] !== '\\') return s.slice(1, -1);
  return s;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python-style escapes as ansible's _decode_escapes. */
export function decodeEscapes(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv])/g, (_m, e: string) => {
    if (e[0] === 'u' || e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
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
    const key = decoded.slice(0, at).trim();
    if (checkRaw && !RAW_MODULE_OPTIONS.has(key)) {
      raw.push(word);
      continue;
    }
    options[key] = unquote(decoded.slice(at + 1).trim());
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
