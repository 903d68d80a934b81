import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import { formatMode, isOctalMode, octalModeValue, type ModeParam } from '../lib/mode.js';
import { probePaths, type PathStat } from '../lib/probe.js';
import { attrProps, bool } from '../lib/schema.js';
import { entryDiffers, parseRecurseEntries } from './file-plan.js';

export interface UnarchiveParams {
  src: string;
  dest: string;
  remote_src?: boolean;
  creates?: string;
  extra_opts?: string[];
  list_files?: boolean;
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

export interface UnarchiveFacts {
  dest: PathStat;
  /** some member's owner/group/mode differs from the task's */
  attrsDiffer?: boolean;
  createsExists: boolean;
  /** tar --compare output and status against dest */
  compareRc: number;
  compareOut: string;
  files: string[];
  /** controller archive, uploaded by apply */
  archive?: Buffer;
}

/** GNU tar needs the compression flag when reading stdin. */
export function compressionFlag(head: Buffer): string[] {
  if (head[0] === 0x1f && head[1] === 0x8b) return ['-z'];
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return ['-j'];
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return ['-J'];
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return ['--zstd'];
  return [];
}

/**
 * Differences reported by `tar --compare` that matter: owner/group and
 * mode lines are ignored when the task sets them itself afterwards.
 */
export function archiveDiffers(facts: Pick<UnarchiveFacts, 'compareRc' | 'compareOut'>, p: Pick<UnarchiveParams, 'owner' | 'group' | 'mode'>): boolean {
  if (facts.compareRc > 1) return true;
  const lines = facts.compareOut.split('\n').filter((l) => l.trim() !== '');
  const ignored = (l: string): boolean =>
    ((!!p.owner || !!p.group) && /: (Uid|Gid) differs$/.test(l)) ||
    (p.mode !== undefined && /: Mode differs$/.test(l)) ||
    // members stripped to nothing by --strip-components, and tar's notes
    /^tar: : Warning: Cannot stat/.test(l) ||
    /^tar: Removing leading/.test(l);
  return lines.some((l) => !ignored(l));
}

export function planUnarchive(p: UnarchiveParams, facts: UnarchiveFacts) {
  if (p.creates && facts.createsExists) return { changes: [], reason: `skipped, since ${p.creates} exists`, data: { dest: p.dest, src: p.src } };
  if (!facts.dest.exists || facts.dest.type !== 'directory') throw new ModuleFailure(`dest '${p.dest}' must be an existing dir`);
  const data: Record<string, unknown> = { dest: p.dest, src: p.src, extract_results: {} };
  if (bool(p.list_files, false)) data.files = facts.files;
  if (!archiveDiffers(facts, p) && !facts.attrsDiffer) return { changes: [], data, reason: `${p.dest} already holds the archive's files` };
  return { changes: [`extract ${p.src} into ${p.dest}`], data, state: { members: extractedPaths(facts.files, p.extra_opts) } };
}

async function compare(ctx: ModuleContext, p: UnarchiveParams, archive: Buffer | undefined): Promise<Pick<UnarchiveFacts, 'compareRc' | 'compareOut' | 'files'>> {
  const flags = archive ? compressionFlag(archive.subarray(0, 8)) : [];
  const file = archive ? '-' : p.src;
  const extra = p.extra_opts ?? [];
  // compare first (stderr folded in: missing files are reported there), then the member list
  const script = `${shellJoin(['tar', ...flags, '-C', p.dest, ...extra, '-d', '-f', file])} 2>&1; echo "@@rc $?"`;
  const r = await ctx.run(script, { stdin: archive });
  const rcLine = /@@rc (\d+)\s*$/.exec(r.stdout);
  const out = r.stdout.replace(/@@rc \d+\s*$/, '');
  const list = archive
    ? execFileSync('tar', [...flags, '-t', '-f', '-'], { input: archive }).toString('utf8')
    : (await ctx.runOk(shellJoin(['tar', '-t', '-f', p.src]))).stdout;
  return { compareRc: rcLine ? Number(rcLine[1]) : 2, compareOut: out, files: list.split('\n').filter(Boolean) };
}

/** Member paths as extracted: --strip-components applied, the root entry dropped. */
export function extractedPaths(members: string[], extraOpts: string[] = []): string[] {
  const strip = Number(/^--strip-components=(\d+)$/.exec(extraOpts.find((o) => o.startsWith('--strip-components=')) ?? '')?.[1] ?? 0);
  return members
    .map((m) => m.split('/').slice(strip).join('/'))
    .filter((m) => m !== '' && m !== '.' && m !== './');
}

/** Lists the distinct owner/group/mode/type of the members and lets the file planner judge them. */
async function membersDiffer(ctx: ModuleContext, p: UnarchiveParams, members: string[]): Promise<boolean> {
  if (!(p.owner || p.group || p.mode !== undefined) || !members.length) return false;
  const names = members.map((m) => shellQuote(m)).join(' ');
  const script = `for m in ${names}; do find ${shellQuote(p.dest)}/"$m" -maxdepth 0 -printf '%u %g %U %G %m %y\\n'; done 2>/dev/null | sort -u`;
  const r = await ctx.run(script);
  return parseRecurseEntries(r.stdout).some((e) => entryDiffers(p, e));
}

function attrScript(p: UnarchiveParams, members: string[]): string {
  const parts: string[] = [];
  const who = p.owner || p.group ? `${p.owner ?? ''}${p.group ? `:${p.group}` : ''}` : '';
  const mode = p.mode === undefined ? '' : isOctalMode(p.mode) ? formatMode(octalModeValue(p.mode)) : String(p.mode);
  if (!who && !mode) return '';
  const each = [who ? `chown -h ${shellQuote(who)} -- "$f"` : '', mode ? `[ -L "$f" ] || chmod ${shellQuote(mode)} -- "$f"` : ''].filter(Boolean).join('; ');
  if (!members.length) return '';
  parts.push(`for m in ${members.map(shellQuote).join(' ')}; do f=${shellQuote(p.dest)}/"$m"; ${each}; done`);
  return parts.join('\n');
}

export const unarchive = defineModule<UnarchiveParams, UnarchiveFacts, { members: string[] }>({
  name: 'unarchive',
  aliases: ['ansible.builtin.unarchive'],
  doc: {
    short: 'Extract a tar archive (optionally compressed) from the controller or the host',
    description:
      'Idempotent by `tar --compare` against dest (missing, different size, content or mtime → extract), or by `creates`. The controller ' +
      'archive is streamed for the comparison and uploaded next to dest for the extraction.',
    examples: `- unarchive:
    src: /opt/etcd.tar.gz
    dest: /opt/etcd
    remote_src: true
    extra_opts: [--strip-components=1]
    creates: /opt/etcd/etcd`,
    returns: { dest: 'the directory', src: 'the archive', files: 'members, with list_files' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { description: "Archive on the controller (role files/), or on the host with remote_src.", type: 'string' },
      dest: { description: 'Existing directory to extract into.', type: 'string' },
      remote_src: { description: 'src is on the host.', type: 'boolean', default: false },
      creates: { description: 'Skip when this path exists on the host.', type: 'string' },
      extra_opts: { description: 'Extra tar options, e.g. [--strip-components=1].', type: 'array', items: { type: 'string' } },
      list_files: { description: 'Return the archive members as files.', type: 'boolean', default: false },
      ...attrProps,
    },
  },
  async probe(ctx, p) {
    const reqs = [{ path: p.dest, follow: true }, ...(p.creates ? [{ path: p.creates, follow: true }] : [])];
    const { stats } = await probePaths(ctx, reqs);
    const base = { dest: stats[0]!, createsExists: !!stats[1]?.exists };
    if (base.createsExists || base.dest.type !== 'directory') return { ...base, compareRc: 0, compareOut: '', files: [] };
    const archive = p.remote_src ? undefined : readFileSync(ctx.findFile('files', p.src));
    const cmp = await compare(ctx, p, archive);
    return { ...base, ...cmp, archive, attrsDiffer: await membersDiffer(ctx, p, extractedPaths(cmp.files, p.extra_opts)) };
  },
  plan: (p, facts) => planUnarchive(p, facts),
  async apply(ctx, p, plan) {
    let src = p.src;
    const archive = p.remote_src ? undefined : readFileSync(ctx.findFile('files', p.src));
    if (archive) {
      src = posix.join(p.dest, `.tsplay-archive-${randomBytes(4).toString('hex')}`);
      await ctx.put(archive, src, { mode: '0600' });
    }
    const extract = shellJoin(['tar', '-C', p.dest, ...(p.extra_opts ?? []), '-x', '-f', src]);
    const attrs = attrScript(p, plan.state?.members ?? []);
    const cleanup = archive ? shellJoin(['rm', '-f', '--', src]) : 'true';
    const r = await ctx.run(`${extract} && { ${attrs || 'true'}\n}; rc=$?; ${cleanup}; exit $rc`);
    if (r.rc !== 0) throw new ModuleFailure(`failed to extract ${p.src}: ${r.stderr.trim()}`, { command: r });
    return { changed: true, data: plan.data };
  },
});
