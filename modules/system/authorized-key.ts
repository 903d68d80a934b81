import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';
import { editKeys, type KeyEditParams } from './authorized-key-edit.js';

export interface AuthorizedKeyParams extends KeyEditParams {
  user: string;
  path?: string;
  manage_dir?: boolean;
  follow?: boolean;
  validate_certs?: boolean;
}

export interface AuthorizedKeyFacts {
  /** the passwd entry, when the user exists */
  account?: { uid: number; gid: number; home: string };
  /** the key file as the module names it (keyfile), and where it writes (realpath with follow) */
  keyfile: string;
  target: string;
  sshDir: string;
  content: string;
  /** the key text, fetched on the host when key is a URL */
  key: string;
  /** with path: Ansible's add_path_info of it (uid, gid, owner, group, mode, size, state) */
  pathInfo?: Record<string, unknown>;
}

/** Prints the S/T lines parsePathInfo reads for the path in "$p" (Ansible's add_path_info: lstat). */
const PATH_INFO = `if [ -e "$p" ]; then stat -c 'S %u|%g|%U|%G|%a|%s|%h' -- "$p"; if [ -L "$p" ]; then echo 'T link'; elif [ -d "$p" ]; then echo 'T directory'; fi; fi`;

/** add_path_info's keys from the S/T lines; a missing path is state absent. */
export function parsePathInfo(out: string): Record<string, unknown> {
  const s = out.split('\n').find((l) => l.startsWith('S '));
  if (!s) return { state: 'absent' };
  const [uid = '', gid = '', owner = '', group = '', mode = '', size = '', nlink = ''] = s.slice(2).split('|');
  const t = out.split('\n').find((l) => l.startsWith('T '))?.slice(2);
  return {
    uid: Number(uid), gid: Number(gid), owner: owner === 'UNKNOWN' ? uid : owner, group: group === 'UNKNOWN' ? gid : group,
    mode: `0${mode.padStart(3, '0')}`, state: t ?? (Number(nlink) > 1 ? 'hard' : 'file'), size: Number(size),
  };
}

