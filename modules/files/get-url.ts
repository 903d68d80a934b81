import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import { makeBackup } from '../lib/content.js';
import { planAttrs, hasAttrChange, attrCommand } from '../lib/attrs.js';
import { defaultCreateMode, formatMode, targetMode, type ModeParam } from '../lib/mode.js';
import { CHECKSUM_ALGOS, probePaths, type ChecksumAlgo, type PathStat } from '../lib/probe.js';
import { attrProps, backupProp, bool } from '../lib/schema.js';

export interface GetUrlParams {
  url: string;
  dest: string;
  checksum?: string;
  force?: boolean;
  timeout?: number;
  validate_certs?: boolean;
  headers?: Record<string, string>;
  backup?: boolean;
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

export interface GetUrlFacts {
  target: string;
  current: PathStat;
  umask: number;
  tool: 'curl' | 'wget' | '';
}

interface GetUrlState {
  target: string;
  current: PathStat;
  tool: GetUrlFacts['tool'];
  mode: string;
  download: boolean;
}

export function parseChecksum(spec: string | undefined): { algo: ChecksumAlgo; hex: string } | undefined {
  if (!spec) return undefined;
  const m = /^(\w+):([0-9a-fA-F]+)$/.exec(spec.trim());
  if (!m || !CHECKSUM_ALGOS.includes(m[1] as ChecksumAlgo)) throw new ModuleFailure(`checksum must be ALGORITHM:HEX with one of ${CHECKSUM_ALGOS.join(', ')}: ${spec}`);
  return { algo: m[1] as ChecksumAlgo, hex: m[2]!.toLowerCase() };
}

/** The download command writing to `tmp` (file:// is a local copy on the host). */
export function downloadCommand(p: GetUrlParams, tool: GetUrlFacts['tool'], tmp: string): string {
  const timeout = String(p.timeout ?? 10);
  if (p.url.startsWith('file://')) return shellJoin(['cp', '--', decodeURIComponent(p.url.slice('file://'.length)), tmp]);
  const headers = Object.entries(p.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  if (tool === 'curl') {
    const argv = ['curl', '-fsSL', '--max-time', timeout, ...(p.validate_certs === false ? ['-k'] : []), ...headers.flatMap((h) => ['-H', h]), '-o', tmp, '--', p.url];
    return shellJoin(argv);
  }
  if (tool === 'wget') {
    const argv = ['wget', '-q', '-T', timeout, ...(p.validate_certs === false ? ['--no-check-certificate'] : []), ...headers.map((h) => `--header=${h}`), '-O', tmp, '--', p.url];
    return shellJoin(argv);
  }
  throw new ModuleFailure('neither curl nor wget is installed on the host');
}

export function planGetUrl(p: GetUrlParams, facts: GetUrlFacts) {
  const sum = parseChecksum(p.checksum);
  const cur = facts.current;
  if (cur.type === 'directory') throw new ModuleFailure(`${facts.target} is a directory`);
  const dflt = defaultCreateMode(facts.umask, false);
  const mode = formatMode(targetMode(p.mode, { current: cur.exists ? cur.mode : undefined, isDir: false, defaultMode: dflt }) ?? (cur.exists ? cur.mode : dflt));
  const upToDate = cur.exists && (sum ? cur.checksum === sum.hex : !bool(p.force, false));
  const state: GetUrlState = { target: facts.target, current: cur, tool: facts.tool, mode, download: !upToDate };
  const data: Record<string, unknown> = { dest: facts.target, url: p.url, mode };
  if (upToDate) {
    const attrs = planAttrs(p, cur);
    const changes = hasAttrChange(attrs) ? attrs.descriptions : [];
    return { changes, data: { ...data, msg: 'file already exists' }, state, reason: `${facts.target} already exists${sum ? ' with the checksum' : ''}` };
  }
  const what = cur.exists ? (sum ? 'checksum differs' : 'force') : 'missing';
  return { changes: [`download ${p.url} to ${facts.target} (${what})`], data, state };
}

async function download(ctx: ModuleContext, p: GetUrlParams, st: GetUrlState): Promise<{ tmp: string; sums: Record<string, string> }> {
  const tmp = posix.join(posix.dirname(st.target), `.${posix.basename(st.target)}.tsplay-dl-${randomBytes(4).toString('hex')}`);
  const algo = parseChecksum(p.checksum)?.algo ?? 'sha1';
  const q = shellQuote;
  const script = [
    `${downloadCommand(p, st.tool, tmp)} || { rc=$?; rm -f ${q(tmp)}; exit $rc; }`,
    `printf 'sum %s\\n' "$(${algo}sum < ${q(tmp)} | cut -d' ' -f1)"`,
    `printf 'new %s\\n' "$(sha1sum < ${q(tmp)} | cut -d' ' -f1)"`,
    `if [ -f ${q(st.target)} ]; then printf 'old %s\\n' "$(sha1sum < ${q(st.target)} | cut -d' ' -f1)"; fi`,
  ].join('\n');
  const r = await ctx.run(script, { timeoutMs: ((p.timeout ?? 10) + 5) * 1000 });
  if (r.rc !== 0) throw new ModuleFailure(`Request failed: ${p.url}: rc ${r.rc} ${r.stderr.trim()}`, { command: r });
  const sums = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  return { tmp, sums };
}

export const getUrl = defineModule<GetUrlParams, GetUrlFacts, GetUrlState>({
  name: 'get_url',
  aliases: ['ansible.builtin.get_url'],
  doc: {
    short: 'Download a file over HTTP(S) or file:// to the host',
    description:
      'Runs curl (or wget) on the host into a temporary file next to dest, checks the checksum, then renames it. An existing dest is ' +
      'left alone unless force is set or its checksum differs from `checksum`.',
    examples: `- get_url:
    url: https://github.com/etcd-io/etcd/releases/download/v3.5.12/etcd-v3.5.12-linux-amd64.tar.gz
    dest: /opt/etcd.tar.gz
    checksum: sha256:f2ff0cb43ce119f55a85012255609b61c64263baea83aa7c8e6846c0938adca5
    mode: "0644"`,
    returns: { dest: 'the file written', url: 'the URL', checksum_src: 'sha1 of the downloaded file', msg: 'status' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'dest'],
    properties: {
      url: { description: 'http://, https:// or file:// URL.', type: 'string' },
      dest: { description: 'Destination file; a directory receives the basename of the URL.', type: 'string' },
      checksum: { description: "'sha256:HEX' (any of md5, sha1, sha224, sha256, sha384, sha512): verified, and used for idempotence.", type: 'string' },
      force: { description: 'Download every time (the file is replaced only if it differs).', type: 'boolean', default: false },
      timeout: { description: 'Seconds before the download is cut.', type: 'integer', default: 10 },
      validate_certs: { description: 'Verify TLS certificates.', type: 'boolean', default: true },
      headers: { description: 'HTTP headers to send.', type: 'object', additionalProperties: { type: 'string' } },
      backup: backupProp,
      ...attrProps,
    },
  },
  async probe(ctx, p) {
    const name = posix.basename(p.url.replace(/[?#].*$/, '')) || 'index.html';
    const sum = parseChecksum(p.checksum);
    const extra = `printf 'X tool %s\\n' "$(if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; fi)"`;
    const reqs = [p.dest, posix.join(p.dest, name)].map((path) => ({ path, follow: true, checksum: sum?.algo }));
    const out = await probePaths(ctx, reqs, extra);
    const intoDir = out.stats[0]!.type === 'directory';
    return { target: intoDir ? reqs[1]!.path : p.dest, current: out.stats[intoDir ? 1 : 0]!, umask: out.umask, tool: (out.extra.tool ?? '') as GetUrlFacts['tool'] };
  },
  plan: (p, facts) => planGetUrl(p, facts),
  async apply(ctx, p, plan) {
    const st = plan.state!;
    if (!st.download) {
      await ctx.runOk(attrCommand(st.target, planAttrs(p, st.current)));
      return { changed: true, data: plan.data };
    }
    const { tmp, sums } = await download(ctx, p, st);
    const want = parseChecksum(p.checksum);
    if (want && sums.sum !== want.hex) {
      await ctx.run(['rm', '-f', '--', tmp]);
      throw new ModuleFailure(`The checksum for ${st.target} did not match ${want.hex}; it was ${sums.sum}.`);
    }
    const data = { ...plan.data, checksum_src: sums.new, checksum_dest: sums.old ?? null };
    if (sums.old === sums.new) {
      await ctx.run(['rm', '-f', '--', tmp]);
      const attrs = planAttrs(p, st.current);
      if (hasAttrChange(attrs)) await ctx.runOk(attrCommand(st.target, attrs));
      return { changed: hasAttrChange(attrs), data: { ...data, msg: 'file already up to date' } };
    }
    if (p.backup && st.current.exists) (data as Record<string, unknown>).backup_file = await makeBackup(ctx, st.target);
    // a replaced file keeps its owner unless told otherwise, as copy does
    const owner = p.owner || (st.current.exists ? st.current.owner : '');
    const group = p.group || (st.current.exists ? st.current.group : '');
    const who = owner || group ? `${owner}${group ? `:${group}` : ''}` : '';
    const finish = [shellJoin(['chmod', st.mode, '--', tmp]), who ? shellJoin(['chown', who, '--', tmp]) : '', shellJoin(['mv', '-f', '--', tmp, st.target])];
    await ctx.runOk(finish.filter(Boolean).join(' && '));
    return { changed: true, data: { ...data, msg: 'OK' } };
  },
});
