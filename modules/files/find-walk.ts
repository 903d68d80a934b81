/**
 * The pure half of `find`: parses the host's `find -printf` records and
 * replays Ansible 2.14's os.walk over them (order, depth, hidden, examined
 * count, filters), so the result matches ansible.builtin.find's.
 */
import { formatMode } from '../lib/mode.js';
import { pyRegex } from '../lib/pyregex.js';

/** One entry as `find -printf` reported it (lstat fields unless following links). */
export interface FoundEntry {
  /** path relative to the searched directory */
  rel: string;
  /** type letter of the entry itself (f d l p s c b) */
  type: string;
  /** type letter after following a link: d for a link to a directory */
  followedType: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  owner: string;
  group: string;
}

export interface SearchedPath {
  /** the path as given (key of skipped_paths) */
  given: string;
  /** the path after ~ expansion on the host */
  base: string;
  entries: FoundEntry[];
  /** why the path was not (fully) examined */
  error?: string;
}

export interface FindOutput {
  paths: SearchedPath[];
  /** the host's clock (seconds), when asked */
  now?: number;
}

/** The -printf format: fields separated by '/', the relative path last (it may hold '/'), records end in NUL. */
export const FIND_PRINTF = 'F%y/%Y/%m/%U/%G/%s/%i/%D/%n/%A@/%T@/%C@/%u/%g/%P\\0';

function parseRecord(rec: string): FoundEntry {
  const f = rec.slice(1).split('/');
  const rel = f.slice(14).join('/');
  const num = (i: number) => Number(f[i]);
  const uid = num(3);
  const gid = num(4);
  // find prints the number when the id has no name; Ansible returns ''
  const owner = f[12] === String(uid) ? '' : f[12]!;
  const group = f[13] === String(gid) ? '' : f[13]!;
  return {
    rel, type: f[0]!, followedType: f[1]!, mode: parseInt(f[2]!, 8), uid, gid, size: num(5), inode: num(6), dev: num(7), nlink: num(8),
    atime: num(9), mtime: num(10), ctime: num(11), owner, group,
  };
}

/**
 * Parses the probe output: NUL-separated records `@@i`, `Bbase`, `Fentry...`,
 * `Emessage`, `Tnow`. Paths are given in order; `given` is filled from them.
 */
export function parseFindOutput(out: string, given: string[]): FindOutput {
  const res: FindOutput = { paths: [] };
  let cur: SearchedPath | undefined;
  for (const rec of out.split('\0')) {
    const tag = rec.slice(0, 1);
    const rest = rec.slice(1).replace(/^\n/, '');
    if (rec.startsWith('@@')) {
      const i = Number(rec.slice(2));
      cur = { given: given[i] ?? '', base: given[i] ?? '', entries: [] };
      res.paths.push(cur);
    } else if (tag === 'T') res.now = Number(rest);
    else if (!cur) continue;
    else if (tag === 'B') cur.base = rest;
    else if (tag === 'F') cur.entries.push(parseRecord(rec));
    else if (tag === 'E') cur.error = rest;
  }
  return res;
}

/** POSIX os.path.normpath. */
export function normpath(p: string): string {
  if (p === '') return '.';
  const lead = p.startsWith('//') && !p.startsWith('///') ? 2 : p.startsWith('/') ? 1 : 0;
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!lead && out.length === 0) || out[out.length - 1] === '..') out.push(part);
    else if (out.length > 0) out.pop();
  }
  const joined = '/'.repeat(lead) + out.join('/');
  return joined || '.';
}

