import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { shellQuote } from '../../engine/connection/types.js';
import { probePaths, type ProbeRequest } from '../lib/probe.js';
import { aliased, attrProps, pathProps, requireOneOf } from '../lib/schema.js';
import { ancestorsOf, parseRecurseEntries, planFile, type FileApplyState, type FileFacts, type FileParams } from './file-plan.js';

const PATH_NAMES = ['path', 'dest', 'name'];

type RawFileParams = Omit<FileParams, 'path'> & { path?: string; dest?: string; name?: string };

function normalize(p: RawFileParams): FileParams {
  return { ...p, path: aliased(p, PATH_NAMES).replace(/(.)\/+$/, '$1') };
}

/** Ansible's default time format '%Y%m%d%H%M.%S' as something `date -d` reads. */
export function stampForDate(stamp: string, format = '%Y%m%d%H%M.%S'): string {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)\.(\d\d)$/.exec(stamp);
  if (format !== '%Y%m%d%H%M.%S' || !m) throw new ModuleFailure(`unsupported time '${stamp}' (format ${format}); use %Y%m%d%H%M.%S, 'now' or 'preserve'`);
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

function extraScript(p: FileParams): string {
  const lines: string[] = [];
  if (p.recurse && (p.owner || p.group || p.mode !== undefined)) {
    lines.push(`find ${shellQuote(p.path)} -mindepth 1 -printf 'X r %u %g %U %G %m %y\\n' 2>/dev/null | sort -u`);
  }
  for (const [key, v] of [['mtime', p.modification_time], ['atime', p.access_time]] as const) {
    if (v && v !== 'now' && v !== 'preserve') {
      const fmt = key === 'mtime' ? p.modification_time_format : p.access_time_format;
      lines.push(`printf 'X ${key} %s\\n' "$(date -d ${shellQuote(stampForDate(v, fmt))} +%s)"`);
    }
  }
  return lines.join('\n');
}

/** The 'X r ...' lines of the probe output, without their tag. */
function recurseLines(raw: string): string {
  return raw
    .split('\n')
    .filter((l) => l.startsWith('X r '))
    .map((l) => l.slice(4))
    .join('\n');
}

async function probeFile(ctx: ModuleContext, raw: RawFileParams): Promise<FileFacts> {
  const p = normalize(raw);
  const follow = p.follow ?? true;
  const ancestors = ancestorsOf(p.path);
  const reqs: ProbeRequest[] = [{ path: p.path }, { path: p.path, follow }, ...ancestors.map((a) => ({ path: a, follow: true, existsOnly: true }))];
  const src = p.src !== undefined ? posix.resolve(posix.dirname(p.path), p.src) : undefined;
  if (src) reqs.push({ path: src, follow: true });
  // the planner reads only whether ancestors exist, and never the probe's user
  const out = await probePaths(ctx, reqs, { extra: extraScript(p), who: false });
  const facts: FileFacts = { stat: out.stats[0]!, target: out.stats[1]!, ancestors: out.stats.slice(2, 2 + ancestors.length), umask: out.umask };
  if (src) facts.src = out.stats[2 + ancestors.length];
  if (p.recurse) facts.recurseEntries = parseRecurseEntries(recurseLines(out.raw));
  if (out.extra.mtime) facts.mtimeEpoch = Number(out.extra.mtime);
  if (out.extra.atime) facts.atimeEpoch = Number(out.extra.atime);
  return facts;
}

export const file = defineModule<RawFileParams, FileFacts, FileApplyState>({
  name: 'file',
  aliases: ['ansible.builtin.file'],
  doc: {
    short: 'Manage files, directories, links and their owner, group and mode',
    description:
      "As Ansible's file: state directory creates missing parents (each with mode/owner/group), link/hard create links (force replaces " +
      'files), touch creates or updates times, absent removes recursively. Without state, the current type is kept.',
    examples: `- file: { path: /etc/patroni, state: directory, owner: postgres, mode: "0750" }
- file: { src: /etc/haproxy/haproxy.cfg, dest: /root/haproxy.cfg, state: link }
- file: { path: /var/lib/app, state: directory, recurse: true, owner: app }
- file: { path: /tmp/stale, state: absent }`,
    returns: { path: 'the path', state: 'the state after the task', mode: 'final mode', owner: 'owner', group: 'group', src: 'link source' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    ...requireOneOf(PATH_NAMES),
    properties: {
      ...pathProps('path', ['dest', 'name'], 'Path of the file to manage.'),
      state: { description: 'What path should be; default: what it is now, or file.', enum: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
      ...attrProps,
      recurse: { description: 'With state directory: set owner/group/mode on everything below too.', type: 'boolean', default: false },
      src: { description: 'Link target (state link/hard); relative to the directory of path.', type: 'string' },
      force: { description: 'Replace a file or an empty directory by a link, or link to a missing src.', type: 'boolean', default: false },
      follow: { description: 'Act on the target of a symlink rather than the link.', type: 'boolean', default: true },
      modification_time: { description: "'now', 'preserve' or a time like 202401311530.00 (touch: default now).", type: 'string' },
      modification_time_format: { description: 'Format of modification_time (only %Y%m%d%H%M.%S).', type: 'string', default: '%Y%m%d%H%M.%S' },
      access_time: { description: "'now', 'preserve' or a time like 202401311530.00 (touch: default now).", type: 'string' },
      access_time_format: { description: 'Format of access_time (only %Y%m%d%H%M.%S).', type: 'string', default: '%Y%m%d%H%M.%S' },
    },
  },
  probe: probeFile,
  plan: (p, facts) => planFile(normalize(p), facts),
  async apply(ctx, raw, plan) {
    const p = normalize(raw);
    const state = plan.state!;
    if (state.create) await ctx.put(Buffer.alloc(0), p.path, state.create);
    if (state.commands.length) await ctx.runOk(state.commands.join(' && '));
    return { changed: true, data: plan.data, diff: plan.diff };
  },
});
