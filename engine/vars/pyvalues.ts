/**
 * Python semantics for the values templates handle: truthiness, str()/repr(),
 * equality and ordering, json.dumps. Jinja2 templates are written against
 * Python, so `{{ [1, 2] }}` must print `[1, 2]`, `{% if [] %}` must be false,
 * and `to_json` must print `{"a": 1}` with Python's separators.
 */
import { TsplayError } from '../errors.js';

export type PlainObject = Record<string, unknown>;

const TUPLE = Symbol('tsplay.tuple');
/** Marks an array as a Python tuple (zip, dictsort, `('a', 'b')`): it prints as `('a', 'b')`. */
export function tuple<T extends unknown[]>(items: T): T {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}
export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

export function isPlainObject(v: unknown): v is PlainObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Any non-array object that is used as a mapping (plain objects, Proxies such as hostvars). */
export function isMapping(v: unknown): v is PlainObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v) || typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'boolean') return v;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Python's repr() of a string: single quotes unless the text holds one and no double quote. */
export function pyReprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return q + out + q;
}

export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyReprString(v);
  if (isTuple(v)) return `(${v.map(pyRepr).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isMapping(v)) {
    return `{${Object.entries(v).map(([k, x]) => `${pyReprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return pyStr(v);
}

/** Python's str(): what `{{ x }}` prints. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyFloat(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v) || isMapping(v)) return pyRepr(v);
  return String(v);
}

export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    // Python: True == 1, False == 0
    const na = typeof a === 'boolean' ? Number(a) : a;
    const nb = typeof b === 'boolean' ? Number(b) : b;
    return typeof na === 'number' && typeof nb === 'number' && na === nb;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

function typeLabel(v: unknown): string {
  return pyTypeName(v);
}

/** Python ordering: numbers with numbers, strings with strings, lists element-wise. */
export function pyCompare(a: unknown, b: unknown): number {
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof na === 'string' && typeof nb === 'string') return na < nb ? -1 : na > nb ? 1 : 0;
  if (Array.isArray(na) && Array.isArray(nb)) {
    for (let i = 0; i < Math.min(na.length, nb.length); i++) {
      const c = pyCompare(na[i], nb[i]);
      if (c !== 0) return c;
    }
    return na.length - nb.length;
  }
  throw new TsplayError(
    'TSPLAY_TEMPLATE_ERROR',
    `'<' not supported between instances of '${typeLabel(a)}' and '${typeLabel(b)}'`,
  );
}

/** What Ansible's `type_debug` prints. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  if (isMapping(v)) return 'dict';
  return typeof v;
}

export interface JsonDumpOptions {
  indent?: number;
  sortKeys?: boolean;
  /** Python's default: escape everything outside ASCII */
  ensureAscii?: boolean;
}

function jsonString(s: string, ensureAscii: boolean): string {
  const base = JSON.stringify(s);
  if (!ensureAscii) return base;
  return base.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.dumps with Python's separators (", " and ": "; "," at line ends when indenting). */
export function pyJsonDumps(v: unknown, opts: JsonDumpOptions = {}, depth = 0): string {
  const ensureAscii = opts.ensureAscii ?? true;
  const ind = opts.indent;
  const nl = (d: number): string => (ind === undefined ? '' : `\n${' '.repeat(ind * d)}`);
  const sep = ind === undefined ? ', ' : ',';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v, ensureAscii);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => nl(depth + 1) + pyJsonDumps(x, opts, depth + 1));
    return `[${items.join(sep)}${nl(depth)}]`;
  }
  if (isMapping(v)) {
    let keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    if (opts.sortKeys) keys = [...keys].sort();
    const items = keys.map((k) => `${nl(depth + 1)}${jsonString(k, ensureAscii)}: ${pyJsonDumps(v[k], opts, depth + 1)}`);
    return `{${items.join(sep)}${nl(depth)}}`;
  }
  return jsonString(String(v), ensureAscii);
}

/** Python's `%` formatting for the `format` filter: %s %r %d %i %f %x %o %%. */
export function percentFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%(\(\w+\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifrxoeg%])/g, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const arg = key && isMapping(args[0]) ? args[0][key.slice(1, -1)] : args[i++];
    let out: string;
    if (conv === 's') out = pyStr(arg);
    else if (conv === 'r') out = pyRepr(arg);
    else if (conv === 'd' || conv === 'i') out = String(Math.trunc(Number(arg)));
    else if (conv === 'x') out = Math.trunc(Number(arg)).toString(16);
    else if (conv === 'o') out = Math.trunc(Number(arg)).toString(8);
    else out = Number(arg).toFixed(prec === undefined ? 6 : Number(prec));
    const w = width ? Number(width) : 0;
    if (flags.includes('-')) return out.padEnd(w);
    return out.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
  });
}
