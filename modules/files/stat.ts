import { defineModule } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';
import { formatMode } from '../lib/mode.js';
import { CHECKSUM_ALGOS, probePaths, type ChecksumAlgo, type PathStat } from '../lib/probe.js';
import { aliased, pathProps, requireOneOf } from '../lib/schema.js';

export interface StatParams {
  path?: string;
  dest?: string;
  name?: string;
  follow?: boolean;
  get_checksum?: boolean;
  checksum_algorithm?: ChecksumAlgo;
  checksum?: ChecksumAlgo;
  checksum_algo?: ChecksumAlgo;
  get_mime?: boolean;
  get_md5?: boolean;
  get_attributes?: boolean;
}

export interface StatFacts {
  stat: PathStat;
  mime?: { type: string; charset: string };
}

const bit = (mode: number, mask: number): boolean => (mode & mask) !== 0;

/** The `stat` dict with Ansible's keys. */
export function statDict(st: PathStat, opts: { mime?: StatFacts['mime'] } = {}): Record<string, unknown> {
  if (!st.exists) return { exists: false };
  const m = st.mode;
  const out: Record<string, unknown> = {
    exists: true, path: st.path, mode: formatMode(m),
    isdir: st.type === 'directory', ischr: st.type === 'chr', isblk: st.type === 'blk', isreg: st.type === 'file',
    isfifo: st.type === 'fifo', islnk: st.type === 'link', issock: st.type === 'socket',
    uid: st.uid, gid: st.gid, size: st.size, inode: st.inode, dev: st.dev, nlink: st.nlink,
    atime: st.atime, mtime: st.mtime, ctime: st.ctime,
    wusr: bit(m, 0o200), rusr: bit(m, 0o400), xusr: bit(m, 0o100),
    wgrp: bit(m, 0o020), rgrp: bit(m, 0o040), xgrp: bit(m, 0o010),
    woth: bit(m, 0o002), roth: bit(m, 0o004), xoth: bit(m, 0o001),
    isuid: bit(m, 0o4000), isgid: bit(m, 0o2000),
    blocks: st.blocks, block_size: st.blockSize, device_type: st.deviceType ?? 0,
    readable: st.readable, writeable: st.writeable, executable: st.executable,
    pw_name: st.owner, gr_name: st.group,
  };
  if (st.checksum) out.checksum = st.checksum;
  if (st.type === 'link') {
    out.lnk_source = st.linkResolved;
    out.lnk_target = st.linkTarget;
  }
  if (opts.mime) {
    out.mimetype = opts.mime.type;
    out.charset = opts.mime.charset;
  }
  return out;
}

function algorithm(p: StatParams): ChecksumAlgo {
  return p.checksum_algorithm ?? p.checksum ?? p.checksum_algo ?? 'sha1';
}

const algoProp = (d: string) => ({ description: d, enum: CHECKSUM_ALGOS });

export const stat = defineModule<StatParams, StatFacts>({
  name: 'stat',
  aliases: ['ansible.builtin.stat'],
  doc: {
    short: 'Retrieve file or file system status',
    description: "Returns Ansible's `stat` dict (exists, mode as '0644', isdir, isreg, islnk, uid, pw_name, size, mtime, checksum, lnk_source ...) in one command.",
    examples: `- stat: { path: /etc/patroni/patroni.yml }
  register: st
- debug: { msg: "{{ st.stat.mode }}" }
  when: st.stat.exists`,
    returns: { stat: 'dict of the file status; only {exists: false} when missing' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    ...requireOneOf(['path', 'dest', 'name']),
    properties: {
      ...pathProps('path', ['dest', 'name'], 'The path to inspect.'),
      follow: { description: 'Follow symlinks.', type: 'boolean', default: false },
      get_checksum: { description: 'Return the checksum of a regular file.', type: 'boolean', default: true },
      checksum_algorithm: algoProp('Checksum algorithm.'),
      checksum: algoProp('Alias of checksum_algorithm.'),
      checksum_algo: algoProp('Alias of checksum_algorithm.'),
      get_mime: { description: 'Return mimetype and charset (runs file(1)).', type: 'boolean', default: false },
      get_md5: { description: 'Ignored (removed in Ansible); use checksum_algorithm: md5.', type: 'boolean' },
      get_attributes: { description: 'Ignored: attributes are not returned.', type: 'boolean' },
    },
  },
  async probe(ctx, p) {
    const path = aliased(p, ['path', 'dest', 'name']);
    const mime = p.get_mime
      ? `[ -e ${shellQuote(path)} ] && printf 'X mime %s\\n' "$(file -b --mime -- ${shellQuote(path)} 2>/dev/null)"`
      : '';
    const out = await probePaths(ctx, [{ path, follow: !!p.follow, checksum: p.get_checksum === false ? undefined : algorithm(p) }], { extra: mime, who: false });
    const facts: StatFacts = { stat: out.stats[0]! };
    if (out.extra.mime !== undefined) {
      const [type = '', cs = ''] = out.extra.mime.split(';');
      facts.mime = { type: type.trim(), charset: cs.replace(/^\s*charset=/, '').trim() };
    }
    return facts;
  },
  plan: (_p, facts) => ({ changes: [], data: { stat: statDict(facts.stat, { mime: facts.mime }) }, reason: facts.stat.exists ? 'exists' : 'does not exist' }),
});
