/**
 * One shell round trip that gathers what file modules need about one or more
 * paths: lstat/stat fields, link target, access bits, checksum and (small)
 * content as base64, and the umask. The parser is pure and tested on
 * recorded output.
 */
import { createHash } from 'node:crypto';
import type { ModuleContext } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';

export type ChecksumAlgo = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const CHECKSUM_ALGOS: ChecksumAlgo[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

export interface ProbeRequest {
  path: string;
  /** stat the link target instead of the link */
  follow?: boolean;
  checksum?: ChecksumAlgo;
  /** return the content of a regular file up to this many bytes */
  contentMax?: number;
  /** only whether the path exists (shell builtins: no process on the host) */
  existsOnly?: boolean;
  /**
   * the content the caller expects (copy, template): when the file holds
   * exactly these bytes, their checksum is reported without a checksum
   * process (compared with shell builtins); only up to EXPECT_MAX bytes of
   * text without NUL, otherwise ignored
   */
  expect?: Buffer;
}

/** above this, reading a file with the shell's `read` costs more than one sha1sum process (measured: 2 KB ~0.4 ms, sha1sum ~1.3 ms) */
export const EXPECT_MAX = 2048;

export type FileType = 'file' | 'directory' | 'link' | 'chr' | 'blk' | 'fifo' | 'socket';

export interface PathStat {
  path: string;
  exists: boolean;
  type?: FileType;
  /** permission bits, 0o7777 */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
  inode: number;
  dev: number;
  nlink: number;
  blocks: number;
  blockSize: number;
  /** major/minor for devices (hex from stat) */
  deviceType?: number;
  linkTarget?: string;
  linkResolved?: string;
  readable: boolean;
  writeable: boolean;
  executable: boolean;
  checksum?: string;
  /** undefined when not asked, not a regular file, or larger than contentMax */
  content?: Buffer;
}

export interface ProbeOutput {
  stats: PathStat[];
  umask: number;
  /** the user and group the probe ran as (after become): owner of new files */
  user: string;
  group: string;
  /** 'X key value' lines printed by an extra script (the last value per key) */
  extra: Record<string, string>;
  /** the whole output, for extra scripts printing many lines */
  raw: string;
}

const STAT_FORMAT = 'S %f|%u|%g|%s|%X|%Y|%Z|%i|%d|%h|%b|%B|%t|%T|%U|%G';

/*
 * Every process the probe starts costs the host a fork+exec (about 1-3 ms of
 * CPU each; 100 hosts share the bench machine's 2 cores), so the script keeps
 * to shell builtins where it can: `umask` and `[ ]` tests run in the shell,
 * the size for contentMax is cut out of the captured stat line, a checksum is
 * one `sha1sum` (no `| cut`), existsOnly requests need no process at all, and
 * a followed stat of a path already stat'ed unfollowed reruns only for links,
 * and a file whose content is read gets no checksum process: the parser
 * computes it from the content.
 *
 * The script runs in the session shell itself (RunOptions.inline 'group': no
 * fork, no `sh -c`), so it must be valid sh (every path is shellQuote'd) and
 * change no shell state: no cd, exit, set, trap or IFS, and the variables it
 * uses (p s c z l) are unset at its end.
 */

/** z= the size: the 4th field of the stat line (stat -L when following; a link is not regular otherwise) */
const SIZE = 'z=${s#*|*|*|}; z=${z%%|*};';

/** the expected content when it can be compared in the shell: a single-quoted word keeps every byte but NUL */
function expectedText(req: ProbeRequest): string | undefined {
  const e = req.expect;
  if (!e || e.length > EXPECT_MAX || e.includes(0)) return undefined;
  const text = e.toString('utf8');
  return Buffer.from(text, 'utf8').equals(e) ? text : undefined;
}

/**
 * The C line. With an expected content: the file is read with `read` (no
 * process) and compared; `read` may drop bytes (NUL) but never adds any, so
 * equal text and a size equal to the expected length mean equal bytes.
 */
function checksumLine(req: ProbeRequest): string {
  if (!req.checksum) return '';
  // sha1sum prints "HASH  -"; the parser keeps the first word, and a failed read leaves an empty C line
  const hashed = `c=$(${req.checksum}sum < "$p"); echo "C \${c%% *}"`;
  const text = expectedText(req);
  if (text === undefined) return hashed;
  const sum = createHash(req.checksum).update(req.expect!).digest('hex');
  const read = `{ c=; while IFS= read -r l; do c="$c$l\n"; done; c="$c$l"; } < "$p"`;
  return `${SIZE} if [ "$z" = ${req.expect!.length} ] && ${read} && [ "$c" = ${shellQuote(text)} ]; then echo 'C ${sum}'; else ${hashed}; fi`;
}

function statAndChecks(req: ProbeRequest, regular: string): string[] {
  const stat = req.follow ? 'stat -L' : 'stat';
  const lines = [
    `  s=$(${stat} -c '${STAT_FORMAT}' -- "$p" 2>/dev/null) && printf '%s\\n' "$s" || echo 'E stat'`,
    `  if [ -L "$p" ]; then printf 'L '; readlink -- "$p" | base64 -w0; echo; printf 'R '; readlink -m -- "$p" | base64 -w0; echo; fi`,
    `  [ -r "$p" ] && echo 'A r'; [ -w "$p" ] && echo 'A w'; [ -x "$p" ] && echo 'A x'`,
  ];
  let inner = checksumLine(req);
  if (req.contentMax !== undefined) {
    // content read: the checksum is computed from it by the parser
    inner = `if ${SIZE} [ -n "$z" ] && [ "$z" -le ${Math.floor(req.contentMax)} ]; then printf 'B '; base64 -w0 < "$p"; echo;${inner ? ` else ${inner};` : ''} fi`;
  }
  if (inner) lines.push(`  if ${regular} && [ -r "$p" ]; then ${inner}; fi`);
  return lines;
}

function entryScript(req: ProbeRequest, i: number, sameUnlessLink?: number): string {
  const checks = req.existsOnly ? ['  :'] : statAndChecks(req, req.follow ? `[ -f "$p" ]` : `[ -f "$p" ] && [ ! -L "$p" ]`);
  const body = [`if [ -e "$p" ] || [ -L "$p" ]; then`, ...checks, 'else', `  echo 'N'`, 'fi'];
  const head = [`p=${shellQuote(req.path)}`, `echo '@@ ${i}'`];
  if (sameUnlessLink === undefined) return [...head, ...body].join('\n');
  // not a link: stat -L would print what the unfollowed entry printed
  return [...head, `if [ ! -L "$p" ]; then echo '= ${sameUnlessLink}'; else`, ...body, 'fi'].join('\n');
}

/** For a followed request, the index of an earlier unfollowed request it can reuse when the path is no link. */
function reusableEntry(reqs: ProbeRequest[], i: number): number | undefined {
  const r = reqs[i]!;
  if (!r.follow || r.existsOnly) return undefined;
  const j = reqs.findIndex((q, k) => k < i && !q.follow && !q.existsOnly && q.path === r.path && q.checksum === r.checksum && q.contentMax === r.contentMax);
  return j < 0 ? undefined : j;
}

/**
 * Whether the probe reports the user and group it runs as (one `id`): always,
 * never, or only when a file would be created at `target` (or at `inDir` when
 * target is a directory), the only case where they are read (as the owner of
 * the new file).
 */
export type WhoOption = boolean | { target: string; inDir?: string };

function whoLine(who: WhoOption): string {
  if (who === false) return '';
  if (who === true) return `printf 'I '; id`;
  const t = shellQuote(who.target);
  const inDir = who.inDir !== undefined ? ` || { [ -d ${t} ] && [ ! -e ${shellQuote(who.inDir)} ]; }` : '';
  return `if [ ! -e ${t} ]${inDir}; then printf 'I '; id; fi`;
}

/** The probe script for these paths (POSIX sh + GNU coreutils). */
export function probeScript(reqs: ProbeRequest[], extra = '', who: WhoOption = true): string {
  const head = [`printf 'U '; umask`, whoLine(who)];
  return [...head, ...reqs.map((r, i) => entryScript(r, i, reusableEntry(reqs, i))), extra, 'unset p s c z l'].filter(Boolean).join('\n');
}

const TYPE_BITS: Record<number, FileType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o020000: 'chr',
  0o060000: 'blk',
  0o010000: 'fifo',
  0o140000: 'socket',
};

