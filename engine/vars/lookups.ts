/** lookup()/query() plugins: env, file, template, password, vars, pipe, items, list, first_found. */
import { execSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TsplayError } from '../errors.js';
import { isMapping, percentFormat, pyStr, pyTruthy, tuple } from './pyvalues.js';
import { flatten } from './filters/collections.js';
import type { CallEnv, Kwargs } from './filters/types.js';

type LookupFn = (terms: unknown[], kw: Kwargs, env: CallEnv) => unknown[];

function lookupError(message: string, hint?: string): TsplayError {
  return new TsplayError('TSPLAY_TEMPLATE_ERROR', message, { hint });
}

/** Where a relative file is looked for: role files/ or templates/, then the base dir. */
function candidates(env: CallEnv, name: string, subdir: 'files' | 'templates'): string[] {
  if (path.isAbsolute(name)) return [name];
  const base = env.ctx.baseDir ?? process.cwd();
  const dirs = [...(env.ctx.searchPaths ?? []), base];
  const out: string[] = [];
  for (const d of dirs) {
    out.push(path.join(d, subdir, name), path.join(d, name));
    if (path.basename(d) !== subdir) out.push(path.join(d, '..', subdir, name));
  }
  return [...new Set(out.map((p) => path.resolve(p)))];
}

function findFile(env: CallEnv, name: string, subdir: 'files' | 'templates'): string | undefined {
  return candidates(env, name, subdir).find((p) => existsSync(p) && statSync(p).isFile());
}

const CHARSETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};
CHARSETS.letters = CHARSETS.ascii_letters!;

/** `chars=ascii_letters,digits,,` -> the allowed characters (`,,` is a literal comma). */
function charset(spec: string | undefined): string {
  if (!spec) return `${CHARSETS.ascii_letters}${CHARSETS.digits}.,:-_`;
  const parts = spec.replace(/,,/g, '\u0000').split(',').map((p) => p.replace(/\u0000/g, ','));
  return [...new Set(parts.map((p) => CHARSETS[p] ?? p).join(''))].join('');
}

