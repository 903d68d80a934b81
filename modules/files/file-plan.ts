/** The pure planner of the file module: states absent/file/directory/link/hard/touch. */
import { posix } from 'node:path';
import { ModuleFailure, type Plan } from '../../engine/module-api.js';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import type { FileDiff } from '../../engine/results.js';
import { attrCommand, hasAttrChange, idMatches, planAttrs } from '../lib/attrs.js';
import { stateDiff } from '../lib/diff.js';
import { defaultCreateMode, formatMode, targetMode, type ModeParam } from '../lib/mode.js';
import type { PathStat } from '../lib/probe.js';

export type FileState = 'absent' | 'directory' | 'file' | 'hard' | 'link' | 'touch';

export interface FileParams {
  path: string;
  state?: FileState;
  mode?: ModeParam;
  owner?: string;
  group?: string;
  recurse?: boolean;
  src?: string;
  force?: boolean;
  follow?: boolean;
  modification_time?: string;
  modification_time_format?: string;
  access_time?: string;
  access_time_format?: string;
}

export interface FileFacts {
  /** lstat of path */
  stat: PathStat;
  /** stat of path following links (same as stat when not a link) */
  target: PathStat;
  /** missing ancestors are listed by the planner from these (root first) */
  ancestors: PathStat[];
  src?: PathStat;
  umask: number;
  /** recurse: the distinct owner/group/mode/type combinations below path */
  recurseEntries?: RecurseEntry[];
  /** host epoch seconds of modification_time / access_time stamps */
  mtimeEpoch?: number;
  atimeEpoch?: number;
}

export interface RecurseEntry {
  owner: string;
  group: string;
  uid: number;
  gid: number;
  mode: number;
  /** find's %y: f, d, l, ... */
  type: string;
}

/** Parses `find -printf '%u %g %U %G %m %y\n' | sort -u` output. */
export function parseRecurseEntries(out: string): RecurseEntry[] {
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [owner = '', group = '', uid = '0', gid = '0', mode = '0', type = 'f'] = l.trim().split(' ');
      return { owner, group, uid: Number(uid), gid: Number(gid), mode: parseInt(mode, 8), type };
    });
}

export function entryDiffers(p: Pick<FileParams, "owner" | "group" | "mode">, e: RecurseEntry): boolean {
  if (e.type === 'l') return false;
  if (p.owner && !idMatches(String(p.owner), e.owner, e.uid)) return true;
  if (p.group && !idMatches(String(p.group), e.group, e.gid)) return true;
  const want = targetMode(p.mode, { current: e.mode, isDir: e.type === 'd' });
  return want !== undefined && want !== e.mode;
}

export interface FileApplyState {
  /** one script: every step joined with && */
  commands: string[];
  /** new empty file for touch, written with ctx.put */
  create?: { mode: string; owner?: string; group?: string };
}

export function statState(st: PathStat): string {
  if (!st.exists) return 'absent';
  if (st.type === 'link') return 'link';
  if (st.type === 'directory') return 'directory';
  return st.nlink > 1 ? 'hard' : 'file';
}

export function effectiveState(p: FileParams, facts: FileFacts): FileState {
  if (p.state) return p.state;
  const cur = statState(facts.stat);
  if (cur !== 'absent') return cur as FileState;
  return p.recurse ? 'directory' : 'file';
}

class Steps {
  changes: string[] = [];
  commands: string[] = [];
  diff: FileDiff[] = [];
  add(change: string, cmd?: string): void {
    this.changes.push(change);
    if (cmd) this.commands.push(cmd);
  }
}

