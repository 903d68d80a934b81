import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';
import {
  atLeastOrAtMost, FIND_PRINTF, findStatInfo, nameFilter, parseAge, parseFindOutput, parseSize, walkOrder,
  type FindOutput, type WalkedEntry,
} from './find-walk.js';

export interface FindParams {
  paths?: string | string[];
  path?: string | string[];
  name?: string | string[];
  patterns?: string | string[];
  pattern?: string | string[];
  excludes?: string | string[];
  exclude?: string | string[];
  contains?: string;
  read_whole_file?: boolean;
  file_type?: 'any' | 'directory' | 'file' | 'link';
  age?: string | number;
  age_stamp?: 'atime' | 'ctime' | 'mtime';
  size?: string | number;
  recurse?: boolean;
  hidden?: boolean;
  follow?: boolean;
  get_checksum?: boolean;
  use_regex?: boolean;
  depth?: number;
}

export interface FindFacts {
  files: Record<string, unknown>[];
  examined: number;
  skipped: Record<string, string>;
}

/** Ansible's list type: a string is split on commas. */
export function listParam(v: string | string[] | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : String(v).split(',')).map(String).map((s) => s.trim()).filter((s) => s !== '');
}

function pathsOf(p: FindParams): string[] {
  const paths = listParam(p.paths ?? p.path ?? p.name);
  if (paths.length === 0) throw new ModuleFailure('missing required arguments: paths');
  return paths;
}

/** `~` and `~/x` are expanded on the host (as os.path.expanduser); the rest stays data. */
function hostPath(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path.startsWith('-') ? `./${path}` : path);
}

/** The probe: one `find` per searched path, NUL-separated records (see parseFindOutput). */
export function findScript(p: FindParams, paths: string[]): string {
  const recurse = !!p.recurse;
  // entries one level below `depth` are examined by Ansible's walk too
  const maxDepth = !recurse ? 1 : p.depth ? p.depth + 1 : undefined;
  const opts = `${p.follow ? '-L' : '-H'} "$p" -mindepth 1${maxDepth ? ` -maxdepth ${maxDepth}` : ''}`;
  const lines = paths.map((path, i) => [
    `p=${hostPath(path)}`,
    `printf '@@${i}\\0B%s\\0' "$p"`,
    `if [ -d "$p" ]; then find ${opts} -printf '${FIND_PRINTF}' || printf 'E\\0'; else printf "E'%s' is not a directory\\0" "$p"; fi`,
  ].join('\n'));
  if (p.age !== undefined) lines.unshift(`printf 'T%s\\0' "$(date +%s)"`);
  return lines.join('\n');
}

/** find's message for a path ("find: 'x': Permission denied") as Python's os error text. */
function walkError(stderr: string, base: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith(`find: '${base}`)) ?? stderr.trim().split('\n')[0] ?? 'find failed';
  const m = /^find: '(.*)': (.*)$/.exec(line);
  if (!m) return line;
  const errno: Record<string, number> = { 'Permission denied': 13, 'No such file or directory': 2 };
  return errno[m[2]!] ? `[Errno ${errno[m[2]!]}] ${m[2]}: '${m[1]}'` : line;
}

interface Selection {
  matched: WalkedEntry[];
  examined: number;
  skipped: Record<string, string>;
}

