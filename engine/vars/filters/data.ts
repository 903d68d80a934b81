/** Serialisation, encoding, hashing, paths, versions, random. */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseYamlText, parseAllDocuments } from 'yaml';
import { dumpYaml } from './yaml-dump.js';
import { shaCrypt } from '../crypt.js';
import { isMapping, pyJsonDumps, pyStr, pyTruthy } from '../pyvalues.js';
import { plainData } from '../plain.js';
import { filter, type FilterDef, type Kwargs } from './types.js';
import { asList, fail } from './util.js';

/** Ansible's to_yaml (flow style for scalar-only collections) and to_nice_yaml (block, indent 4). */
export function toYaml(v: unknown, kw: Kwargs, nice: boolean): string {
  const indent = typeof kw.indent === 'number' ? kw.indent : nice ? 4 : 2;
  const flowStyle = nice ? false : typeof kw.default_flow_style === 'boolean' ? kw.default_flow_style : undefined;
  return dumpYaml(v, { indent, flowStyle, sortKeys: kw.sort_keys === undefined ? true : pyTruthy(kw.sort_keys) });
}

function hash(v: unknown, algo: unknown): string {
  const a = pyStr(algo ?? 'sha1');
  const supported = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
  if (!supported.includes(a)) fail(`hash: unsupported hash type '${a}'`, `one of ${supported.join(', ')}`);
  return createHash(a).update(pyStr(v), 'utf8').digest('hex');
}

function passwordHash(v: unknown, args: unknown[], kw: Kwargs): string {
  const [type = 'sha512', salt, rounds] = [kw.hashtype ?? args[0], kw.salt ?? args[1], kw.rounds ?? args[2]];
  const algo = type === 'sha512' ? 'sha512' : type === 'sha256' ? 'sha256' : undefined;
  if (!algo) fail(`password_hash: unsupported hash type '${pyStr(type)}'`, 'use sha512 or sha256');
  return shaCrypt(pyStr(v), {
    algo,
    salt: salt === undefined || salt === null ? undefined : pyStr(salt),
    rounds: typeof rounds === 'number' ? rounds : undefined,
  });
}

/** A small seeded PRNG (mulberry32 over a string hash) so `random(seed=...)` is stable. */
export function seededRandom(seed: unknown): () => number {
  if (seed === undefined || seed === null) return Math.random;
  let h = 1779033703;
  for (const ch of pyStr(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function random(v: unknown, [start = 0, step = 1]: unknown[], kw: Kwargs): unknown {
  const rnd = seededRandom(kw.seed);
  if (typeof v === 'number') {
    const [a, s] = [Number(kw.start ?? start), Number(kw.step ?? step)];
    const count = Math.ceil((v - a) / s);
    if (count <= 0) fail('random: empty range');
    return a + Math.floor(rnd() * count) * s;
  }
  const items = asList(v, 'random');
  if (!items.length) fail('random: empty sequence');
  return items[Math.floor(rnd() * items.length)];
}

type Part = number | string;
function looseParts(v: string): Part[] {
  return (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function versionCompare(a: unknown, b: unknown): number {
  const [x, y] = [looseParts(pyStr(a)), looseParts(pyStr(b))];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i], y[i]];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (typeof p === typeof q) {
      if (p < q) return -1;
      if (p > q) return 1;
    } else {
      return typeof p === 'number' ? 1 : -1;
    }
  }
  return 0;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0, '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0, '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

export function versionTest(v: unknown, [other, op = 'eq', strict]: unknown[], kw: Kwargs = {}): boolean {
  const o = pyStr(kw.operator ?? op);
  const f = VERSION_OPS[o];
  if (!f) return fail(`version: invalid operator '${o}'`, `one of ${Object.keys(VERSION_OPS).join(' ')}`);
  if (pyTruthy(kw.strict ?? strict) && !/^\d+\.\d+(\.\d+)?([ab]\d+)?$/.test(pyStr(v))) {
    fail(`version: invalid version number '${pyStr(v)}'`);
  }
  return f(versionCompare(v, other));
}

function b64decode(v: unknown): string {
  const s = pyStr(v);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s.replace(/\s/g, ''))) fail('b64decode: invalid base64 input');
  return Buffer.from(s, 'base64').toString('utf8');
}

export const dataFilters: Record<string, FilterDef> = {
  to_json: filter((v, _a, kw, env) => pyJsonDumps(plainData(v, env.member), {
    indent: typeof kw.indent === 'number' ? kw.indent : undefined,
    sortKeys: pyTruthy(kw.sort_keys),
    ensureAscii: kw.ensure_ascii === undefined ? true : pyTruthy(kw.ensure_ascii),
  })),
  to_nice_json: filter((v, [indent = 4], kw, env) => pyJsonDumps(plainData(v, env.member), {
    indent: Number(kw.indent ?? indent),
    sortKeys: kw.sort_keys === undefined ? true : pyTruthy(kw.sort_keys),
    ensureAscii: kw.ensure_ascii === undefined ? true : pyTruthy(kw.ensure_ascii),
  })),
  from_json: filter((v) => {
    try {
      return JSON.parse(pyStr(v)) as unknown;
    } catch (e) {
      // Node quotes the input in its message; the input may be a secret
      return fail(`from_json: ${(e as Error).message.replace(/, ".*" is not valid JSON$/s, '')}`);
    }
  }),
  to_yaml: filter((v, _a, kw, env) => toYaml(plainData(v, env.member), kw, false)),
  to_nice_yaml: filter((v, [indent], kw, env) => toYaml(plainData(v, env.member), { indent: kw.indent ?? indent ?? 4, ...kw }, true)),
  from_yaml: filter((v) => (typeof v === 'string' ? (parseYamlText(v, { version: '1.1' }) as unknown) : v)),
  from_yaml_all: filter((v) => parseAllDocuments(pyStr(v), { version: '1.1' }).map((d) => d.toJS() as unknown)),
  b64encode: filter((v) => Buffer.from(pyStr(v), 'utf8').toString('base64')),
  b64decode: filter((v) => b64decode(v)),
  hash: filter((v, [algo]) => hash(v, algo)),
  checksum: filter((v) => hash(v, 'sha1')),
  md5: filter((v) => hash(v, 'md5')),
  sha1: filter((v) => hash(v, 'sha1')),
  password_hash: filter(passwordHash),
  random: filter(random),
  version_compare: filter((v, args, kw) => versionTest(v, args, kw)),
  version: filter((v, args, kw) => versionTest(v, args, kw)),
  basename: filter((v) => pyStr(v).split('/').at(-1)!),
  dirname: filter((v) => {
    const s = pyStr(v);
    const i = s.lastIndexOf('/');
    if (i < 0) return '';
    const head = s.slice(0, i + 1);
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
  }),
  expanduser: filter((v) => pyStr(v).replace(/^~(?=$|\/)/, process.env.HOME ?? homedir())),
  realpath: filter((v) => {
    const s = path.resolve(pyStr(v));
    try {
      return realpathSync(s);
    } catch {
      return s;
    }
  }),
  path_join: filter((v) => {
    const parts = asList(v, 'path_join').map(pyStr);
    return parts.reduce((acc, p) => (p.startsWith('/') ? p : acc === '' || acc.endsWith('/') ? acc + p : `${acc}/${p}`), '');
  }),
  dict: filter((v) => (isMapping(v) ? v : Object.fromEntries(asList(v, 'dict') as [string, unknown][]))),
};
