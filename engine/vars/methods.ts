/**
 * Python methods that Ansible templates call on values: `x.split(',')`,
 * `name.startswith('pg')`, `d.items()`, `d.get('k', 1)`, `l.index(3)`.
 * Only methods returning a value; mutating ones (`append`) return None as in
 * Python and change the list, which Jinja2 allows too.
 */
import { isMapping, pyEquals, pyStr, tuple } from './pyvalues.js';

type Method = (...args: unknown[]) => unknown;

function pyStrip(s: string, chars: unknown, where: 'both' | 'left' | 'right'): string {
  const set = typeof chars === 'string' ? chars : ' \t\n\r\f\v';
  let a = 0;
  let b = s.length;
  if (where !== 'right') while (a < b && set.includes(s[a]!)) a++;
  if (where !== 'left') while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export function pySplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const max = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts = s.trim().split(/\s+/).filter((p) => p !== '');
    if (parts.length <= max + 1) return parts;
    // rejoin the tail as Python keeps it: everything after the max-th split
    const re = /\S+/g;
    const out: string[] = [];
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) && out.length < max) out.push(m[0]);
    out.push(s.slice(re.lastIndex).trimStart().trimEnd());
    return out;
  }
  const sepStr = pyStr(sep);
  const parts = s.split(sepStr);
  if (parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(sepStr)];
}

function stringMethods(s: string): Record<string, Method> {
  return {
    split: (sep, max) => pySplit(s, sep, max),
    rsplit: (sep, max) => {
      if (typeof max !== 'number' || max < 0) return pySplit(s, sep);
      const sepStr = sep === undefined || sep === null ? ' ' : pyStr(sep);
      const parts = s.split(sepStr);
      if (parts.length <= max + 1) return parts;
      return [parts.slice(0, parts.length - max).join(sepStr), ...parts.slice(parts.length - max)];
    },
    splitlines: () => s.split(/\r?\n/).filter((l, i, a) => !(i === a.length - 1 && l === '')),
    startswith: (p) => (Array.isArray(p) ? p.some((x) => s.startsWith(pyStr(x))) : s.startsWith(pyStr(p))),
    endswith: (p) => (Array.isArray(p) ? p.some((x) => s.endsWith(pyStr(x))) : s.endsWith(pyStr(p))),
    lower: () => s.toLowerCase(),
    upper: () => s.toUpperCase(),
    strip: (c) => pyStrip(s, c, 'both'),
    lstrip: (c) => pyStrip(s, c, 'left'),
    rstrip: (c) => pyStrip(s, c, 'right'),
    replace: (a, b, count) => {
      if (typeof count !== 'number' || count < 0) return s.split(pyStr(a)).join(pyStr(b));
      const parts = s.split(pyStr(a));
      return parts.slice(0, count + 1).join(pyStr(b)) + (parts.length > count + 1 ? pyStr(a) + parts.slice(count + 1).join(pyStr(a)) : '');
    },
    join: (items) => (Array.isArray(items) ? items.map(pyStr).join(s) : ''),
    find: (sub) => s.indexOf(pyStr(sub)),
    index: (sub) => s.indexOf(pyStr(sub)),
    count: (sub) => (pyStr(sub) === '' ? s.length + 1 : s.split(pyStr(sub)).length - 1),
    capitalize: () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
    title: () => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
    isdigit: () => /^\d+$/.test(s),
    isalpha: () => /^[A-Za-z]+$/.test(s),
    isalnum: () => /^[A-Za-z0-9]+$/.test(s),
    islower: () => /[a-z]/.test(s) && s === s.toLowerCase(),
    isupper: () => /[A-Z]/.test(s) && s === s.toUpperCase(),
    zfill: (w) => (typeof w === 'number' ? s.padStart(w, '0') : s),
    ljust: (w, f) => s.padEnd(Number(w), typeof f === 'string' ? f : ' '),
    rjust: (w, f) => s.padStart(Number(w), typeof f === 'string' ? f : ' '),
    format: (...args) => {
      let i = 0;
      return s.replace(/\{(\d*)\}/g, (_m, n: string) => pyStr(args[n === '' ? i++ : Number(n)]));
    },
  };
}

function listMethods(l: unknown[]): Record<string, Method> {
  return {
    index: (x) => l.findIndex((y) => pyEquals(x, y)),
    count: (x) => l.filter((y) => pyEquals(x, y)).length,
    append: (x) => {
      l.push(x);
      return null;
    },
    extend: (x) => {
      if (Array.isArray(x)) l.push(...(x as unknown[]));
      return null;
    },
    insert: (i, x) => {
      l.splice(Number(i), 0, x);
      return null;
    },
    pop: (i) => (typeof i === 'number' ? l.splice(i < 0 ? l.length + i : i, 1)[0] : l.pop()) ?? null,
    copy: () => [...l],
  };
}

function dictMethods(d: Record<string, unknown>): Record<string, Method> {
  return {
    keys: () => Object.keys(d),
    values: () => Object.values(d),
    items: () => Object.entries(d).map((e) => tuple(e)),
    get: (k, dflt) => (typeof k === 'string' && Object.hasOwn(d, k) ? d[k] : (dflt ?? null)),
    copy: () => ({ ...d }),
    update: (o) => {
      if (isMapping(o)) Object.assign(d, o);
      return null;
    },
    pop: (k, dflt) => {
      const key = String(k);
      if (!Object.hasOwn(d, key)) return dflt ?? null;
      const v = d[key];
      delete d[key];
      return v;
    },
  };
}

/** The Python method `name` bound to `obj`, or undefined. */
export function pyMethod(obj: unknown, name: string): Method | undefined {
  let table: Record<string, Method> | undefined;
  if (typeof obj === 'string') table = stringMethods(obj);
  else if (Array.isArray(obj)) table = listMethods(obj);
  else if (isMapping(obj)) table = dictMethods(obj);
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}
