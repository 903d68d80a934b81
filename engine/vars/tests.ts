/** Jinja2 and Ansible tests: `x is defined`, `v is version('1.2', '>=')`, `r is failed`. */
import { existsSync, lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import { isUndefined } from './strict.js';
import { isMapping, pyCompare, pyEquals, pyStr, pyTruthy } from './pyvalues.js';
import type { CallEnv, TestDef } from './filters/types.js';
import { pyRegex } from './filters/regex.js';
import { versionTest } from './filters/data.js';

function test(fn: TestDef['fn'], acceptsUndefined = false): TestDef {
  return { fn, acceptsUndefined };
}

function regexTest(kind: 'match' | 'search' | 'fullmatch'): TestDef {
  return test((v, [pattern, ignorecase, multiline], _env, kw = {}) => {
    const flags = (pyTruthy(kw.ignorecase ?? ignorecase) ? 'i' : '') + (pyTruthy(kw.multiline ?? multiline) ? 'm' : '');
    const src = pyStr(pattern);
    const wrapped = kind === 'match' ? `^(?:${src})` : kind === 'fullmatch' ? `^(?:${src})$` : src;
    // `match` anchors at the start of the string only, even with multiline
    const re = pyRegex(wrapped, kind === 'search' ? flags : flags.replace('m', ''));
    return re.test(pyStr(v));
  });
}

function field(v: unknown, key: string): unknown {
  return isMapping(v) ? v[key] : undefined;
}

function failedResult(v: unknown): boolean {
  return pyTruthy(field(v, 'failed')) || (field(v, 'status') === 'failed');
}

function relativeTo(env: CallEnv, p: unknown): string {
  return path.resolve(env.ctx.baseDir ?? process.cwd(), pyStr(p));
}

function statOk(p: string, kind: 'file' | 'dir'): boolean {
  try {
    const s = statSync(p);
    return kind === 'file' ? s.isFile() : s.isDirectory();
  } catch {
    return false;
  }
}

export const jinjaTests: Record<string, TestDef> = {
  defined: test((v) => !isUndefined(v), true),
  undefined: test((v) => isUndefined(v), true),
  none: test((v) => v === null),
  // `x is true` / `x is none` reach us as the literal's text
  true: test((v) => v === true),
  false: test((v) => v === false),
  null: test((v) => v === null),
  string: test((v) => typeof v === 'string'),
  number: test((v) => typeof v === 'number'),
  integer: test((v) => typeof v === 'number' && Number.isInteger(v)),
  float: test((v) => typeof v === 'number' && !Number.isInteger(v)),
  boolean: test((v) => typeof v === 'boolean'),
  mapping: test((v) => isMapping(v)),
  sequence: test((v) => Array.isArray(v) || typeof v === 'string' || isMapping(v)),
  iterable: test((v) => Array.isArray(v) || typeof v === 'string' || isMapping(v)),
  list: test((v) => Array.isArray(v)),
  callable: test((v) => typeof v === 'function'),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: test((v, [pattern, ignorecase, multiline, matchType = 'search'], env, kw = {}) =>
    jinjaTests[String(kw.match_type ?? matchType)]!.fn(v, [pattern, ignorecase, multiline], env, kw),
  ),
  in: test((v, [seq]) => (typeof seq === 'string' ? seq.includes(pyStr(v)) : Array.isArray(seq) ? seq.some((x) => pyEquals(x, v)) : isMapping(seq) && pyStr(v) in seq)),
  contains: test((v, [x]) => (typeof v === 'string' ? v.includes(pyStr(x)) : Array.isArray(v) ? v.some((y) => pyEquals(x, y)) : isMapping(v) && pyStr(x) in v)),
  version: test((v, args, _env, kw) => versionTest(v, args, kw)),
  version_compare: test((v, args, _env, kw) => versionTest(v, args, kw)),
  gt: test((v, [x]) => pyCompare(v, x) > 0),
  ge: test((v, [x]) => pyCompare(v, x) >= 0),
  lt: test((v, [x]) => pyCompare(v, x) < 0),
  le: test((v, [x]) => pyCompare(v, x) <= 0),
  truthy: test((v) => pyTruthy(v)),
  falsy: test((v) => !pyTruthy(v)),
  success: test((v) => !failedResult(v)),
  failed: test((v) => failedResult(v)),
  changed: test((v) => pyTruthy(field(v, 'changed')) || field(v, 'status') === 'changed'),
  skipped: test((v) => pyTruthy(field(v, 'skipped')) || field(v, 'status') === 'skipped'),
  unreachable: test((v) => pyTruthy(field(v, 'unreachable')) || field(v, 'status') === 'unreachable'),
  abs: test((v) => path.isAbsolute(pyStr(v))),
  file: test((v, _a, env) => statOk(relativeTo(env, v), 'file')),
  directory: test((v, _a, env) => statOk(relativeTo(env, v), 'dir')),
  exists: test((v, _a, env) => existsSync(relativeTo(env, v))),
  link: test((v, _a, env) => {
    try {
      return statSyncLink(relativeTo(env, v));
    } catch {
      return false;
    }
  }),
  equalto: test((v, [x]) => pyEquals(v, x)),
  eq: test((v, [x]) => pyEquals(v, x)),
  ne: test((v, [x]) => !pyEquals(v, x)),
  sameas: test((v, [x]) => v === x),
  odd: test((v) => typeof v === 'number' && Math.abs(v % 2) === 1),
  even: test((v) => typeof v === 'number' && v % 2 === 0),
  divisibleby: test((v, [n]) => typeof v === 'number' && v % Number(n) === 0),
  lower: test((v) => typeof v === 'string' && v === v.toLowerCase()),
  upper: test((v) => typeof v === 'string' && v === v.toUpperCase()),
  subset: test((v, [sup]) => Array.isArray(v) && Array.isArray(sup) && v.every((x) => sup.some((y) => pyEquals(x, y)))),
  superset: test((v, [sub]) => Array.isArray(v) && Array.isArray(sub) && sub.every((x) => v.some((y) => pyEquals(x, y)))),
};
jinjaTests.succeeded = jinjaTests.success!;
jinjaTests.failure = jinjaTests.failed!;
jinjaTests.change = jinjaTests.changed!;
jinjaTests.skip = jinjaTests.skipped!;
jinjaTests.is_file = jinjaTests.file!;
jinjaTests.is_dir = jinjaTests.directory!;
jinjaTests['=='] = jinjaTests.eq!;
Object.assign(jinjaTests, {
  greaterthan: jinjaTests.gt!, lessthan: jinjaTests.lt!, '>': jinjaTests.gt!, '>=': jinjaTests.ge!, '<': jinjaTests.lt!, '<=': jinjaTests.le!, '!=': jinjaTests.ne!,
});
jinjaTests.equalto = jinjaTests.eq!;

function statSyncLink(p: string): boolean {
  return lstatSync(p).isSymbolicLink();
}
