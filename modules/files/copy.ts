import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../../engine/module-api.js';
import { shellJoin } from '../../engine/connection/types.js';
import { TsplayError } from '../../engine/errors.js';
import { applyContentFile, planContentFile, type ContentState } from '../lib/content.js';
import { defaultCreateMode, formatMode, targetMode, type ModeParam } from '../lib/mode.js';
import { probePaths, type PathStat, type ProbeRequest } from '../lib/probe.js';
import { attrProps, backupProp, bool, validateProp } from '../lib/schema.js';
import { readSource, treeRoot, type SourceTree } from './copy-source.js';
import { planRemoteTree, probeRemoteTree, type RemoteTreeFacts } from './copy-remote-tree.js';

export interface CopyParams {
  src?: string;
  content?: unknown;
  dest: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
  backup?: boolean;
  force?: boolean;
  validate?: string;
  remote_src?: boolean;
  directory_mode?: ModeParam;
}

export interface CopyItem {
  dest: string;
  desired: Buffer;
  /** remote_src: the host file standing for `desired` */
  remote?: { src: string; checksum: string; size: number };
  current: PathStat;
  srcMode?: number;
}

export interface CopyFacts {
  umask: number;
  runAs?: { user: string; group: string };
  items: CopyItem[];
  /** directories of a recursive copy, parents first */
  dirs: { path: string; current: PathStat }[];
  /** dest/ given and missing: created before writing */
  makeParent?: string;
  /** the destination's directory does not exist (an error, except in check mode as Ansible's action plugin) */
  parentMissing?: string;
  remoteTree?: RemoteTreeFacts;
}

export interface CopyState {
  mkdirs: { path: string; mode: string }[];
  files: ContentState[];
  /** remote_src of a directory: host-side copy commands */
  commands?: string[];
}

const DIFF_MAX = 256 * 1024;

function desiredContent(content: unknown): Buffer {
  if (typeof content === 'string') return Buffer.from(content);
  // Ansible's action plugin dumps dicts and lists as JSON
  return Buffer.from(JSON.stringify(content));
}

/** `desired`: a small file found with this content gets its checksum without a sha1sum process (measured: 6 of 8 per host in a bench no-op run) */
function fileReq(path: string, diff: boolean, desired?: Buffer): ProbeRequest {
  return { path, follow: true, checksum: 'sha1', contentMax: diff ? DIFF_MAX : undefined, expect: desired };
}

/** Where a single file goes: dest itself, or dest/srcName when dest is (or ends like) a directory. */
type Resolved = { dest: string; current: PathStat; makeParent?: string; parentMissing?: string };

function resolveSingle(p: CopyParams, stats: PathStat[], srcName: string | undefined): Resolved {
  const [destStat, inDirStat, parent] = stats as [PathStat, PathStat, PathStat];
  const toDir = p.dest.endsWith('/') || destStat.type === 'directory';
  if (toDir && !srcName) throw new ModuleFailure(`can not use content with a dir as dest: ${p.dest}`);
  if (!toDir) return { dest: p.dest, current: destStat, parentMissing: parent.exists ? undefined : posix.dirname(p.dest) };
  return { dest: posix.join(p.dest, srcName!), current: inDirStat, makeParent: destStat.exists ? undefined : p.dest };
}

function singleReqs(p: CopyParams, srcName: string | undefined, diff: boolean, desired?: Buffer): ProbeRequest[] {
  const inDir = srcName ? posix.join(p.dest, srcName) : p.dest;
  // only whether the parent exists is read (no process on the host for it)
  return [fileReq(p.dest, diff, desired), fileReq(inDir, diff, desired), { path: posix.dirname(p.dest), follow: true, existsOnly: true }];
}

export async function probeSingle(ctx: ModuleContext, p: CopyParams, desired: Buffer, srcName: string | undefined): Promise<CopyFacts> {
  // the user is read only as the owner of a new file: no `id` when the destination exists
  const who = { target: p.dest, inDir: srcName ? posix.join(p.dest, srcName) : undefined };
  const { stats, umask, user, group } = await probePaths(ctx, singleReqs(p, srcName, ctx.diff, desired), { who });
  const { dest, current, makeParent, parentMissing } = resolveSingle(p, stats, srcName);
  return { umask, runAs: { user, group }, items: [{ dest, desired, current }], dirs: [], makeParent, parentMissing };
}