/** Python's fnmatch.translate: * ? [seq] [!seq], everything else literal, whole name. */
export function fnmatchRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) re += '\\[';
      else {
        let stuff = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (stuff.startsWith('!')) stuff = `^${stuff.slice(1)}`;
        else if (stuff.startsWith('^')) stuff = `\\${stuff}`;
        re += `[${stuff}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** A name filter from patterns and excludes, as Ansible's pfilter. */
export function nameFilter(patterns: string[], excludes: string[], useRegex: boolean): (name: string) => boolean {
  // re.match: anchored at the start only
  const compile = (p: string): RegExp => {
    if (!useRegex) return fnmatchRegex(p);
    const r = pyRegex(p);
    return new RegExp(`^(?:${r.source})`, r.flags);
  };
  const pats = (patterns.length > 0 ? patterns : [useRegex ? '.*' : '*']).map(compile);
  const excl = excludes.map(compile);
  return (name) => pats.some((r) => r.test(name)) && !excl.some((r) => r.test(name));
}

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function withUnit(value: string, units: Record<string, number>, what: string): number {
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(value.toLowerCase());
  if (!m) throw new Error(`failed to process ${what}`);
  return Number(m[1]) * (units[m[2] ?? ''] ?? 1);
}

/** age '2d', '-1h', '30' (seconds) to seconds; throws 'failed to process age' as Ansible. */
export const parseAge = (v: string): number => withUnit(v, AGE_UNITS, 'age');
/** size '10m', '-1k', '100' (bytes) to bytes; throws 'failed to process size' as Ansible. */
export const parseSize = (v: string): number => withUnit(v, SIZE_UNITS, 'size');

/** Ansible's agefilter/sizefilter: positive values mean at least, negative at most. */
export function atLeastOrAtMost(limit: number | undefined, value: number): boolean {
  if (limit === undefined) return true;
  return limit >= 0 ? value >= limit : value <= -limit;
}

const bit = (mode: number, mask: number): boolean => (mode & mask) !== 0;

/** Ansible's statinfo() dict for one found entry. */
export function findStatInfo(e: FoundEntry, path: string): Record<string, unknown> {
  const m = e.mode;
  return {
    path, mode: formatMode(m),
    isdir: e.type === 'd', ischr: e.type === 'c', isblk: e.type === 'b', isreg: e.type === 'f',
    isfifo: e.type === 'p', islnk: e.type === 'l', issock: e.type === 's',
    uid: e.uid, gid: e.gid, size: e.size, inode: e.inode, dev: e.dev, nlink: e.nlink,
    atime: e.atime, mtime: e.mtime, ctime: e.ctime, gr_name: e.group, pw_name: e.owner,
    wusr: bit(m, 0o200), rusr: bit(m, 0o400), xusr: bit(m, 0o100),
    wgrp: bit(m, 0o020), rgrp: bit(m, 0o040), xgrp: bit(m, 0o010),
    woth: bit(m, 0o002), roth: bit(m, 0o004), xoth: bit(m, 0o001),
    isuid: bit(m, 0o4000), isgid: bit(m, 0o2000),
  };
}

export interface WalkedEntry {
  entry: FoundEntry;
  /** normpath(base/rel), as Ansible reports it */
  path: string;
  name: string;
  /** 1 for the searched directory's own entries */
  depth: number;
}

/**
 * The entries in os.walk's order (top-down; in each directory its non-dirs
 * then its dirs, in directory order) with the examined count: every entry
 * of every walked directory, which includes the level below `depth`.
 */
export function walkOrder(sp: SearchedPath, walkedDirs: (e: FoundEntry) => boolean): { entries: WalkedEntry[]; examined: number } {
  const children = new Map<string, FoundEntry[]>();
  for (const e of sp.entries) {
    const slash = e.rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.rel.slice(0, slash);
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const entries: WalkedEntry[] = [];
  let examined = 0;
  const visit = (dir: string, depth: number): void => {
    const list = children.get(dir) ?? [];
    examined += list.length;
    const dirs = list.filter((e) => e.followedType === 'd');
    for (const e of [...list.filter((x) => x.followedType !== 'd'), ...dirs]) {
      const name = e.rel.slice(e.rel.lastIndexOf('/') + 1);
      entries.push({ entry: e, name, depth, path: normpath(`${sp.base}/${e.rel}`) });
    }
    for (const d of dirs) if (walkedDirs(d)) visit(d.rel, depth + 1);
  };
  visit('', 1);
  return { entries, examined };
}
