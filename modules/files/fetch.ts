import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { posix } from 'node:path';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { probePaths, type PathStat } from '../lib/probe.js';
import { bool } from '../lib/schema.js';

export interface FetchParams {
  src: string;
  dest: string;
  flat?: boolean;
  fail_on_missing?: boolean;
  validate_checksum?: boolean;
}

export interface FetchFacts {
  remote: PathStat;
  /** controller path the file goes to */
  local: string;
  /** sha1 of the controller file, when it exists */
  localChecksum?: string;
}

/**
 * Ansible's layout: dest/HOST/src, or with flat dest itself (dest/ + basename(src)).
 * A relative dest is relative to the playbook directory, as Ansible's path_dwim.
 */
export function fetchDestination(p: FetchParams, host: string, baseDir = process.cwd()): string {
  const dest = isAbsolute(p.dest) ? p.dest : join(baseDir, p.dest) + (p.dest.endsWith('/') ? '/' : '');
  if (bool(p.flat, false)) return dest.endsWith('/') ? join(dest, posix.basename(p.src)) : dest;
  return normalize(join(dest, host, p.src.startsWith('/') ? p.src : `/${p.src}`));
}

function sha1File(path: string): string | undefined {
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

export function planFetch(p: FetchParams, facts: FetchFacts) {
  const data: Record<string, unknown> = { dest: facts.local, file: p.src };
  if (!facts.remote.exists) {
    if (bool(p.fail_on_missing, true)) throw new ModuleFailure(`the remote file does not exist: ${p.src}`);
    return { changes: [], data: { ...data, msg: 'the remote file does not exist, not transferring, ignored' } };
  }
  if (facts.remote.type === 'directory') throw new ModuleFailure(`remote file is a directory, fetch cannot work on directories: ${p.src}`);
  if (!facts.remote.checksum) throw new ModuleFailure(`unable to read the remote file: ${p.src}`);
  data.remote_checksum = facts.remote.checksum;
  data.checksum = facts.remote.checksum;
  if (facts.localChecksum === facts.remote.checksum) return { changes: [], data, reason: `${facts.local} is up to date` };
  return { changes: [`fetch ${p.src} to ${facts.local}`], data };
}

export const fetchModule = defineModule<FetchParams, FetchFacts>({
  name: 'fetch',
  aliases: ['ansible.builtin.fetch'],
  doc: {
    short: 'Copy a file from the host to the controller',
    description: 'The file lands in dest/HOSTNAME/SRC (or dest itself with flat); it is only transferred when its sha1 differs from the local copy.',
    examples: `- fetch: { src: /etc/patroni/patroni.yml, dest: backups/ }
- fetch: { src: /root/ca.crt, dest: files/ca.crt, flat: true }`,
    returns: { dest: 'controller path', checksum: 'sha1 of the file', remote_checksum: 'sha1 on the host', file: 'the remote path' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { description: 'File on the host (not a directory).', type: 'string' },
      dest: { description: 'Controller directory (or file with flat).', type: 'string' },
      flat: { description: 'Put the file at dest (dest/ + basename when dest ends with /) instead of dest/HOST/src.', type: 'boolean', default: false },
      fail_on_missing: { description: 'Fail when the remote file is missing.', type: 'boolean', default: true },
      validate_checksum: { description: 'Check the sha1 of the transferred file against the host.', type: 'boolean', default: true },
    },
  },
  async probe(ctx, p) {
    const { stats } = await probePaths(ctx, [{ path: p.src, follow: true, checksum: 'sha1' }]);
    const playbookDir = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : undefined;
    const local = fetchDestination(p, ctx.host, playbookDir);
    return { remote: stats[0]!, local, localChecksum: sha1File(local) };
  },
  plan: (p, facts) => planFetch(p, facts),
  async apply(ctx, p, plan) {
    const local = plan.data!.dest as string;
    const content = await ctx.get(p.src);
    const got = createHash('sha1').update(content).digest('hex');
    if (bool(p.validate_checksum, true) && got !== plan.data!.remote_checksum) {
      throw new ModuleFailure(`checksum mismatch: the file of ${p.src} changed during the transfer`);
    }
    mkdirSync(dirname(local), { recursive: true });
    const tmp = `${local}.tsplay-tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, local);
    return { changed: true, data: { ...plan.data, checksum: got } };
  },
});