/** The entries Ansible's find would keep, before `contains` (pure). */
export function selectEntries(p: FindParams, out: FindOutput, stderr = ''): Selection {
  const type = p.file_type ?? 'file';
  const named = nameFilter(listParam(p.patterns ?? p.pattern), listParam(p.excludes ?? p.exclude), !!p.use_regex);
  const age = p.age === undefined ? undefined : parseAge(String(p.age));
  const size = p.size === undefined ? undefined : parseSize(String(p.size));
  const now = out.now ?? Date.now() / 1000;
  const stamp = p.age_stamp ?? 'mtime';
  const sel: Selection = { matched: [], examined: 0, skipped: {} };
  for (const sp of out.paths) {
    if (sp.error !== undefined) sp.error = sp.error || walkError(stderr, sp.base);
    if (sp.error !== undefined) sel.skipped[sp.given] = sp.error;
    // a directory is walked unless it is a link not followed
    const walk = walkOrder(sp, (e) => !!p.recurse && (e.type === 'd' || !!p.follow));
    sel.examined += walk.examined;
    for (const w of walk.entries) {
      const e = w.entry;
      if (p.depth && w.depth > p.depth) continue;
      if (w.name.startsWith('.') && !p.hidden) continue;
      if (!named(w.name) || !atLeastOrAtMost(age, now - e[stamp])) continue;
      const regular = e.type === 'f';
      if (type === 'any' && regular && !atLeastOrAtMost(size, e.size)) continue;
      if (type === 'file' && !(regular && atLeastOrAtMost(size, e.size))) continue;
      if ((type === 'directory' && e.type !== 'd') || (type === 'link' && e.type !== 'l')) continue;
      sel.matched.push(w);
    }
  }
  return sel;
}

/** Runs a tool over the files (xargs, NUL-separated) and returns its NUL-separated output. */
async function overFiles(ctx: ModuleContext, files: string[], tool: string): Promise<string[]> {
  if (files.length === 0) return [];
  const list = files.map((f) => shellQuote(f)).join(' ');
  const r = await ctx.run(`printf '%s\\0' ${list} | xargs -0r ${tool}`);
  if (r.stderr.trim() !== '') throw new ModuleFailure(`find: ${r.stderr.trim().split('\n')[0]}`, { command: r });
  return r.stdout.split('\0').filter((s) => s !== '');
}

/** Files whose content matches `contains` (Python re.match per line, or re.search over the whole file). */
async function containing(ctx: ModuleContext, p: FindParams, files: string[]): Promise<Set<string>> {
  const pattern = p.read_whole_file ? p.contains! : `^(?:${p.contains})`;
  // grep -s: unreadable files do not match (Ansible's open() failing); only a bad pattern prints
  return new Set(await overFiles(ctx, files, `grep -lZsP${p.read_whole_file ? 'z' : ''} -e ${shellQuote(pattern)} --`));
}

async function checksums(ctx: ModuleContext, files: string[]): Promise<Map<string, string>> {
  const lines = await overFiles(ctx, files, 'sha1sum -z --');
  return new Map(lines.map((l) => [l.slice(42), l.slice(0, 40)]));
}

