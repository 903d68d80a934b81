import { randomInt } from 'node:crypto';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';

export interface TempfileParams {
  state?: 'file' | 'directory';
  path?: string;
  prefix?: string;
  suffix?: string;
}

/** Python's tempfile names: 8 characters of this alphabet between prefix and suffix. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_';
const ATTEMPTS = 10;

export function randomName(prefix: string, suffix: string): string {
  let mid = '';
  for (let i = 0; i < 8; i++) mid += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}${mid}${suffix}`;
}

/** ~ and ~/x expand on the host, as Ansible's path type; the rest is data. */
function hostPath(path: string): string {
  if (path === '~') return '"$HOME"';
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/**
 * Creates the file (exclusively: noclobber, umask 077, so 0600) or the
 * directory (mkdir -m 700) and prints its stat, or `E errno`.
 * Without path: $TMPDIR, else /tmp (Python's gettempdir, roughly).
 */
export function tempfileScript(p: TempfileParams, name: string): string {
  const dir = p.path !== undefined && p.path !== '' ? hostPath(p.path) : '"${TMPDIR:-/tmp}"';
  const create = (p.state ?? 'file') === 'directory' ? 'mkdir -m 700 -- "$f"' : '( umask 077; set -C; : > "$f" )';
  return [
    `d=${dir}; f="$d"/${shellQuote(name)}; printf 'P %s\\n' "$f"`,
    `if [ ! -d "$d" ]; then echo 'E 2'; elif ${create} 2>/dev/null; then stat -c 'S %u|%g|%U|%G|%a|%s' -- "$f"; elif [ -e "$f" ]; then echo 'E 17'; else echo 'E 13'; fi`,
  ].join('\n');
}

export interface TempfileOutcome {
  path: string;
  /** errno when it failed: 2 no directory, 13 permission, 17 the name exists */
  errno?: number;
  data?: Record<string, unknown>;
}

/** Parses the script's output (pure; tested on recorded output). */
export function parseTempfileOutput(out: string, state: 'file' | 'directory'): TempfileOutcome {
  let path = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('P ')) path = line.slice(2);
    else if (line.startsWith('E ')) return { path, errno: Number(line.slice(2)) };
    else if (line.startsWith('S ')) {
      const [uid, gid, owner, group, mode, size] = line.slice(2).split('|');
      return { path, data: { path, uid: Number(uid), gid: Number(gid), owner, group, mode: mode!.padStart(4, '0'), size: Number(size), state } };
    }
  }
  return { path, errno: -1 };
}

const ERRNO_TEXT: Record<number, string> = { 2: 'No such file or directory', 13: 'Permission denied', 17: 'File exists' };

export const tempfile = defineModule<TempfileParams, undefined>({
  name: 'tempfile',
  aliases: ['ansible.builtin.tempfile'],
  doc: {
    short: 'Create a temporary file or directory',
    description:
      'Creates a file (mode 0600) or directory (0700) with a random name PREFIX + 8 characters + SUFFIX in path (default $TMPDIR, ' +
      'else /tmp), exclusively: an existing name is never reused. Always changed. As in Ansible, check mode cannot predict the ' +
      'name: the task is skipped there.',
    examples: `- tempfile: { state: directory, suffix: build }
  register: build_dir
- tempfile: { suffix: .sql, path: /var/tmp }
  register: dump
- file: { path: "{{ dump.path }}", state: absent }
  when: dump.path is defined`,
    returns: {
      path: 'path of the file or directory created',
      state: "'file' or 'directory'",
      mode: "'0600' or '0700'",
      'uid, gid, owner, group, size': 'as the file module reports them',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { description: 'Create a file or a directory.', enum: ['file', 'directory'], default: 'file' },
      path: { description: 'Directory to create it in (~ is the remote user\'s home); default the system temporary directory ($TMPDIR or /tmp).', type: 'string' },
      prefix: { description: 'Start of the name.', type: 'string', default: 'ansible.' },
      suffix: { description: 'End of the name.', type: 'string', default: '' },
    },
  },
  plan(p) {
    const what = (p.state ?? 'file') === 'directory' ? 'directory' : 'file';
    // a random name: nothing can be predicted, Ansible skips the module in check mode with this message
    return { changes: [`create a temporary ${what}`], unpredictable: 'remote module (tempfile) does not support check mode' };
  },
  async apply(ctx, p) {
    const state = p.state ?? 'file';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const r = await ctx.run(tempfileScript(p, randomName(p.prefix ?? 'ansible.', p.suffix ?? '')));
      const out = parseTempfileOutput(r.stdout, state);
      if (out.data) return { changed: true, data: out.data };
      if (out.errno === 17) continue;
      const text = ERRNO_TEXT[out.errno ?? -1];
      if (!text) throw new ModuleFailure(`cannot create a temporary ${state}: ${r.stderr.trim() || 'unexpected output'}`, { command: r });
      throw new ModuleFailure(`[Errno ${out.errno}] ${text}: '${out.path}'`, { command: r });
    }
    throw new ModuleFailure(`No usable temporary ${state} name found`);
  },
});