export function missingStat(path: string): PathStat {
  return {
    path, exists: false, mode: 0, uid: -1, gid: -1, owner: '', group: '', size: 0, atime: 0, mtime: 0, ctime: 0,
    inode: 0, dev: 0, nlink: 0, blocks: 0, blockSize: 0, readable: false, writeable: false, executable: false,
  };
}

function applyStatLine(st: PathStat, line: string): void {
  const f = line.slice(2).split('|');
  const raw = parseInt(f[0]!, 16);
  st.type = TYPE_BITS[raw & 0o170000] ?? 'file';
  st.mode = raw & 0o7777;
  [st.uid, st.gid, st.size, st.atime, st.mtime, st.ctime, st.inode, st.dev, st.nlink, st.blocks, st.blockSize] = f
    .slice(1, 12)
    .map(Number) as [number, number, number, number, number, number, number, number, number, number, number];
  if (st.type === 'chr' || st.type === 'blk') st.deviceType = parseInt(f[12]!, 16) * 256 + parseInt(f[13]!, 16);
  st.owner = f[14] ?? '';
  st.group = f[15] ?? '';
}

function decodeLine(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8').replace(/\n$/, '');
}

/**
 * `id` output (`uid=0(root) gid=0(root) groups=...`; the numbers when there
 * is no name), or the older `user group` form.
 */
