/**
 * The structure of a POSIX shell script, for the injection tests: words,
 * operators, and every place the shell would expand or execute something
 * (`$(...)`, backticks, `$var`, unquoted globs, comments, heredoc bodies).
 * A value that reaches a command as data leaves the structure unchanged,
 * whatever it holds; a value that reaches it as code changes it.
 */

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '>&', '<&', '>|', '&', '|', ';', '<', '>', '(', ')', '\n'];

export interface Shape {
  tokens: string[];
}

class Scanner {
  i = 0;
  tokens: string[] = [];
  word: string[] = [];
  inWord = false;
  pendingHeredocs: { delim: string; quoted: boolean; strip: boolean }[] = [];
  constructor(readonly s: string) {}

  endWord(): void {
    if (this.inWord) this.tokens.push(`W[${this.word.join('')}]`);
    this.word = [];
    this.inWord = false;
  }

  mark(m: string): void {
    this.inWord = true;
    this.word.push(m);
  }
}

/** Skips a `$(...)` or `$((...))` body, honouring nested quotes and parens; returns the index after it. */
function skipParens(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") i = s.indexOf("'", i + 1) < 0 ? s.length : s.indexOf("'", i + 1);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

/** `$...` at i: returns the marker and the index after the expansion. */
function dollar(s: string, i: number): [string, number] {
  const next = s[i + 1];
  if (next === '(') return ['$(', skipParens(s, i + 1)];
  if (next === '{') {
    const end = s.indexOf('}', i);
    return ['${', end < 0 ? s.length : end + 1];
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(s.slice(i + 1));
  if (m) return [`$${/^\d$/.test(m[0]) ? 'N' : 'v'}`, i + 1 + m[0].length];
  return ['', i + 1];
}

function doubleQuoted(sc: Scanner): void {
  const s = sc.s;
  sc.i++;
  sc.mark('"');
  while (sc.i < s.length && s[sc.i] !== '"') {
    const c = s[sc.i]!;
    if (c === '\\') sc.i += 2;
    else if (c === '`') {
      sc.mark('`');
      const end = s.indexOf('`', sc.i + 1);
      sc.i = end < 0 ? s.length : end + 1;
    } else if (c === '$') {
      const [m, next] = dollar(s, sc.i);
      if (m) sc.mark(m);
      sc.i = next;
    } else sc.i++;
  }
  sc.i++;
}

function heredocBodies(sc: Scanner): void {
  for (const h of sc.pendingHeredocs) {
    const lines: string[] = [];
    while (sc.i < sc.s.length) {
      const nl = sc.s.indexOf('\n', sc.i);
      const line = sc.s.slice(sc.i, nl < 0 ? sc.s.length : nl);
      sc.i = nl < 0 ? sc.s.length : nl + 1;
      if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) break;
      lines.push(line);
    }
    const body = lines.join('\n');
    // an unquoted heredoc expands $ and backticks like double quotes
    const expansions = h.quoted ? 0 : (body.match(/\$\(|`|\$\{|\$[A-Za-z_]/g) ?? []).length;
    sc.tokens.push(`HEREDOC[${h.delim};${expansions}]`);
  }
  sc.pendingHeredocs = [];
}

function readHeredocDelimiter(sc: Scanner, strip: boolean): void {
  const m = /^[ \t]*('([^']*)'|"([^"]*)"|\\?([^\s;&|<>()]+))/.exec(sc.s.slice(sc.i));
  if (!m) return;
  sc.i += m[0].length;
  const delim = m[2] ?? m[3] ?? m[4]!.replace(/\\/g, '');
  sc.pendingHeredocs.push({ delim, quoted: m[2] !== undefined || m[3] !== undefined || m[1]!.startsWith('\\'), strip });
  sc.tokens.push('W[heredoc-delimiter]');
}

export function shellShape(script: string): string[] {
  const sc = new Scanner(script);
  const s = script;
  while (sc.i < s.length) {
    const c = s[sc.i]!;
    const op = sc.inWord && c !== '\n' && !';&|<>()'.includes(c) ? undefined : OPERATORS.find((o) => s.startsWith(o, sc.i));
    if (c === ' ' || c === '\t') {
      sc.endWord();
      sc.i++;
    } else if (op) {
      sc.endWord();
      sc.tokens.push(op === '\n' ? 'NL' : op);
      sc.i += op.length;
      if (op === '<<' || op === '<<-') readHeredocDelimiter(sc, op === '<<-');
      if (op === '\n') heredocBodies(sc);
    } else if (c === '#' && !sc.inWord) {
      const nl = s.indexOf('\n', sc.i);
      sc.tokens.push('COMMENT');
      sc.i = nl < 0 ? s.length : nl;
    } else if (c === '\\') {
      sc.mark(s[sc.i + 1] === '\n' ? '' : 'x');
      sc.i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", sc.i + 1);
      sc.mark("'");
      sc.i = end < 0 ? s.length : end + 1;
    } else if (c === '"') doubleQuoted(sc);
    else if (c === '`') {
      sc.mark('`');
      const end = s.indexOf('`', sc.i + 1);
      sc.i = end < 0 ? s.length : end + 1;
    } else if (c === '$') {
      const [m, next] = dollar(s, sc.i);
      sc.mark(m || 'x');
      sc.i = next;
    } else {
      if ('*?['.includes(c)) sc.mark('GLOB');
      else if (sc.word[sc.word.length - 1] !== 'x') sc.mark('x');
      sc.inWord = true;
      sc.i++;
    }
  }
  sc.endWord();
  if (sc.pendingHeredocs.length) heredocBodies(sc);
  return sc.tokens;
}
