/**
 * copy remote_src of a directory: one probe lists the source tree with
 * sha1 sums and the sums of the destination tree; changed files are copied
 * on the host (temp + rename), missing directories created.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ModuleContext, Plan } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import { defaultCreateMode, formatMode, targetMode, type ModeParam } from '../lib/mode.js';

export interface RemoteTreeFacts {
  /** where the tree lands */
  root: string;
  umask: number;
  /** relative paths of source directories with their modes */
  dirs: { rel: string; mode: number }[];
  files: { rel: string; mode: number; sum: string }[];
  /** symlinks, copied as links (rel -> target) */
  links: { rel: string; target: string }[];
  /** link targets present under root, by relative path */
  destLinks: Record<string, string>;
  /** sha1 of files present under root, by relative path */
  destSums: Record<string, string>;
  /** relative directories present under root ('' for root) */
  destDirs: string[];
}

export interface RemoteTreeParams {
  src: string;
  dest: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
  directory_mode?: ModeParam;
}

/** sha1sum escapes names with a backslash or newline: a leading '\' and \\ / \n inside */
function unescapeSumName(line: string): [string, string] {
  const escaped = line.startsWith('\\');
  const body = escaped ? line.slice(1) : line;
  const sum = body.slice(0, 40);
  let name = body.slice(42);
  if (escaped) name = name.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  return [sum, name.replace(/^\.\//, '')];
}

/** Parses the tree probe: 'D\tmode\tpath\0', 'F\tmode\tpath\0', then sums after markers. */
export function parseRemoteTree(out: string, root: string, umask: number): RemoteTreeFacts {
  const facts: RemoteTreeFacts = { root, umask, dirs: [], files: [], links: [], destSums: {}, destDirs: [], destLinks: {} };
  const [listing = '', srcSums = '', destSums = '', destDirs = '', destLinks = ''] = out.split('\0@@\n');
  const linkItems = destLinks.split('\0');
  for (let i = 0; i + 1 < linkItems.length; i += 2) facts.destLinks[linkItems[i]!] = linkItems[i + 1]!;
  const srcSum: Record<string, string> = {};
  for (const l of srcSums.split('\n').filter(Boolean)) {
    const [sum, name] = unescapeSumName(l);
    srcSum[name] = sum;
  }
  for (const l of destSums.split('\n').filter(Boolean)) {
    const [sum, name] = unescapeSumName(l);
    facts.destSums[name] = sum;
  }
  // './' is the root itself: present when the root exists
  facts.destDirs = destDirs
    .split('\0')
    .filter((d) => d.startsWith('./'))
    .map((d) => d.slice(2).replace(/\/$/, ''));
  const recs = listing.split('\0');
  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i]!;
    if (!rec) continue;
    const [kind, mode, rel] = [rec.slice(0, 1), rec.slice(2, rec.indexOf('\t', 2)), rec.slice(rec.indexOf('\t', 2) + 1)];
    if (kind === 'D') facts.dirs.push({ rel, mode: parseInt(mode, 8) });
    else if (kind === 'L') facts.links.push({ rel, target: recs[++i] ?? '' });
    else facts.files.push({ rel, mode: parseInt(mode, 8), sum: srcSum[rel] ?? '' });
  }
  return facts;
}

export function remoteTreeScript(src: string, root: string): string {
  const s = shellQuote(src.replace(/\/+$/, '') || '/');
  const r = shellQuote(root);
  return [
    `cd ${s} || exit 3`,
    `find . -mindepth 1 \\( -type d -printf 'D\\t%m\\t%P\\0' \\) -o \\( -type f -printf 'F\\t%m\\t%P\\0' \\) -o \\( -type l -printf 'L\\t0\\t%P\\0%l\\0' \\)`,
    `printf '\\0@@\\n'; find . -type f -print0 | xargs -0 -r sha1sum --`,
    `printf '\\0@@\\n'; if cd ${r} 2>/dev/null; then find . -type f -print0 | xargs -0 -r sha1sum --; fi`,
    `printf '\\0@@\\n'; if cd ${r} 2>/dev/null; then find . -type d -printf './%P\\0'; fi`,
    `printf '\\0@@\\n'; if cd ${r} 2>/dev/null; then find . -type l -printf '%P\\0%l\\0'; fi`,
    `printf '\\0'; true`,
  ].join('\n');
}

export async function probeRemoteTree(ctx: ModuleContext, p: RemoteTreeParams): Promise<RemoteTreeFacts> {
  const root = p.src.endsWith('/') ? p.dest : posix.join(p.dest, posix.basename(p.src));
  const r = await ctx.run(`printf '%s\\n' "$(umask)"\n${remoteTreeScript(p.src, root)}`);
  if (r.rc !== 0) throw new ModuleFailure(`cannot read ${p.src}: ${r.stderr.trim()}`, { command: r });
  const nl = r.stdout.indexOf('\n');
  return parseRemoteTree(r.stdout.slice(nl + 1), root, parseInt(r.stdout.slice(0, nl), 8));
}

export function planRemoteTree(p: RemoteTreeParams, f: RemoteTreeFacts): Plan<{ commands: string[] }> {
  const changes: string[] = [];
  const commands: string[] = [];
  const dflt = defaultCreateMode(f.umask, true);
  const dirMode = formatMode(targetMode(p.directory_mode, { isDir: true, defaultMode: dflt }) ?? dflt);
  const who = p.owner || p.group ? `${p.owner ?? ''}${p.group ? `:${p.group}` : ''}` : '';
  for (const rel of ['', ...f.dirs.map((d) => d.rel)]) {
    if (f.destDirs.includes(rel)) continue;
    const path = rel ? posix.join(f.root, rel) : f.root;
    changes.push(`create directory ${path}`);
    commands.push(shellJoin(['mkdir', '-p', '-m', dirMode, '--', path]) + (who ? ` && ${shellJoin(['chown', who, '--', path])}` : ''));
  }
  for (const file of f.files) {
    if (f.destSums[file.rel] === file.sum) continue;
    const dest = posix.join(f.root, file.rel);
    const tmp = posix.join(posix.dirname(dest), `.tsplay-cp-${randomBytes(4).toString('hex')}`);
    const mode = formatMode(targetMode(p.mode, { current: file.mode, isDir: false }) ?? file.mode);
    const steps = [shellJoin(['cp', '--', posix.join(p.src, file.rel), tmp]), shellJoin(['chmod', mode, '--', tmp]), who ? shellJoin(['chown', who, '--', tmp]) : '', shellJoin(['mv', '-f', '--', tmp, dest])];
    changes.push(`copy ${file.rel} to ${dest}`);
    commands.push(steps.filter(Boolean).join(' && '));
  }
  for (const link of f.links) {
    if (f.destLinks[link.rel] === link.target) continue;
    const dest = posix.join(f.root, link.rel);
    changes.push(`link ${dest} -> ${link.target}`);
    commands.push(shellJoin(['ln', '-sfn', '--', link.target, dest]));
  }
  return { changes, state: { commands }, data: { dest: f.root, src: p.src }, reason: changes.length ? undefined : `${f.root} is up to date` };
}