/** Parses `path key=value ...` (the password lookup's term). */
function parseTerm(term: string): { path: string; params: Record<string, string> } {
  const m = /^(\S+)((?:\s+\w+=\S*)*)\s*$/.exec(term.trim());
  if (!m) throw lookupError(`password: cannot parse term ${JSON.stringify(term)}`);
  const params: Record<string, string> = {};
  for (const kv of m[2]!.trim().split(/\s+/).filter(Boolean)) {
    const i = kv.indexOf('=');
    params[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { path: m[1]!, params };
}

function password(terms: unknown[], kw: Kwargs, env: CallEnv): unknown[] {
  return terms.map((t) => {
    const { path: p, params } = parseTerm(pyStr(t));
    const length = Number(params.length ?? kw.length ?? 20);
    const chars = charset(params.chars ?? (Array.isArray(kw.chars) ? kw.chars.map(pyStr).join(',') : (kw.chars as string | undefined)));
    if (p === '/dev/null') return generate(length, chars);
    const file = path.resolve(env.ctx.baseDir ?? process.cwd(), p);
    if (existsSync(file)) {
      // Ansible stores "password salt=..." when an encrypt= was used: the password is the first word
      return readFileSync(file, 'utf8').split('\n')[0]!.replace(/ salt=\S*$/, '');
    }
    const pw = generate(length, chars);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${pw}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return pw;
  });
}

function generate(length: number, chars: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}

function firstFound(terms: unknown[], kw: Kwargs, env: CallEnv): unknown[] {
  const files: string[] = [];
  let paths: string[] = [];
  const add = (x: unknown): void => {
    if (isMapping(x)) {
      for (const f of [x.files ?? []].flat()) files.push(...pyStr(f).split(/[,;]/));
      for (const p of [x.paths ?? []].flat()) paths.push(...pyStr(p).split(/[,;:]/));
    } else if (Array.isArray(x)) x.forEach(add);
    else files.push(pyStr(x));
  };
  terms.forEach(add);
  add({ files: kw.files ?? [], paths: kw.paths ?? [] });
  paths = paths.filter(Boolean);
  for (const f of files.filter(Boolean)) {
    const tries = paths.length ? paths.map((d) => path.resolve(env.ctx.baseDir ?? process.cwd(), d, f)) : candidates(env, f, 'files');
    const hit = tries.find((p) => existsSync(p));
    if (hit) return [hit];
  }
  if (pyTruthy(kw.skip)) return [];
  throw lookupError(`first_found: none of ${JSON.stringify(files)} was found`);
}

/** Python's int(x, 0): decimal, 0x hex, 0o/0 octal. */
function pyInt(s: string, what: string): number {
  const t = s.trim().toLowerCase();
  const n = /^[-+]?0x[0-9a-f]+$/.test(t) ? Number.parseInt(t, 16) : /^[-+]?0o?[0-7]+$/.test(t) ? Number.parseInt(t.replace(/^([-+]?)0o?/, '$1'), 8) : /^[-+]?\d+$/.test(t) ? Number.parseInt(t, 10) : Number.NaN;
  if (Number.isNaN(n)) throw lookupError(`sequence: can't parse ${what}=${s} as an integer`);
  return n;
}

/** `start=1 end=5 stride=1 format=%d`, `count=3`, or the shortcut `[start-]end[/stride][:format]`. */
function sequenceTerm(term: string): string[] {
  const p: Record<string, string> = {};
  if (term.includes('=')) {
    for (const kv of term.trim().split(/\s+/)) p[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  } else {
    const m = /^(?:([^-/:]+)-)?([^-/:]+)(?:\/([^:]+))?(?::(.+))?$/.exec(term.trim());
    if (!m) throw lookupError(`sequence: can't parse arg ${JSON.stringify(term)}`);
    Object.assign(p, Object.fromEntries(Object.entries({ start: m[1], end: m[2], stride: m[3], format: m[4] }).filter(([, v]) => v !== undefined)));
  }
  const start = pyInt(p.start ?? '1', 'start');
  const stride = pyInt(p.stride ?? '1', 'stride');
  if (p.count !== undefined && p.end !== undefined) throw lookupError("sequence: can't specify both count and end");
  const end = p.count !== undefined ? start + pyInt(p.count, 'count') * stride - (stride > 0 ? 1 : -1) : pyInt(p.end ?? '', 'end');
  if (stride > 0 && end < start) throw lookupError('sequence: to count backwards make stride negative');
  if (stride < 0 && end > start) throw lookupError('sequence: to count forward don\'t make stride negative');
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : stride < 0 ? i >= end : false; i += stride) out.push(percentFormat(p.format ?? '%d', [i]));
  return out;
}

/** Files (not directories) matching a shell pattern in its last path part, searched like `file`. */
function fileglob(terms: unknown[], _kw: Kwargs, env: CallEnv): unknown[] {
  return terms.flatMap((t) => {
    const pattern = pyStr(t);
    const re = new RegExp(`^${path.basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    const dirs = candidates(env, path.dirname(pattern), 'files').filter((d) => existsSync(d) && statSync(d).isDirectory());
    const dir = dirs[0];
    if (!dir) return [];
    return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());
  });
}

export const LOOKUPS: Record<string, LookupFn> = {
  env: (terms, kw) => terms.map((t) => process.env[pyStr(t)] ?? (kw.default === undefined ? '' : kw.default)),
  file: (terms, kw, env) =>
    terms.map((t) => {
      const f = findFile(env, pyStr(t), 'files');
      if (!f) throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `could not locate file in lookup: ${pyStr(t)}`);
      const text = readFileSync(f, 'utf8');
      const rstrip = kw.rstrip === undefined || pyTruthy(kw.rstrip);
      const lstrip = pyTruthy(kw.lstrip);
      return lstrip ? (rstrip ? text.trim() : text.trimStart()) : rstrip ? text.trimEnd() : text;
    }),
  template: (terms, _kw, env) =>
    terms.map((t) => {
      const f = findFile(env, pyStr(t), 'templates');
      if (!f) throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `the template file ${pyStr(t)} could not be found for the lookup`);
      return env.renderString(readFileSync(f, 'utf8'));
    }),
  password,
  vars: (terms, kw, env) =>
    terms.map((t) => {
      const v = env.resolveVar(pyStr(t));
      if (v !== undefined) return v;
      if (Object.hasOwn(kw, 'default')) return kw.default;
      throw new TsplayError('TSPLAY_UNDEFINED_VAR', `No variable found with this name: ${pyStr(t)}`);
    }),
  pipe: (terms, _kw, env) =>
    terms.map((t) => {
      try {
        return execSync(pyStr(t), { cwd: env.ctx.baseDir, encoding: 'utf8', shell: '/bin/sh', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
      } catch (e) {
        // the command is not repeated: it may hold a templated secret
        const status = (e as { status?: number }).status;
        throw lookupError(`lookup('pipe') command returned ${String(status)}`, 'run the command by hand in the playbook directory to see its output');
      }
    }),
  items: (terms) => flatten(terms, 1, false),
  list: (terms) => terms,
  first_found: firstFound,
  indexed_items: (terms) => flatten(terms, 1, false).map((x, i) => tuple([i, x])),
  sequence: (terms) => terms.flatMap((t) => sequenceTerm(pyStr(t))),
  fileglob,
  lines: (terms, kw, env) => terms.flatMap((t) => String(LOOKUPS.pipe!([t], kw, env)[0]).split('\n')),
  nested: (terms) => terms.map((l) => (Array.isArray(l) ? l : [l])).reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]),
  together: (terms) => {
    const lists = terms.map((l) => (Array.isArray(l) ? l : [l]));
    return Array.from({ length: Math.max(0, ...lists.map((l) => l.length)) }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
  subelements: (terms) => {
    const [items, key, flags] = terms;
    const skip = isMapping(flags) && pyTruthy(flags.skip_missing);
    return (Array.isArray(items) ? items : []).flatMap((item) => {
      const sub = isMapping(item) ? item[pyStr(key)] : undefined;
      if (sub === undefined && !skip) throw lookupError(`subelements: could not find '${pyStr(key)}' key in iterated item`);
      if (!Array.isArray(sub)) return [];
      // as Ansible: the item comes without the list it was split on
      const { [pyStr(key)]: _list, ...rest } = item as Record<string, unknown>;
      return sub.map((s) => tuple([rest, s]));
    });
  },
  random_choice: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []),
  dict: (terms) => terms.flatMap((d) => (isMapping(d) ? Object.entries(d).map(([key, value]) => ({ key, value })) : [])),
};

export function runLookup(name: string, terms: unknown[], kw: Kwargs, env: CallEnv): unknown[] {
  const short = name.replace(/^ansible\.builtin\./, '');
  const fn = LOOKUPS[short];
  if (!fn) throw lookupError(`lookup plugin '${name}' not found`, `available: ${Object.keys(LOOKUPS).join(', ')}`);
  // Ansible's listify: one list argument is the list of terms
  const listed = terms.length === 1 && Array.isArray(terms[0]) ? (terms[0] as unknown[]) : terms;
  return fn(listed, kw, env);
}
