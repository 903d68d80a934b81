/** Scalars and strings: default, bool, int, string case, formatting. */
import { TsplayError } from '../../errors.js';
import { shellQuote } from '../../connection/types.js';
import { isUndefined } from '../strict.js';
import { isMapping, percentFormat, pyStr, pyTruthy, pyTypeName } from '../pyvalues.js';
import { pySplit } from '../methods.js';
import { filter, type FilterDef } from './types.js';
import { fail } from './util.js';

/** Ansible's `bool` filter, exactly: only yes/on/1/true (any case) and 1 are true. */
export function ansibleBool(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.trim().toLowerCase());
  return v === 1;
}

function toInt(v: unknown, dflt: unknown = 0, base: unknown = 10): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const b = typeof base === 'number' ? base : 10;
    if (b === 10 && /^[-+]?\d+$/.test(s)) return Number.parseInt(s, 10);
    if (b !== 10) {
      const body = s.replace(/^([-+]?)0[xob]/i, '$1');
      const n = Number.parseInt(body, b);
      if (!Number.isNaN(n) && new RegExp(`^[-+]?[0-9a-z]+$`, 'i').test(body)) return n;
      return dflt;
    }
    const f = Number(s);
    return s !== '' && Number.isFinite(f) ? Math.trunc(f) : dflt;
  }
  return dflt;
}

function toFloat(v: unknown, dflt: unknown = 0): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v.trim()))) return Number(v.trim());
  return dflt;
}

function indent(s: string, width: unknown = 4, first: unknown = false, blank: unknown = false): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = s.split('\n');
  return lines
    .map((l, i) => {
      if (i === 0 && !pyTruthy(first)) return l;
      if (l === '' && !pyTruthy(blank)) return l;
      return pad + l;
    })
    .join('\n');
}

function center(s: string, width: unknown = 80): string {
  const w = Number(width);
  if (s.length >= w) return s;
  const total = w - s.length;
  // CPython's pad(): left = pad/2 + (pad & width & 1)
  const left = Math.floor(total / 2) + (total & w & 1);
  return ' '.repeat(left) + s + ' '.repeat(total - left);
}

/** Python's urllib quote: only letters, digits and _.-~ (and '/' for a plain string) stay as they are. */
function quote(x: unknown, safe: string, plus: boolean): string {
  let out = '';
  for (const byte of Buffer.from(pyStr(x), 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || safe.includes(c)) out += c;
    else if (plus && c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Jinja's urlencode: a string keeps '/', query pairs use quote_plus. */
function urlencode(v: unknown): string {
  const q = (x: unknown): string => quote(x, '', true);
  if (isMapping(v)) return Object.entries(v).map(([k, x]) => `${q(k)}=${q(x)}`).join('&');
  if (Array.isArray(v)) return v.map((p) => (Array.isArray(p) ? `${q(p[0])}=${q(p[1])}` : q(p))).join('&');
  return quote(v, '/', false);
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's `comment` filter, parameter for parameter. */
function comment(text: string, style: unknown, kw: Record<string, unknown>): string {
  const styleParams = COMMENT_STYLES[pyStr(style ?? 'plain')] ?? fail(`comment: unknown style '${pyStr(style)}'`);
  const prepostfix = pyStr(kw.decoration ?? styleParams.decoration).trimEnd();
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix, prefix_count: 1, decoration: '', postfix: prepostfix, postfix_count: 1, end: '', ...styleParams, ...kw };
  const [nl, deco] = [pyStr(p.newline), pyStr(p.decoration)];
  const beginning = p.beginning ? `${pyStr(p.beginning)}${nl}` : '';
  const prefix = p.prefix ? (p.prefix !== nl ? `${pyStr(p.prefix)}${nl}` : nl).repeat(Number(p.prefix_count)) : '';
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array.from({ length: Number(p.postfix_count) }, () => pyStr(p.postfix))].join(nl);
  const end = p.end ? `${nl}${pyStr(p.end)}` : '';
  return beginning + prefix + body + postfix + end;
}

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(n: number): number {
  const f = Math.floor(n);
  const diff = n - f;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(n);
  return f % 2 === 0 ? f : f + 1;
}

function mandatory(v: unknown, msg: unknown): unknown {
  if (isUndefined(v)) {
    const text = typeof msg === 'string' ? msg : `Mandatory variable '${v.name}' not defined.`;
    throw new TsplayError('TSPLAY_UNDEFINED_VAR', text, { hint: v.hint });
  }
  return v;
}

export const coreFilters: Record<string, FilterDef> = {
  default: filter((v, [d = '', boolean = false]) => (isUndefined(v) || (pyTruthy(boolean) && !pyTruthy(v)) ? d : v), true),
  mandatory: filter((v, [msg], kw) => mandatory(v, msg ?? kw.msg), true),
  // Ansible's bool passes None through (it prints as '')
  bool: filter((v) => (v === null ? null : ansibleBool(v))),
  int: filter((v, [d = 0, base = 10], kw) => toInt(v, kw.default ?? d, kw.base ?? base)),
  float: filter((v, [d = 0], kw) => toFloat(v, kw.default ?? d)),
  string: filter((v) => pyStr(v)),
  lower: filter((v) => pyStr(v).toLowerCase()),
  upper: filter((v) => pyStr(v).toUpperCase()),
  capitalize: filter((v) => {
    const s = pyStr(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  }),
  title: filter((v) => pyStr(v).toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())),
  trim: filter((v, [chars]) => {
    const s = pyStr(v);
    if (typeof chars !== 'string') return s.trim();
    let [a, b] = [0, s.length];
    while (a < b && chars.includes(s[a]!)) a++;
    while (b > a && chars.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  }),
  split: filter((v, [sep, max]) => pySplit(pyStr(v), sep, max)),
  replace: filter((v, [a, b, count]) => {
    const s = pyStr(v);
    const [from, to] = [pyStr(a), pyStr(b)];
    if (typeof count !== 'number') return s.split(from).join(to);
    const parts = s.split(from);
    return parts.slice(0, count + 1).join(to) + (parts.length > count + 1 ? from + parts.slice(count + 1).join(from) : '');
  }),
  format: filter((v, args, kw) => percentFormat(pyStr(v), Object.keys(kw).length ? [kw] : args)),
  ternary: filter((v, [t, f, none], kw) => {
    if ((v === null || v === undefined) && (none !== undefined || kw.none_val !== undefined)) return none ?? kw.none_val;
    return pyTruthy(v) ? (t ?? kw.true_val) : (f ?? kw.false_val);
  }),
  type_debug: filter((v) => pyTypeName(v)),
  indent: filter((v, [w = 4, first = false, blank = false], kw) => indent(pyStr(v), kw.width ?? w, kw.first ?? kw.indentfirst ?? first, kw.blank ?? blank)),
  center: filter((v, [w = 80]) => center(pyStr(v), w)),
  comment: filter((v, [style], kw) => comment(pyStr(v), style, kw)),
  wordcount: filter((v) => (pyStr(v).match(/\w+/gu) ?? []).length),
  urlencode: filter((v) => urlencode(v)),
  quote: filter((v) => shellQuote(v === null || v === undefined ? '' : pyStr(v))),
  abs: filter((v) => (typeof v === 'number' ? Math.abs(v) : fail('abs: expected a number'))),
  round: filter((v, [precision = 0, method = 'common']) => {
    const p = 10 ** Number(precision);
    const n = Number(v) * p;
    const r = method === 'ceil' ? Math.ceil(n) : method === 'floor' ? Math.floor(n) : roundHalfEven(n);
    return r / p;
  }),
};
coreFilters.d = coreFilters.default!;