export const find = defineModule<FindParams, FindFacts>({
  name: 'find',
  aliases: ['ansible.builtin.find'],
  doc: {
    short: 'Return a list of files based on specific criteria',
    description:
      "Ansible 2.14's find: walks each path on the host with one `find` process and filters by name (shell glob, or Python regex " +
      'with use_regex, matched from the start of the base name), excludes, age, size, type and content. Returns the files in ' +
      "os.walk's order with Ansible's stat keys. `contains` runs `grep -P` (Perl-compatible, close to Python re) over the " +
      'candidates; get_checksum one sha1sum. With follow, the stat fields of a link are its target\'s (find -L). Runs in check mode.',
    examples: `- find:
    paths: /var/log
    patterns: '*.log,*.gz'
    age: 2w
    recurse: true
  register: old_logs
- find: { paths: /etc/patroni, contains: '^scope:', file_type: file }
- find: { paths: [/tmp], patterns: ['^tsplay-.*$'], use_regex: true, file_type: directory, hidden: true }`,
    returns: {
      files: 'list of dicts: path, mode, isdir, isreg, islnk, uid, gid, pw_name, gr_name, size, mtime, atime, ctime, ... (checksum with get_checksum)',
      matched: 'number of files found',
      examined: 'number of filesystem objects looked at',
      msg: "'All paths examined' or 'Not all paths examined, check warnings for details'",
      skipped_paths: 'path -> why it was skipped (not a directory, permission denied)',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['paths'] }, { required: ['path'] }, { required: ['name'] }],
    properties: {
      paths: { description: 'Directories to search (a list, or a comma-separated string); ~ is expanded on the host, $VARS are not (Ansible expands them): pass the value.', type: ['string', 'array'], items: { type: 'string' } },
      path: { description: 'Alias of paths.', type: ['string', 'array'], items: { type: 'string' } },
      name: { description: 'Alias of paths.', type: ['string', 'array'], items: { type: 'string' } },
      patterns: { description: 'Base-name patterns, any of which must match: shell globs, or Python regexes with use_regex.', type: ['string', 'array'], items: { type: 'string' } },
      pattern: { description: 'Alias of patterns.', type: ['string', 'array'], items: { type: 'string' } },
      excludes: { description: 'Base-name patterns that exclude a match (same syntax as patterns).', type: ['string', 'array'], items: { type: 'string' } },
      exclude: { description: 'Alias of excludes.', type: ['string', 'array'], items: { type: 'string' } },
      contains: { description: 'A regular expression a line of the file must match from its start (file_type file only).', type: 'string' },
      read_whole_file: { description: 'Search contains anywhere in the whole file instead of line by line.', type: 'boolean', default: false },
      file_type: { description: 'Type of entries to return.', enum: ['any', 'directory', 'file', 'link'], default: 'file' },
      age: { description: "Entries at least this old ('2d', '3h', '1w', seconds by default), or at most with a minus sign.", type: ['string', 'integer'] },
      age_stamp: { description: 'Timestamp age compares.', enum: ['atime', 'ctime', 'mtime'], default: 'mtime' },
      size: { description: "Regular files at least this big ('10m', '1k', '1g', bytes by default), or at most with a minus sign.", type: ['string', 'integer'] },
      recurse: { description: 'Descend into subdirectories.', type: 'boolean', default: false },
      hidden: { description: 'Include entries whose name starts with a dot.', type: 'boolean', default: false },
      follow: { description: 'Follow symbolic links to directories while walking.', type: 'boolean', default: false },
      get_checksum: { description: 'Return the sha1 checksum of each regular file found.', type: 'boolean', default: false },
      use_regex: { description: 'patterns and excludes are Python regular expressions instead of globs.', type: 'boolean', default: false },
      depth: { description: 'With recurse, the deepest level returned (1: the directory\'s own entries).', type: 'integer', minimum: 0 },
    },
  },
  async probe(ctx, p) {
    const paths = pathsOf(p);
    const r = await ctx.run(findScript(p, paths));
    let sel: Selection;
    try {
      sel = selectEntries(p, parseFindOutput(r.stdout, paths), r.stderr);
    } catch (e) {
      throw new ModuleFailure((e as Error).message, { command: r });
    }
    let matched = sel.matched;
    if (p.contains !== undefined && (p.file_type ?? 'file') === 'file') {
      const hits = await containing(ctx, p, matched.map((w) => w.path));
      matched = matched.filter((w) => hits.has(w.path));
    }
    const sums = p.get_checksum ? await checksums(ctx, matched.filter((w) => w.entry.type === 'f').map((w) => w.path)) : new Map<string, string>();
    for (const [path, why] of Object.entries(sel.skipped)) ctx.warn(`Skipped '${path}' path due to this access issue: ${why}`);
    const files = matched.map((w) => {
      const info = findStatInfo(w.entry, w.path);
      const sum = sums.get(w.path);
      return sum ? { ...info, checksum: sum } : info;
    });
    return { files, examined: sel.examined, skipped: sel.skipped };
  },
  plan(_p, facts) {
    const msg = Object.keys(facts.skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined';
    return {
      changes: [],
      reason: `${facts.files.length} found`,
      data: { files: facts.files, matched: facts.files.length, examined: facts.examined, msg, skipped_paths: facts.skipped },
    };
  },
});