function planAttrSteps(steps: Steps, p: FileParams, st: PathStat, path: string): void {
  const attrs = planAttrs(p, st);
  if (!hasAttrChange(attrs)) return;
  steps.add(attrs.descriptions.join(', '), attrCommand(path, attrs, { noDereference: st.type === 'link' }));
  // as Ansible's file diff: the attributes before and after
  const before: string[] = [`path: ${path}`];
  const after: string[] = [`path: ${path}`];
  const pairs: [string, string | undefined, string][] = [
    ['owner', attrs.owner, st.owner],
    ['group', attrs.group, st.group],
    ['mode', attrs.mode && `'${attrs.mode}'`, `'${formatMode(st.mode)}'`],
  ];
  for (const [key, want, was] of pairs) {
    if (want === undefined) continue;
    before.push(`${key}: ${was}`);
    after.push(`${key}: ${want}`);
  }
  steps.diff.push({ path, before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` });
}

function planRecurse(steps: Steps, p: FileParams, facts: FileFacts, path: string): void {
  if (!p.recurse || !(facts.recurseEntries ?? []).some((e) => entryDiffers(p, e))) return;
  const c = { owner: p.owner || undefined, group: p.group || undefined, mode: p.mode !== undefined ? String(typeof p.mode === 'number' ? formatMode(p.mode) : p.mode) : undefined, descriptions: [] };
  steps.add(`set owner/group/mode recursively under ${path}`, attrCommand(path, c, { recurse: true }));
}

function timeArgs(which: 'm' | 'a', value: string | undefined, dflt: 'now' | 'preserve', epoch: number | undefined, current: number): string[] | undefined {
  const v = value ?? dflt;
  if (v === 'preserve') return undefined;
  if (v === 'now') return [`-${which}`];
  if (epoch === undefined) throw new ModuleFailure(`cannot read the time '${v}'`);
  if (epoch === current) return undefined;
  return [`-${which}`, '-d', `@${epoch}`];
}

function planTimes(steps: Steps, p: FileParams, facts: FileFacts, state: FileState): void {
  const dflt = state === 'touch' ? 'now' : 'preserve';
  const st = facts.target;
  const m = timeArgs('m', p.modification_time, dflt, facts.mtimeEpoch, st.mtime);
  const a = timeArgs('a', p.access_time, dflt, facts.atimeEpoch, st.atime);
  for (const args of [m, a]) {
    if (args) steps.add(`update ${args[0] === '-m' ? 'modification' : 'access'} time of ${p.path}`, shellJoin(['touch', '-c', ...args, '--', p.path]));
  }
}

function planDirectory(steps: Steps, p: FileParams, facts: FileFacts): void {
  const st = facts.target;
  if (st.exists && st.type !== 'directory') throw new ModuleFailure(`${p.path} already exists as a ${statState(facts.stat)}`);
  if (!st.exists) {
    const dflt = defaultCreateMode(facts.umask, true);
    const mode = formatMode(targetMode(p.mode, { isDir: true, defaultMode: dflt }) ?? dflt);
    const missing = [...facts.ancestors.filter((a) => !a.exists).map((a) => a.path), p.path];
    const who = p.owner || p.group ? `${p.owner ?? ''}${p.group ? `:${p.group}` : ''}` : undefined;
    for (const d of missing) {
      steps.add(`create directory ${d}`, shellJoin(['mkdir', '-m', mode, '--', d]) + (who ? ` && ${shellJoin(['chown', who, '--', d])}` : ''));
    }
    steps.diff.push(stateDiff(p.path, 'absent', 'directory'));
  } else planAttrSteps(steps, p, st, p.path);
  planRecurse(steps, p, facts, p.path);
}

function linkSrcExists(p: FileParams, facts: FileFacts): boolean {
  return !!facts.src?.exists;
}

function planLink(steps: Steps, p: FileParams, facts: FileFacts): void {
  if (!p.src) throw new ModuleFailure('src is required for creating new symlinks');
  const cur = statState(facts.stat);
  if (!linkSrcExists(p, facts) && !p.force) throw new ModuleFailure(`src file does not exist, use "force=yes" if you really want to create the link: ${p.src}`);
  const correct = cur === 'link' && facts.stat.linkTarget === p.src;
  if (!correct) {
    if ((cur === 'file' || cur === 'hard') && !p.force) throw new ModuleFailure(`refusing to convert from ${cur} to symlink for ${p.path}`);
    if (cur === 'directory') {
      if (!p.force) throw new ModuleFailure(`refusing to convert from directory to symlink for ${p.path}`);
      steps.commands.push(shellJoin(['rmdir', '--', p.path]));
    }
    steps.add(`link ${p.path} -> ${p.src}`, shellJoin(['ln', '-sfn', '--', p.src, p.path]));
    steps.diff.push(stateDiff(p.path, cur, 'link'));
  }
  const linkStat = correct ? facts.stat : { ...facts.stat, exists: true, type: 'link' as const, owner: '', group: '', uid: -1, gid: -1 };
  const attrs = planAttrs({ owner: p.owner, group: p.group }, linkStat);
  if (hasAttrChange(attrs)) steps.add(attrs.descriptions.join(', ') || 'owner', attrCommand(p.path, attrs, { noDereference: true }));
}

function planHard(steps: Steps, p: FileParams, facts: FileFacts): void {
  if (!p.src) throw new ModuleFailure('src is required for creating new hard links');
  if (!facts.src?.exists) throw new ModuleFailure(`src does not exist: ${p.src}`);
  const st = facts.stat;
  const same = st.exists && st.inode === facts.src.inode && st.dev === facts.src.dev;
  if (!same) {
    if (st.exists && st.type === 'directory') throw new ModuleFailure(`${p.path} is a directory, cannot hard link over it`);
    if (st.exists && !p.force) throw new ModuleFailure(`Cannot link, different hard link exists at destination: ${p.path}`);
    steps.add(`hard link ${p.path} -> ${p.src}`, shellJoin(['ln', '-f', '--', posix.resolve(posix.dirname(p.path), p.src), p.path]));
    steps.diff.push(stateDiff(p.path, statState(st), 'hard'));
  }
  planAttrSteps(steps, p, same ? st : facts.src, p.path);
}

function finish(steps: Steps, p: FileParams, facts: FileFacts, state: FileState, create?: FileApplyState['create']): Plan<FileApplyState> {
  const st = facts.target;
  const mode = state === 'absent' ? undefined : targetMode(p.mode, { current: st.exists ? st.mode : undefined, isDir: state === 'directory', defaultMode: defaultCreateMode(facts.umask, state === 'directory') });
  const data: Record<string, unknown> = { path: p.path, state };
  if (state !== 'absent') {
    data.mode = formatMode(mode ?? (st.exists ? st.mode : defaultCreateMode(facts.umask, state === 'directory')));
    if (p.owner || st.owner) data.owner = p.owner || st.owner;
    if (p.group || st.group) data.group = p.group || st.group;
  }
  if (p.src) data.src = p.src;
  return {
    changes: steps.changes,
    diff: steps.diff.length ? steps.diff : undefined,
    data,
    state: { commands: steps.commands, create },
    reason: steps.changes.length ? undefined : `${p.path} is ${state === 'absent' ? 'absent' : 'as wanted'}`,
  };
}

export function planFile(p: FileParams, facts: FileFacts): Plan<FileApplyState> {
  const state = effectiveState(p, facts);
  const steps = new Steps();
  let create: FileApplyState['create'];
  const path = p.path;
  switch (state) {
    case 'absent':
      if (facts.stat.exists) {
        steps.add(`remove ${path}`, `rm -rf -- ${shellQuote(path)}`);
        steps.diff.push(stateDiff(path, statState(facts.stat), 'absent'));
      }
      break;
    case 'file':
      if (!facts.target.exists) throw new ModuleFailure(`file (${path}) is absent, cannot continue`);
      if (facts.target.type === 'directory') throw new ModuleFailure(`file (${path}) is directory, cannot continue`);
      planAttrSteps(steps, p, facts.target, path);
      planTimes(steps, p, facts, state);
      break;
    case 'directory':
      planDirectory(steps, p, facts);
      if (facts.target.exists) planTimes(steps, p, facts, state);
      break;
    case 'link':
      planLink(steps, p, facts);
      break;
    case 'hard':
      planHard(steps, p, facts);
      break;
    case 'touch':
      if (!facts.target.exists) {
        const dflt = defaultCreateMode(facts.umask, false);
        create = { mode: formatMode(targetMode(p.mode, { isDir: false, defaultMode: dflt }) ?? dflt), owner: p.owner || undefined, group: p.group || undefined };
        steps.add(`create ${path}`);
        steps.diff.push(stateDiff(path, 'absent', 'touch'));
      } else {
        planAttrSteps(steps, p, facts.target, path);
        planTimes(steps, p, facts, state);
      }
      break;
  }
  return finish(steps, p, facts, state, create);
}

/** Ancestors of a path, root first, without '/' itself. */
export function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  let d = posix.dirname(path);
  while (d !== '/' && d !== '.' && !out.includes(d)) {
    out.unshift(d);
    d = posix.dirname(d);
  }
  return out;
}
