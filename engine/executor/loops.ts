/**
 * Turns a rendered loop value into the list of items, following the
 * flattening rules of each `with_*` form (`loop` never flattens).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Task } from '../playbook/model.js';
import { TsplayError } from '../errors.js';

export type LoopKind = NonNullable<Task['loopKind']>;

export interface LoopFiles {
  /** directories tried in order for relative paths (with_fileglob, with_first_found) */
  searchDirs: string[];
}

export function expandLoop(kind: LoopKind, value: unknown, files: LoopFiles): unknown[] {
  switch (kind) {
    case 'loop':
    case 'with_list':
      return asList(value, kind);
    case 'with_items':
      return asList(value, kind).flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'with_dict':
      return Object.entries(asDict(value, kind)).map(([key, v]) => ({ key, value: v }));
    case 'with_indexed_items':
      return asList(value, kind).flatMap((v) => (Array.isArray(v) ? v : [v])).map((v, i) => [i, v]);
    case 'with_together':
      return together(asList(value, kind));
    case 'with_nested':
      return nested(asList(value, kind));
    case 'with_subelements':
      return subelements(asList(value, kind));
    case 'with_sequence':
      return sequence(String(Array.isArray(value) ? value[0] : value));
    case 'with_random_choice': {
      const list = asList(value, kind);
      return list.length === 0 ? [] : [list[Math.floor(Math.random() * list.length)]];
    }
    case 'with_fileglob':
      return fileglob(asList(value, kind).flat(), files);
    case 'with_first_found':
      return firstFound(asList(value, kind).flat(), files);
  }
}

function asList(value: unknown, kind: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  if (kind !== 'loop' && (typeof value === 'string' || typeof value === 'number')) return [value];
  const hint = kind === 'loop' && typeof value === 'object' ? ' (for a dict, use `loop: "{{ mydict | dict2items }}"`)' : '';
  throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `${kind} expects a list, got ${describe(value)}${hint}`);
}

function asDict(value: unknown, kind: string): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `${kind} expects a dict, got ${describe(value)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string "${v.slice(0, 60)}"`;
  return typeof v === 'object' ? 'a dict' : `a ${typeof v}`;
}

function together(lists: unknown[]): unknown[] {
  const arrays = lists.map((l) => (Array.isArray(l) ? l : [l]));
  const length = Math.max(0, ...arrays.map((a) => a.length));
  return Array.from({ length }, (_, i) => arrays.map((a) => (i < a.length ? a[i] : null)));
}

function nested(lists: unknown[]): unknown[] {
  let acc: unknown[][] = [[]];
  for (const l of lists) {
    const arr = Array.isArray(l) ? l : [l];
    acc = acc.flatMap((prefix) => arr.map((x) => [...prefix, x]));
  }
  return lists.length === 0 ? [] : acc;
}

function subelements(args: unknown[]): unknown[] {
  const [list, key, flags] = args;
  if (!Array.isArray(list) || typeof key !== 'string') {
    throw new TsplayError('TSPLAY_TEMPLATE_ERROR', 'with_subelements expects [list, "subkey"]');
  }
  const skipMissing = !!(flags && typeof flags === 'object' && (flags as Record<string, unknown>).skip_missing);
  const out: unknown[] = [];
  for (const el of list) {
    const sub = (el as Record<string, unknown>)?.[key];
    if (sub === undefined && skipMissing) continue;
    if (!Array.isArray(sub)) throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `with_subelements: "${key}" is not a list in every element`);
    for (const s of sub) out.push([el, s]);
  }
  return out;
}

/** with_sequence: "start=1 end=5 stride=1 format=x%02d", "count=3", or "1-5". */
export function sequence(spec: string): string[] {
  const kv: Record<string, string> = {};
  const short = /^\s*(-?\d+)-(-?\d+)(?:\/(\d+))?(?::(.+))?\s*$/.exec(spec);
  if (short) Object.assign(kv, { start: short[1], end: short[2], stride: short[3] ?? '1', format: short[4] ?? '%d' });
  else for (const m of spec.matchAll(/(\w+)=(\S+)/g)) kv[m[1]!] = m[2]!;
  const start = Number(kv.start ?? 1);
  const stride = Number(kv.stride ?? 1);
  const end = kv.count !== undefined ? start + (Number(kv.count) - 1) * stride : Number(kv.end);
  if (!Number.isFinite(start) || !Number.isFinite(end) || !stride) {
    throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `with_sequence: cannot read "${spec}"`);
  }
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(formatNumber(kv.format ?? '%d', i));
  return out;
}

function formatNumber(format: string, n: number): string {
  return format.replace(/%(0?)(\d*)([dxXo])/, (_m, zero: string, width: string, conv: string) => {
    let s = conv === 'd' ? String(n) : conv === 'o' ? n.toString(8) : n.toString(16);
    if (conv === 'X') s = s.toUpperCase();
    return width ? s.padStart(Number(width), zero ? '0' : ' ') : s;
  });
}

function fileglob(patterns: unknown[], files: LoopFiles): string[] {
  const out: string[] = [];
  for (const p of patterns.map(String)) {
    const dirs = isAbsolute(p) ? [''] : files.searchDirs;
    for (const dir of dirs) {
      const found = globFiles(dir ? join(dir, p) : p);
      if (found.length > 0) {
        out.push(...found);
        break;
      }
    }
  }
  return out;
}

function firstFound(candidates: unknown[], files: LoopFiles): string[] {
  for (const c of candidates.map(String)) {
    const paths = isAbsolute(c) ? [c] : files.searchDirs.map((d) => join(d, c));
    const hit = paths.find((p) => existsSync(p));
    if (hit) return [hit];
  }
  throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `with_first_found: none of ${candidates.map(String).join(', ')} exists`);
}

/** Wildcards in the last path component only, as with_fileglob; files only. */
function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => re.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}
