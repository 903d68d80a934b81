/** regex_* filters with Python `re` syntax translated to JS RegExp. */
import { pyStr, pyTruthy, tuple } from '../pyvalues.js';
import { filter, type FilterDef, type Kwargs } from './types.js';
import { fail } from './util.js';

/** Python pattern -> JS: named groups, \A \Z, inline (?i) flags. */
export function pyRegex(pattern: string, flags: string): RegExp {
  let src = pattern
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  let f = flags;
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1]!) if (c !== 'x' && !f.includes(c)) f += c;
  }
  try {
    return new RegExp(src, `${f}u`.replace(/u+$/, 'u'));
  } catch {
    try {
      return new RegExp(src, f);
    } catch (e) {
      return fail(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
  }
}

/** Python replacement string -> JS: \1 and \g<name> become $1 and $<name>. */
function pyReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<(\w+)>/g, '$$<$1>')
    .replace(/\\(\d+)/g, '$$$1')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\\\/g, '\\');
}

function reFlags(kw: Kwargs, extra = ''): string {
  return (pyTruthy(kw.ignorecase) ? 'i' : '') + (pyTruthy(kw.multiline) ? 'm' : '') + extra;
}

function regexSearch(v: unknown, args: unknown[], kw: Kwargs): unknown {
  const [pattern, ...groups] = args;
  const m = pyRegex(pyStr(pattern), reFlags(kw)).exec(pyStr(v));
  if (!m) return groups.length ? [] : null;
  if (!groups.length) return m[0];
  return groups.map((g) => {
    const s = pyStr(g);
    const num = /^\\(\d+)$/.exec(s);
    if (num) return m[Number(num[1])] ?? null;
    const named = /^\\g<(\w+)>$/.exec(s);
    if (named) return m.groups?.[named[1]!] ?? null;
    return fail(`regex_search: unknown group argument ${JSON.stringify(s)}`, "use '\\\\1' or '\\\\g<name>'");
  });
}

function regexFindall(v: unknown, args: unknown[], kw: Kwargs): unknown[] {
  const re = pyRegex(pyStr(args[0]), reFlags(kw, 'g'));
  const out: unknown[] = [];
  for (const m of pyStr(v).matchAll(re)) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(tuple(m.slice(1).map((x) => x ?? '')));
  }
  return out;
}

/** Python's re.escape (3.7+): escapes only characters special in a pattern. */
export function regexEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

export const regexFilters: Record<string, FilterDef> = {
  regex_replace: filter((v, [pattern, repl = '', ignorecase, multiline, count], kw) => {
    const opts = { ignorecase: kw.ignorecase ?? ignorecase, multiline: kw.multiline ?? multiline };
    const n = Number(kw.count ?? count ?? 0);
    const re = pyRegex(pyStr(pattern), reFlags(opts, 'g'));
    const replacement = pyReplacement(pyStr(repl));
    if (n <= 0) return pyStr(v).replace(re, replacement);
    let done = 0;
    return pyStr(v).replace(re, (...m: unknown[]) => {
      const whole = m[0] as string;
      if (done++ >= n) return whole;
      return whole.replace(pyRegex(pyStr(pattern), reFlags(opts)), replacement);
    });
  }),
  regex_search: filter(regexSearch),
  regex_findall: filter((v, args, kw) => regexFindall(v, args, kw)),
  regex_escape: filter((v) => regexEscape(pyStr(v))),
};
