/**
 * The flow of the in-place editors (lineinfile, blockinfile, replace): probe
 * the file's content in one trip, compute the new content with a pure
 * function, then plan and write it like copy.
 */
import { posix } from 'node:path';
import type { ApplyResult, ModuleContext, Plan } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { shellJoin } from '../../engine/connection/types.js';
import { applyContentFile, planContentFile, type ContentFileParams, type ContentState } from './content.js';
import { probePaths, type PathStat } from './probe.js';

export interface EditFacts {
  stat: PathStat;
  parent: PathStat;
  umask: number;
  runAs?: { user: string; group: string };
}

export interface EditState {
  file: ContentState;
  mkdir?: string;
}

const EDIT_MAX = 64 * 1024 * 1024;

export async function probeEdit(ctx: ModuleContext, path: string): Promise<EditFacts> {
  const { stats, umask, user, group } = await probePaths(
    ctx,
    [
      { path, follow: true, checksum: 'sha1', contentMax: EDIT_MAX },
      // only whether the parent exists is read (no process on the host for it)
      { path: posix.dirname(path), follow: true, existsOnly: true },
    ],
    // the user is read only as the owner of a new file
    { who: { target: path } },
  );
  const stat = stats[0]!;
  if (stat.exists && stat.type === 'file' && !stat.content) throw new ModuleFailure(`${path} is not readable or larger than ${EDIT_MAX} bytes`);
  return { stat, parent: stats[1]!, umask, runAs: { user, group } };
}

/** Fails like Ansible for directories and (unless create) missing files. */
export function checkEditable(path: string, facts: EditFacts, create: boolean, noun = 'Path'): void {
  if (facts.stat.type === 'directory') throw new ModuleFailure(`Path ${path} is a directory !`, { data: { rc: 256 } });
  if (!facts.stat.exists && !create) throw new ModuleFailure(`${noun} ${path} does not exist !`, { data: { rc: 257 } });
}

export interface EditPlanInput {
  path: string;
  facts: EditFacts;
  /** the edited content */
  after: string;
  msg: string;
  params: ContentFileParams;
  noLog: boolean;
}

export function planEdit(input: EditPlanInput): Plan<EditState> {
  const { facts, path } = input;
  // like Ansible, an edited symlink stays a link: the change goes to its target
  const writePath = facts.stat.exists && facts.stat.linkResolved ? facts.stat.linkResolved : path;
  const plan = planContentFile({
    path: writePath,
    desired: Buffer.from(input.after),
    current: facts.stat,
    umask: facts.umask,
    params: input.params,
    noLog: input.noLog,
    before: facts.stat.content ?? Buffer.alloc(0),
    runAs: facts.runAs,
  });
  const state: EditState = { file: plan.state! };
  const changes = [...plan.changes];
  if (!facts.stat.exists && !facts.parent.exists) {
    state.mkdir = posix.dirname(path);
    changes.unshift(`create directory ${state.mkdir}`);
  }
  const contentChanged = !!plan.state!.write;
  const msg = contentChanged ? input.msg : changes.length ? 'ownership, perms or SE linux context changed' : '';
  return { ...plan, changes, state, data: { ...plan.data, msg } };
}

export async function applyEdit(ctx: ModuleContext, plan: Plan<EditState>): Promise<{ backupFile?: string }> {
  const state = plan.state!;
  if (state.mkdir) await ctx.runOk(shellJoin(['mkdir', '-p', '--', state.mkdir]));
  return applyContentFile(ctx, state.file);
}

/**
 * The apply of the editors (lineinfile, blockinfile, replace): write and
 * validate, then report the backup made (`backupKey`: also as `backup`, ''
 * when none, as Ansible's lineinfile does).
 */
export async function applyEditTask(ctx: ModuleContext, plan: Plan<EditState>, opts: { backupKey?: boolean } = {}): Promise<ApplyResult> {
  const { backupFile } = await applyEdit(ctx, plan);
  const data: Record<string, unknown> = { ...plan.data };
  if (opts.backupKey) data.backup = backupFile ?? '';
  if (backupFile) data.backup_file = backupFile;
  return { changed: true, data, diff: plan.diff };
}

/** insertafter and insertbefore exclude each other (lineinfile, blockinfile). */
export function checkInsertParams(p: { insertafter?: string; insertbefore?: string }): void {
  if (p.insertafter !== undefined && p.insertbefore !== undefined) throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
}

/** Splits like Python's readlines(): on '\n', keeping it. */
export function readLines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out.length === 1 && out[0] === '' ? [] : out;
}