async function probeTree(ctx: ModuleContext, p: CopyParams, tree: SourceTree): Promise<CopyFacts> {
  const root = treeRoot(p.src!, p.dest);
  const dirPaths = tree.dirs.map((d) => (d ? posix.join(root, d) : root));
  const filePaths = tree.files.map((f) => posix.join(root, f.rel));
  const reqs = [...dirPaths.map((path) => ({ path, follow: true })), ...filePaths.map((fp, i) => fileReq(fp, ctx.diff, tree.files[i]!.content))];
  const { stats, umask, user, group } = await probePaths(ctx, reqs);
  return {
    umask,
    runAs: { user, group },
    dirs: dirPaths.map((path, i) => ({ path, current: stats[i]! })),
    items: tree.files.map((f, i) => ({ dest: filePaths[i]!, desired: f.content, current: stats[dirPaths.length + i]!, srcMode: f.mode })),
  };
}

/** remote_src: compared by checksum, copied on the host (the content never travels). */
async function probeRemoteSrc(ctx: ModuleContext, p: CopyParams): Promise<CopyFacts> {
  const src = p.src!;
  const reqs = [{ path: src, follow: true, checksum: 'sha1' as const }, ...singleReqs(p, posix.basename(src), false)];
  const { stats, umask, user, group } = await probePaths(ctx, reqs);
  const st = stats[0]!;
  if (!st.exists) throw new ModuleFailure(`Source ${src} not found`);
  if (st.type === 'directory') return { umask, items: [], dirs: [], remoteTree: await probeRemoteTree(ctx, { ...p, src }) };
  if (!st.checksum) throw new ModuleFailure(`Source ${src} is not readable`);
  const { dest, current, makeParent, parentMissing } = resolveSingle(p, stats.slice(1), posix.basename(src));
  const remote = { src, checksum: st.checksum, size: st.size };
  return { umask, runAs: { user, group }, items: [{ dest, desired: Buffer.alloc(0), current, srcMode: st.mode, remote }], dirs: [], makeParent, parentMissing };
}

function readControllerSource(ctx: ModuleContext, src: string): SourceTree {
  const path = ctx.findFile('files', src);
  try {
    return readSource(path);
  } catch (e) {
    throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `could not find or read src: ${src}`, { source: ctx.source, hint: `looked for ${path}`, cause: e });
  }
}

function itemMode(p: CopyParams, item: CopyItem): ModeParam | undefined {
  if (p.mode === 'preserve') return item.srcMode !== undefined ? formatMode(item.srcMode) : undefined;
  return p.mode;
}

function planDirs(p: CopyParams, facts: CopyFacts): CopyState['mkdirs'] {
  const dflt = defaultCreateMode(facts.umask, true);
  const want = p.directory_mode !== undefined ? targetMode(p.directory_mode, { isDir: true, defaultMode: dflt }) : dflt;
  const missing = facts.dirs.filter((d) => !d.current.exists).map((d) => d.path);
  if (facts.makeParent) missing.push(facts.makeParent);
  return missing.map((path) => ({ path, mode: formatMode(want ?? dflt) }));
}

export function planCopy(p: CopyParams, facts: CopyFacts, noLog: boolean, check = false): Plan<CopyState> {
  if (facts.parentMissing) {
    // Ansible's action plugin answers "changed" in check mode before the module could notice
    if (!check) throw new ModuleFailure(`Destination directory ${facts.parentMissing} does not exist`);
    return { changes: [`create ${facts.items[0]?.dest ?? p.dest} (its directory ${facts.parentMissing} does not exist yet)`], data: { dest: p.dest } };
  }
  if (facts.remoteTree) {
    const tree = planRemoteTree({ ...p, src: p.src!, owner: p.owner, group: p.group }, facts.remoteTree);
    return { ...tree, state: { mkdirs: [], files: [], commands: tree.state!.commands } };
  }
  const mkdirs = planDirs(p, facts);
  const changes = mkdirs.map((d) => `create directory ${d.path}`);
  const files: ContentState[] = [];
  const diff = [];
  let data: Record<string, unknown> = {};
  for (const item of facts.items) {
    if (item.current.type === 'directory') throw new ModuleFailure(`${item.dest} is a directory`);
    const plan = planContentFile({
      path: item.dest,
      desired: item.desired,
      current: item.current,
      umask: facts.umask,
      params: { mode: itemMode(p, item), owner: p.owner, group: p.group, backup: p.backup, validate: p.validate },
      noLog,
      force: bool(p.force, true),
      before: item.current.content,
      runAs: facts.runAs,
      remote: item.remote,
    });
    changes.push(...plan.changes);
    if (plan.changes.length) files.push(plan.state!);
    diff.push(...(plan.diff ?? []));
    if (facts.items.length === 1) data = { ...plan.data };
  }
  data.dest = facts.items.length === 1 ? facts.items[0]!.dest : p.dest;
  if (p.src !== undefined) data.src = p.src;
  return { changes, diff: diff.length ? diff : undefined, data, state: { mkdirs, files }, reason: changes.length ? undefined : `${p.dest} is up to date` };
}

