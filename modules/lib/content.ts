/**
 * The shared write path of copy, template, lineinfile, blockinfile and
 * replace: plan a file's content and attributes, then write it atomically
 * (ctx.put: temp file + rename), with optional backup and validation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ModuleContext, Plan } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import type { FileDiff } from '../../engine/results.js';
import { attrCommand, hasAttrChange, planAttrs, type AttrChange, type AttrParams } from './attrs.js';
import { contentDiff } from './diff.js';
import { defaultCreateMode, formatMode, targetMode } from './mode.js';
import type { PathStat } from './probe.js';

export interface ContentFileParams extends AttrParams {
  backup?: boolean;
  validate?: string;
}

export interface ContentPlanInput {
  path: string;
  desired: Buffer;
  current: PathStat;
  umask: number;
  params: ContentFileParams;
  noLog: boolean;
  /** false: leave an existing file's content alone (copy force: no) */
  force?: boolean;
  /** the current content, for the diff */
  before?: Buffer;
  /** who the module runs as: owner of a new file without owner/group */
  runAs?: { user: string; group: string };
  /** the content is a file on the host (copy remote_src): compared by checksum, copied there */
  remote?: { src: string; checksum: string; size: number };
}

export interface ContentWrite {
  content: Buffer;
  /** copy this host file instead of sending content */
  remoteSrc?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

export interface ContentState {
  path: string;
  exists: boolean;
  write?: ContentWrite;
  attrs?: AttrChange;
  backup: boolean;
  validate?: string;
}

export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

function sameContent(input: ContentPlanInput): boolean {
  if (input.remote) return input.current.checksum === input.remote.checksum;
  if (input.before !== undefined) return input.before.equals(input.desired);
  return input.current.checksum === sha1(input.desired);
}

function newFileWrite(input: ContentPlanInput): ContentWrite {
  const { params } = input;
  const mode = targetMode(params.mode, { isDir: false, defaultMode: defaultCreateMode(input.umask, false) });
  return {
    content: input.desired,
    remoteSrc: input.remote?.src,
    mode: formatMode(mode ?? defaultCreateMode(input.umask, false)),
    owner: params.owner ? String(params.owner) : undefined,
    group: params.group ? String(params.group) : undefined,
  };
}

/** Replacing an existing file keeps its mode and owner unless told otherwise. */
function replaceWrite(input: ContentPlanInput): ContentWrite {
  const { params, current } = input;
  const mode = targetMode(params.mode, { current: current.mode, isDir: false }) ?? current.mode;
  return { content: input.desired, remoteSrc: input.remote?.src, mode: formatMode(mode), owner: String(params.owner || current.owner), group: String(params.group || current.group) };
}

/** Plans the content and attributes of a regular file. */
export function planContentFile(input: ContentPlanInput): Plan<ContentState> {
  const { path, current, params } = input;
  const state: ContentState = { path, exists: current.exists, backup: !!params.backup, validate: params.validate };
  const changes: string[] = [];
  let diff: FileDiff[] | undefined;
  let finalMode = current.mode;
  if (!current.exists) {
    state.write = newFileWrite(input);
    changes.push(`create ${path}`);
  } else if (input.force !== false && !sameContent(input)) {
    state.write = replaceWrite(input);
    const attrs = planAttrs(params, current);
    changes.push(`update content of ${path}`, ...attrs.descriptions);
  } else {
    const attrs = planAttrs(params, current);
    if (hasAttrChange(attrs)) {
      state.attrs = attrs;
      changes.push(...attrs.descriptions);
    }
    if (attrs.mode) finalMode = parseInt(attrs.mode, 8);
  }
  if (state.write) finalMode = parseInt(state.write.mode!, 8);
  if (state.write && !input.remote) {
    const d = contentDiff({ path, before: current.exists ? input.before : Buffer.alloc(0), after: input.desired, mode: finalMode, noLog: input.noLog });
    // the old content was not fetched (too large for a diff): do not show it as empty
    diff = [current.exists && input.before === undefined ? { path, before: '', after: '', hidden: true } : d];
  }
  const keptOld = current.exists && input.force === false;
  const data: Record<string, unknown> = {
    checksum: keptOld ? (current.checksum ?? sha1(input.before ?? input.desired)) : (input.remote?.checksum ?? sha1(input.desired)),
    size: state.write ? (input.remote?.size ?? input.desired.length) : current.size,
    mode: formatMode(finalMode),
  };
  const owner = params.owner || (current.exists ? current.owner : input.runAs?.user);
  const group = params.group || (current.exists ? current.group : input.runAs?.group);
  if (owner) data.owner = String(owner);
  if (group) data.group = String(group);
  return { changes, diff, data, state, reason: changes.length ? undefined : `${path} is up to date` };
}

/** Ansible's backup file name: PATH.PID.YYYY-MM-DD@HH:MM:SS~ (made on the host). */
export function backupCommand(path: string): string {
  const q = shellQuote(path);
  return `b=${q}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${q} "$b" && printf '%s' "$b"`;
}

export async function makeBackup(ctx: ModuleContext, path: string): Promise<string> {
  const r = await ctx.runOk(backupCommand(path));
  return r.stdout.trim();
}

/** Puts the new content (or copies the host source) to a temporary file next to the destination. */
async function stage(ctx: ModuleContext, path: string, write: ContentWrite): Promise<string> {
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.tsplay-stage-${randomBytes(4).toString('hex')}`);
  if (!write.remoteSrc) {
    await ctx.put(write.content, tmp, { mode: write.mode, owner: write.owner, group: write.group });
    return tmp;
  }
  const who = write.owner || write.group ? `${write.owner ?? ''}${write.group ? `:${write.group}` : ''}` : '';
  const steps = [shellJoin(['cp', '--', write.remoteSrc, tmp]), write.mode ? shellJoin(['chmod', write.mode, '--', tmp]) : '', who ? shellJoin(['chown', who, '--', tmp]) : ''];
  await ctx.runOk(`${steps.filter(Boolean).join(' && ')} || { rm -f -- ${shellQuote(tmp)}; exit 1; }`);
  return tmp;
}

/** Writes the planned content (validated first if asked) or fixes attributes. */
export async function applyContentFile(ctx: ModuleContext, state: ContentState): Promise<{ backupFile?: string }> {
  let backupFile: string | undefined;
  const { path, write } = state;
  if (!write) {
    if (state.attrs && hasAttrChange(state.attrs)) await ctx.runOk(attrCommand(path, state.attrs));
    return {};
  }
  if (!state.validate && !write.remoteSrc) {
    if (state.backup && state.exists) backupFile = await makeBackup(ctx, path);
    await ctx.put(write.content, path, { mode: write.mode, owner: write.owner, group: write.group });
    return { backupFile };
  }
  const tmp = await stage(ctx, path, write);
  if (state.validate) {
    const r = await ctx.run(validateCommand(state.validate, tmp));
    if (r.rc !== 0) {
      await ctx.run(['rm', '-f', '--', tmp]);
      throw new ModuleFailure(`failed to validate: rc ${r.rc}: ${(r.stderr || r.stdout).trim()}`, { command: r });
    }
  }
  if (state.backup && state.exists) backupFile = await makeBackup(ctx, path);
  await ctx.runOk(['mv', '-f', '--', tmp, path]);
  return { backupFile };
}

/** `visudo -cf %s` with %s replaced by the quoted temporary path. */
export function validateCommand(validate: string, tmpPath: string): string {
  if (!validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${validate}`);
  return validate.split('%s').join(shellQuote(tmpPath));
}
