import { TsplayError } from '../../errors.js';
import { isMapping, pyStr, type PlainObject } from '../pyvalues.js';

export function fail(message: string, hint?: string): never {
  throw new TsplayError('TSPLAY_TEMPLATE_ERROR', message, { hint });
}

export function asList(v: unknown, filterName: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isMapping(v)) return Object.keys(v);
  if (v instanceof Set) return [...(v as Set<unknown>)];
  return fail(`${filterName}: expected a list, got ${v === null ? 'None' : typeof v}`);
}

export function asMapping(v: unknown, filterName: string): PlainObject {
  if (isMapping(v)) return v;
  return fail(`${filterName}: expected a dictionary, got ${Array.isArray(v) ? 'list' : v === null ? 'None' : typeof v}`);
}

export function asString(v: unknown): string {
  return pyStr(v);
}

/**
 * Jinja's attribute paths: `attribute='a.b'` or an integer index. With
 * `member` (CallEnv.member), a host's variables (hostvars[h]) render the
 * value read in their scope, as `hostvars[h].url` does.
 */
export function getAttr(obj: unknown, path: unknown, member?: (obj: PlainObject, key: string) => unknown): unknown {
  if (typeof path === 'number') return Array.isArray(obj) ? obj[path] : undefined;
  let cur: unknown = obj;
  for (const part of String(path).split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isMapping(cur)) cur = member ? member(cur, part) : cur[part];
    else return undefined;
  }
  return cur;
}