const b64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** ~ and ~/x expand on the host (type: path); anything else is data. */
function pathExpr(path: string): string {
  if (path === '~') return '"$HOME"';
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/** One probe: the user's passwd entry, the key file's path (default ~user/.ssh/authorized_keys), its realpath and content. */
export function authorizedKeyScript(p: AuthorizedKeyParams): string {
  const path = p.path !== undefined && p.path !== '' ? pathExpr(p.path) : '';
  return [
    `e=$(getent passwd -- ${shellQuote(p.user)}) && printf 'U %s\\n' "$e"`,
    path ? `p=${path}` : `h=\${e#*:*:*:*:*:}; h=\${h%%:*}; p=; [ -n "$e" ] && p="$h/.ssh/authorized_keys"`,
    `if [ -n "$p" ]; then`,
    `  printf 'P '; printf '%s' "$p" | base64 -w0; echo`,
    `  printf 'R '; readlink -m -- "$p" | tr -d '\\n' | base64 -w0; echo`,
    `  if [ -f "$p" ]; then printf 'B '; base64 -w0 < "$p"; echo; fi`,
    ...(path ? [`  ${PATH_INFO}`] : []),
    `fi`,
    `unset e h p`,
  ].join('\n');
}

/** Parses the probe's output (pure; tested on recorded output). */
export function parseAuthorizedKeyProbe(out: string, p: AuthorizedKeyParams, key: string): AuthorizedKeyFacts {
  const facts: AuthorizedKeyFacts = { keyfile: '', target: '', sshDir: '', content: '', key };
  for (const line of out.split('\n')) {
    const rest = line.slice(2);
    if (line.startsWith('U ')) {
      const f = rest.split(':');
      facts.account = { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
    } else if (line.startsWith('P ')) facts.keyfile = b64(rest);
    else if (line.startsWith('R ')) facts.target = b64(rest);
    else if (line.startsWith('B ')) facts.content = b64(rest.trim());
  }
  if (!p.follow) facts.target = facts.keyfile;
  if (p.path) facts.pathInfo = parsePathInfo(out);
  const slash = facts.keyfile.lastIndexOf('/');
  facts.sshDir = slash > 0 ? facts.keyfile.slice(0, slash) : slash === 0 ? '/' : '';
  return facts;
}

/** A key given as a URL is fetched on the host, as Ansible's module does (curl; -k without validate_certs). */
async function fetchKey(ctx: ModuleContext, p: AuthorizedKeyParams): Promise<string> {
  if (!p.key.startsWith('http')) return p.key;
  const r = await ctx.run(['curl', '-fsSL', ...(p.validate_certs === false ? ['-k'] : []), '--', p.key]);
  if (r.rc !== 0) throw new ModuleFailure(`Error getting key from: ${p.key}`, { command: r });
  return r.stdout;
}

export interface AuthorizedKeyState {
  content: string;
  facts: AuthorizedKeyFacts;
}

/** The registered result: Ansible returns its parameters, keyfile and changed. */
function resultData(p: AuthorizedKeyParams, keyfile: string, pathInfo?: Record<string, unknown>): Record<string, unknown> {
  // with path, Ansible's exit_json adds the path's stat and its state ('file') replaces the parameter
  return {
    user: p.user, key: p.key, path: p.path ?? null, manage_dir: p.manage_dir ?? true, state: p.state ?? 'present',
    key_options: p.key_options ?? null, exclusive: p.exclusive ?? false, comment: p.comment ?? null,
    validate_certs: p.validate_certs ?? true, follow: p.follow ?? false, keyfile, ...pathInfo,
  };
}

/** Creates the .ssh directory (manage_dir) and the file, owned by the user, 0700 and 0600, as Ansible's keyfile(write=True). */
function prepareScript(p: AuthorizedKeyParams, f: AuthorizedKeyFacts): string {
  const owner = `${f.account!.uid}:${f.account!.gid}`;
  const dir = shellQuote(f.sshDir);
  const file = shellQuote(f.target);
  const steps = [];
  if (p.manage_dir !== false) steps.push(`{ [ -e ${dir} ] || mkdir -m 700 -- ${dir}; } && chown ${owner} -- ${dir} && chmod 700 -- ${dir}`);
  steps.push(`{ [ -e ${file} ] || { mkdir -p -- "$(dirname -- ${file})" && : > ${file}; }; }`);
  // as Ansible: a file whose owner cannot be changed is written anyway
  return `${steps.join(' && ')} && { chown ${owner} -- ${file} && chmod 600 -- ${file} || :; }`;
}

export const authorizedKey = defineModule<AuthorizedKeyParams, AuthorizedKeyFacts, AuthorizedKeyState>({
  name: 'authorized_key',
  aliases: ['ansible.posix.authorized_key'],
  doc: {
    short: 'Adds or removes an SSH authorized key',
    description:
      "ansible.posix.authorized_key: adds or removes keys in the user's ~/.ssh/authorized_keys (or path), creating ~/.ssh (0700) " +
      'and the file (0600) owned by the user. A key already there with other options or another comment is replaced (and moves ' +
      'to the end, as in Ansible); exclusive removes every other line. The file is rewritten as Ansible writes it. One probe ' +
      'command; check mode and --diff show the exact new content.',
    examples: `- authorized_key:
    user: postgres
    key: "{{ lookup('file', 'files/replication.pub') }}"
- authorized_key: { user: deploy, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC deploy@ci", key_options: 'no-port-forwarding,from="10.0.0.0/8"' }
- authorized_key: { user: root, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC old@laptop", state: absent }`,
    returns: {
      keyfile: 'path of the authorized_keys file',
      'user, key, path, state, exclusive, key_options, comment, manage_dir, follow, validate_certs': 'the parameters, as Ansible returns them',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'key'],
    properties: {
      user: { description: 'The user whose authorized_keys file is edited (must exist, except in check mode with path).', type: 'string' },
      key: { description: 'One or more public keys, one per line, or an http(s) URL to fetch them from (fetched on the host).', type: 'string' },
      path: { description: 'The file to edit instead of ~user/.ssh/authorized_keys.', type: 'string' },
      manage_dir: { description: "Create the file's directory if missing and make it 0700, owned by the user.", type: 'boolean', default: true },
      state: { description: 'Whether the keys should be there.', enum: ['present', 'absent'], default: 'present' },
      key_options: { description: "Options for the keys, comma-separated (e.g. 'no-pty,from=\"10.0.0.1\"'); replaces the key's own.", type: 'string' },
      exclusive: { description: 'Remove every other line of the file (one task must then list all keys).', type: 'boolean', default: false },
      comment: { description: "Replace the keys' comment.", type: 'string' },
      validate_certs: { description: 'Verify the TLS certificate when key is an https URL.', type: 'boolean', default: true },
      follow: { description: 'Write through a symlinked key file instead of replacing the link.', type: 'boolean', default: false },
    },
  },
  async probe(ctx, p) {
    const key = await fetchKey(ctx, p);
    const r = await ctx.run(authorizedKeyScript(p));
    return parseAuthorizedKeyProbe(r.stdout, p, key);
  },
  plan(p, facts, pc) {
    if (!facts.account && !(pc.check && p.path)) {
      if (pc.check) throw new ModuleFailure('Either user must exist or you must provide full path to key file in check mode');
      throw new ModuleFailure(`Failed to lookup user ${p.user}: "getpwnam(): name not found: '${p.user}'"`);
    }
    const after = editKeys(facts.content, { ...p, key: facts.key });
    const data = resultData(p, facts.keyfile, facts.pathInfo);
    if (after === undefined) return { changes: [], reason: 'keys as wanted', data };
    const what = (p.state ?? 'present') === 'absent' ? 'remove keys from' : 'update';
    return {
      changes: [`${what} ${facts.keyfile}`],
      diff: [{ path: facts.keyfile, before: facts.content, after }],
      data,
      state: { content: after, facts },
    };
  },
  async apply(ctx, p, plan) {
    const { content, facts } = plan.state!;
    await ctx.runOk(prepareScript(p, facts));
    const owner = { mode: '0600', owner: String(facts.account!.uid), group: String(facts.account!.gid) };
    await ctx.put(content, facts.target, owner);
    if (!p.path) return { changed: true, data: plan.data, diff: plan.diff };
    const after = await ctx.run(`p=${pathExpr(p.path)}; ${PATH_INFO}; unset p`);
    return { changed: true, data: { ...plan.data, ...parsePathInfo(after.stdout) }, diff: plan.diff };
  },
});