export const copy = defineModule<CopyParams, CopyFacts, CopyState>({
  name: 'copy',
  aliases: ['ansible.builtin.copy'],
  doc: {
    short: 'Copy a controller file, a directory tree or inline content to the host',
    description:
      'Writes atomically (temporary file + rename). A directory dest receives basename(src); a directory src is copied recursively ' +
      "('src/' copies its contents). Existing files keep their mode and owner unless told otherwise.",
    examples: `- name: sudoers drop-in, validated
  copy:
    content: "deploy ALL=(ALL) NOPASSWD: ALL\\n"
    dest: /etc/sudoers.d/deploy
    mode: "0440"
    validate: visudo -cf %s
- copy: { src: motd, dest: /etc/motd, mode: "0644", backup: true }`,
    returns: {
      dest: 'destination file path',
      checksum: 'sha1 of the file after the copy',
      size: 'size in bytes',
      mode: "the file's mode, '0644'",
      owner: "the file's owner (given, kept, or the user the task runs as)",
      group: "the file's group",
      backup_file: 'the backup made, when backup is set and the file changed',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      src: { description: "Controller file or directory (looked up in the role's files/), or a host file or directory with remote_src.", type: 'string' },
      content: { description: 'Inline content for dest (instead of src); dicts and lists are written as JSON.' },
      dest: { description: 'Absolute path on the host; a directory (or a path ending in /) receives basename(src).', type: 'string' },
      ...attrProps,
      backup: backupProp,
      force: { description: 'Replace the file when its content differs; false only creates it when missing.', type: 'boolean', default: true },
      validate: validateProp,
      remote_src: { description: 'src is a file on the host, not on the controller.', type: 'boolean', default: false },
      directory_mode: { description: 'Mode of directories created by a recursive copy.', type: ['string', 'integer'] },
    },
    oneOf: [{ required: ['src'] }, { required: ['content'] }],
  },
  async probe(ctx, p) {
    if (p.remote_src) return probeRemoteSrc(ctx, p);
    if (p.content !== undefined) return probeSingle(ctx, p, desiredContent(p.content), undefined);
    const tree = readControllerSource(ctx, p.src!);
    if (tree.isDir) return probeTree(ctx, p, tree);
    return probeSingle(ctx, p, tree.files[0]!.content, posix.basename(p.src!)).then((f) => {
      f.items[0]!.srcMode = tree.files[0]!.mode;
      return f;
    });
  },
  plan: (p, facts, pc) => planCopy(p, facts, pc.noLog, pc.check),
  async apply(ctx, p, plan) {
    const state = plan.state!;
    if (state.commands?.length) await ctx.runOk(state.commands.join(' && '));
    for (const d of state.mkdirs) {
      const owner = p.owner || p.group ? [`${p.owner ?? ''}${p.group ? `:${p.group}` : ''}`] : [];
      await ctx.runOk(shellJoin(['mkdir', '-p', '-m', d.mode, '--', d.path]) + (owner.length ? ` && ${shellJoin(['chown', owner[0]!, '--', d.path])}` : ''));
    }
    let backupFile: string | undefined;
    for (const f of state.files) backupFile = (await applyContentFile(ctx, f)).backupFile ?? backupFile;
    const data = { ...plan.data };
    if (backupFile) data.backup_file = backupFile;
    return { changed: true, data, diff: plan.diff };
  },
});
