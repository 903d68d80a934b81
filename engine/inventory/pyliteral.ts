/**
 * Python's `ast.literal_eval`, as Ansible's INI inventory applies it to every
 * `key=value`: strings, numbers, True/False/None, lists, tuples, dicts, sets.
 * Anything that is not such a literal (`yes`, `0644`, `foo bar`) stays the
 * original text, as in Ansible.
 */

type Token =
  | { kind: 'num'; value: number | string }
  | { kind: 'str'; value: string; bytes: boolean; fstring: boolean }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

class NotLiteral extends Error {}

const fail = (): never => {
  throw new NotLiteral();
};

/** literal_eval(text), or the text itself when it is not a Python literal. */
export function parsePythonValue(text: string): unknown {
  try {
    const tokens = tokenize(text.replace(/^[ \t]+/, ''));
    const parser = new Parser(tokens);
    const value = parser.expression(true);
    if (!parser.atEnd()) fail();
    return value;
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

const NUMBER_RE =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][+-]?[0-9](?:_?[0-9])*)?)[jJ]?/;
const STRING_START_RE = /^([rRuUbBfF]{0,2})('''|"""|'|")/;
const NAME_RE = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '#') break; // a comment runs to the end of the (single) line
    const rest = src.slice(i);
    const str = STRING_START_RE.exec(rest);
    if (str && isStringPrefix(str[1]!)) {
      const { token, length } = readString(rest, str[1]!, str[2]!);
      tokens.push(token);
      i += length;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = NUMBER_RE.exec(rest) ?? fail();
      const after = rest[m[0].length];
      if (after !== undefined && /[\w.]/.test(after)) fail();
      tokens.push({ kind: 'num', value: toNumber(m[0]) });
      i += m[0].length;
      continue;
    }
    const name = NAME_RE.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    if ('[](){},:+-'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch });
      i++;
      continue;
    }
    fail();
  }
  return tokens;
}

function isStringPrefix(prefix: string): boolean {
  const p = prefix.toLowerCase();
  return ['', 'r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf'].includes(p);
}

/** Python number literal text to a JS number (a complex number is not representable: not a literal for us). */
function toNumber(text: string): number | string {
  if (/[jJ]$/.test(text)) fail();
  const t = text.replace(/_/g, '');
  if (/^0[xXoObB]/.test(t)) {
    const n = Number(t.toLowerCase());
    return Number.isSafeInteger(n) ? n : text;
  }
  if (/[.eE]/.test(t)) return Number(t);
  // Python 3 rejects leading zeros in a decimal integer (0644), except 0, 00...
  if (/^0\d/.test(t) && !/^0+$/.test(t)) fail();
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : text;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

function readString(src: string, prefix: string, quote: string): { token: Token; length: number } {
  const p = prefix.toLowerCase();
  const raw = p.includes('r');
  const bytes = p.includes('b');
  let i = prefix.length + quote.length;
  let out = '';
  for (;;) {
    if (i >= src.length) fail();
    if (src.startsWith(quote, i)) {
      i += quote.length;
      break;
    }
    const ch = src[i]!;
    if (quote.length === 1 && ch === '\n') fail();
    if (ch !== '\\') {
      if (bytes && ch.charCodeAt(0) > 127) fail();
      out += ch;
      i++;
      continue;
    }
    const next = src[i + 1] ?? fail();
    if (raw) {
      out += ch + next;
      i += 2;
      continue;
    }
    const { text, length } = readEscape(src, i + 1, bytes);
    out += text;
    i += 1 + length;
  }
  return { token: { kind: 'str', value: out, bytes, fstring: p.includes('f') }, length: i };
}

function readEscape(src: string, at: number, bytes: boolean): { text: string; length: number } {
  const c = src[at]!;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, length: 1 };
  const oct = /^[0-7]{1,3}/.exec(src.slice(at));
  if (oct) return { text: String.fromCodePoint(parseInt(oct[0], 8)), length: oct[0].length };
  const hexLen = c === 'x' ? 2 : !bytes && c === 'u' ? 4 : !bytes && c === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const hex = src.slice(at + 1, at + 1 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail();
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) fail();
    return { text: String.fromCodePoint(cp), length: 1 + hexLen };
  }
  if (!bytes && c === 'N') fail(); // \N{NAME}: no Unicode name table here
  return { text: '\\' + c, length: 1 }; // unknown escapes stay as written
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.value === value;
  }

  private expect(value: string): void {
    if (!this.isOp(value)) fail();
    this.pos++;
  }

  /** An expression, or a bare tuple `1, 2` when `allowTuple`. */
  expression(allowTuple: boolean): unknown {
    const first = this.atom();
    if (!allowTuple || !this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.pos++;
      if (this.atEnd() || this.isOp(')')) break;
      items.push(this.atom());
    }
    return items;
  }

  private atom(): unknown {
    const t = this.peek() ?? fail();
    if (t.kind === 'op' && (t.value === '+' || t.value === '-')) return this.signedNumber();
    this.pos++;
    if (t.kind === 'num') return this.maybeComplexSum(t.value);
    if (t.kind === 'str') return this.strings(t);
    if (t.kind === 'name') return this.name(t.value);
    if (t.value === '[') return this.sequence(']');
    if (t.value === '(') return this.parenthesized();
    if (t.value === '{') return this.braces();
    return fail();
  }

  private signedNumber(): unknown {
    const sign = (this.tokens[this.pos++] as { value: string }).value;
    const t = this.peek();
    if (t?.kind !== 'num' || typeof t.value !== 'number') return fail();
    this.pos++;
    return this.maybeComplexSum(sign === '-' ? -t.value : t.value);
  }

  /** `1+2j` is a literal (complex) in Python; we cannot represent it. */
  private maybeComplexSum(value: number | string): unknown {
    if (this.isOp('+') || this.isOp('-')) fail();
    return value;
  }

  private strings(first: Extract<Token, { kind: 'str' }>): string {
    let value = first.value;
    let fstring = first.fstring;
    for (let t = this.peek(); t?.kind === 'str'; t = this.peek()) {
      if (t.bytes !== first.bytes) fail(); // mixing bytes and str is a SyntaxError
      value += t.value;
      fstring ||= t.fstring;
      this.pos++;
    }
    if (fstring) fail(); // a JoinedStr is not a literal
    return value;
  }

  private name(value: string): unknown {
    if (value === 'True') return true;
    if (value === 'False') return false;
    if (value === 'None') return null;
    if (value === 'set' && this.isOp('(')) {
      this.pos++;
      this.expect(')');
      return [];
    }
    return fail();
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.atom());
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp(close)) fail();
    }
    this.pos++;
    return items;
  }

  private parenthesized(): unknown {
    if (this.isOp(')')) {
      this.pos++;
      return [];
    }
    const first = this.atom();
    if (this.isOp(')')) {
      this.pos++;
      return first;
    }
    this.expect(',');
    const rest = this.sequence(')');
    return [first, ...rest];
  }

  /** `{}` and `{k: v}` are dicts, `{a, b}` a set (a list for us). */
  private braces(): unknown {
    if (this.isOp('}')) {
      this.pos++;
      return {};
    }
    const first = this.atom();
    if (!this.isOp(':')) {
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp('}')) fail();
      return [first, ...this.sequence('}')];
    }
    const dict: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.expect(':');
      if (typeof key === 'object' && key !== null) fail(); // unhashable or not a JSON key
      dict[String(key)] = this.atom();
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp('}')) fail();
      if (this.isOp('}')) break;
      key = this.atom();
    }
    this.pos++;
    return dict;
  }
}
