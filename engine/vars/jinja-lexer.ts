/**
 * Two lexer differences between nunjucks and Jinja2 that Ansible content hits:
 * `}}` closing dicts inside a tag, and backslashes in string literals.
 */
interface Tokenizer {
  in_code: boolean;
  isFinished(): boolean;
  current(): string;
  _parseString(delimiter: string): string;
  trimBlocks: boolean;
  /** inside {{ }} rather than {% %} */
  tsInVar?: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forward(): void;
  back(): void;
  nextToken(): { type: string; value: string } | null;
  /** open `{` inside the current tag */
  tsDepth?: number;
  /** tokens already decided, returned before lexing on (see numericAttribute) */
  tsPending?: LexToken[];
}

interface LexToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/**
 * Jinja2's lexer knows that the `}}` in `{{ x | combine({'a': {'b': 1}}) }}`
 * closes two dicts, not the tag; nunjucks' does not. Inside a tag with open
 * curly braces, a `}` is a brace. (Only templates nunjucks rejected change.)
 */
export function installLexerPatches(lexer: { lex(src: string, opts: object): object }): void {
  const proto = Object.getPrototypeOf(lexer.lex('', {})) as Tokenizer;
  const orig = proto.nextToken;
  proto.nextToken = function (this: Tokenizer) {
    const pending = this.tsPending?.shift();
    if (pending) return pending;
    const numeric = this.in_code ? numericAttribute(this) : null;
    if (numeric) return numeric;
    if (this.in_code && (this.tsDepth ?? 0) > 0 && this.str.charAt(this.index) === '}') {
      const tok = { type: 'right-curly', value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      this.tsDepth = (this.tsDepth ?? 1) - 1;
      return tok;
    }
    const tok = orig.call(this);
    // Jinja's trim_blocks also drops the newline after a comment tag
    if (tok?.type === 'comment' && this.trimBlocks && this.str.charAt(this.index) === '\n') this.forward();
    if (tok?.type === 'left-curly') this.tsDepth = (this.tsDepth ?? 0) + 1;
    else if (tok?.type === 'right-curly') this.tsDepth = Math.max(0, (this.tsDepth ?? 0) - 1);
    else if (tok?.type === 'variable-start' || tok?.type === 'block-start') {
      this.tsDepth = 0;
      this.tsInVar = tok.type === 'variable-start';
    }
    return tok;
  };
  proto._parseString = function (this: Tokenizer, delimiter: string) {
    return parseStringLiteral(this, delimiter, literalBackslashes && this.tsInVar === true);
  };
}

/**
 * Jinja reads `item.0` / `x.1.name` as a subscript with an integer (its
 * lexer never takes `.0` as part of a float); nunjucks wants a name after
 * the dot. A `.` followed by digits in code becomes the tokens `[ 0 ]`.
 */
function numericAttribute(tk: Tokenizer): LexToken | null {
  if (tk.str.charAt(tk.index) !== '.') return null;
  const digits = /^\d+/.exec(tk.str.slice(tk.index + 1, tk.index + 40))?.[0];
  if (!digits) return null;
  const at = (type: string, value: string): LexToken => ({ type, value, lineno: tk.lineno, colno: tk.colno });
  const open = at('left-bracket', '[');
  tk.forward();
  const index = at('int', digits);
  for (let i = 0; i < digits.length; i++) tk.forward();
  tk.tsPending = [index, at('right-bracket', ']')];
  return open;
}

/**
 * Ansible doubles the backslashes inside string literals of `{{ }}` in
 * playbook values before Jinja sees them (Templar._escape_backslashes), so
 * there `'\d'` reaches a filter as the two characters \ and d. Template files
 * and bare expressions (when:) use Python's escapes. The Templar switches
 * this while compiling.
 */
let literalBackslashes = false;
export function withLiteralBackslashes<T>(on: boolean, f: () => T): T {
  const before = literalBackslashes;
  literalBackslashes = on;
  try {
    return f();
  } finally {
    literalBackslashes = before;
  }
}

const PY_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '',
};

function parseStringLiteral(tk: Tokenizer, delimiter: string, literal: boolean): string {
  tk.forward();
  let str = '';
  while (!tk.isFinished() && tk.current() !== delimiter) {
    const cur = tk.current();
    tk.forward();
    if (cur !== '\\') {
      str += cur;
      continue;
    }
    const next = tk.current();
    tk.forward();
    if (literal) str += next === delimiter ? next : `\\${next}`;
    else if (Object.hasOwn(PY_ESCAPES, next)) str += PY_ESCAPES[next];
    else str += `\\${next}`; // Python keeps unknown escapes such as \d as they are
  }
  tk.forward();
  return str;
}