function parseIdentity(rest: string): [string, string] {
  const m = /uid=(\d+)(?:\(([^)]*)\))? gid=(\d+)(?:\(([^)]*)\))?/.exec(rest);
  if (m) return [m[2] ?? m[1]!, m[4] ?? m[3]!];
  const [user = '', group = ''] = rest.trim().split(' ');
  return [user, group];
}

/** A checksum asked together with content that came back: computed here (the probe ran no checksum process). */
function checksumsFromContent(stats: PathStat[], reqs: ReadonlyArray<string | ProbeRequest>): void {
  reqs.forEach((req, i) => {
    const st = stats[i]!;
    if (typeof req === 'string' || !req.checksum || st.checksum !== undefined || !st.content) return;
    st.checksum = createHash(req.checksum).update(st.content).digest('hex');
  });
}

/**
 * Parses the probe script's output for the requests in order (the requests
 * themselves, or only their paths when no checksum is to be computed from
 * content).
 */
export function parseProbeOutput(out: string, reqs: ReadonlyArray<string | ProbeRequest>): ProbeOutput {
  const stats = reqs.map((r) => missingStat(typeof r === 'string' ? r : r.path));
  let umask = 0o022;
  let user = '';
  let group = '';
  const extra: Record<string, string> = {};
  let cur: PathStat | undefined;
  for (const line of out.split('\n')) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'U ') umask = parseInt(rest.trim(), 8);
    else if (tag === 'I ') [user, group] = parseIdentity(rest);
    else if (tag === 'X ') {
      const sp = rest.indexOf(' ');
      extra[sp < 0 ? rest : rest.slice(0, sp)] = sp < 0 ? '' : rest.slice(sp + 1);
    }
    else if (tag === '@@') {
      cur = stats[Number(rest.trim())];
      if (cur) cur.exists = true;
    } else if (!cur) continue;
    else if (line === 'N') cur.exists = false;
    else if (tag === '= ') Object.assign(cur, { ...stats[Number(rest)], path: cur.path });
    else if (tag === 'S ') applyStatLine(cur, line);
    else if (tag === 'L ') cur.linkTarget = decodeLine(rest);
    else if (tag === 'R ') cur.linkResolved = decodeLine(rest);
    else if (line === 'A r') cur.readable = true;
    else if (line === 'A w') cur.writeable = true;
    else if (line === 'A x') cur.executable = true;
    else if (tag === 'C ') cur.checksum = rest.trim().split(' ')[0];
    else if (tag === 'B ') cur.content = Buffer.from(rest.trim(), 'base64');
  }
  checksumsFromContent(stats, reqs);
  return { stats, umask, user, group, extra, raw: out };
}

export interface ProbeOptions {
  /** an extra script printing 'X key value' lines; it runs in the session shell: it must change no shell state */
  extra?: string;
  /** also report the user and group the probe runs as (one `id`); default true */
  who?: WhoOption;
}

/** Runs the probe for these paths in one command; a path asked twice the same way is probed once. */
export async function probePaths(ctx: ModuleContext, reqs: ProbeRequest[], opts: ProbeOptions | string = {}): Promise<ProbeOutput> {
  const { extra = '', who = true } = typeof opts === 'string' ? { extra: opts } : opts;
  // not `expect`: it only spares a process, the checksum is the file's either way (and a 100 KB key per call cost 13 MB of peak RSS at 100 hosts)
  const key = (q: ProbeRequest) => JSON.stringify([q.path, !!q.follow, q.checksum, q.contentMax, !!q.existsOnly]);
  const unique: ProbeRequest[] = [];
  const slot = reqs.map((q) => {
    const at = unique.findIndex((u) => key(u) === key(q));
    return at >= 0 ? at : unique.push(q) - 1;
  });
  // engine text with every path quoted and no state left behind (see the note above statAndChecks)
  const r = await ctx.run(probeScript(unique, extra, who), { inline: 'group' });
  if (r.rc !== 0) throw new ModuleFailure(`cannot inspect ${reqs.map((q) => q.path).join(', ')}: ${r.stderr.trim()}`, { command: r });
  const out = parseProbeOutput(r.stdout, unique);
  return { ...out, stats: slot.map((i) => ({ ...out.stats[i]! })) };
}
