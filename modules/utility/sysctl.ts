import { dirname } from 'node:path';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { assignmentCount, editSysctlFile, fileValue, normalizeSysctlValue, procPath, sysctlEqual } from './sysctl-file.js';

export interface SysctlParams {
  name: string;
  value?: string | number | boolean;
  state?: 'present' | 'absent';
  reload?: boolean;
  sysctl_file?: string;
  sysctl_set?: boolean;
  ignoreerrors?: boolean;
}

export interface SysctlFacts {
  /** the live value, undefined when the key does not exist */
  live?: string;
  /** the file content, undefined when the file does not exist */
  file?: string;
}

interface SysctlState {
  newFile?: string;
  /** the file did not exist: make its directory first */
  mkdir: boolean;
  setLive: boolean;
  reload: boolean;
}

/** One round trip: the live value from /proc/sys and the file. Name and file are arguments, never script text. */
export const SYSCTL_PROBE = String.raw`
echo '@@live'; cat "$1" 2>/dev/null || echo '@@missing'
echo '@@file'; if [ -f "$2" ]; then cat "$2"; else echo '@@nofile'; fi
`;

export function parseSysctlProbe(out: string): SysctlFacts {
  const live = /@@live\n([\s\S]*?)\n@@file\n/.exec(out)?.[1];
  const file = out.slice(out.indexOf('@@file\n') + 7);
  return {
    live: live === undefined || live === '@@missing' ? undefined : live.trim(),
    file: file === '@@nofile\n' ? undefined : file,
  };
}

/** Sets the live value and/or reloads the file, with or without the sysctl binary. */
export const SYSCTL_APPLY = String.raw`
path=$1 value=$2 file=$3 set=$4 reload=$5 ign=$6
if [ "$set" = 1 ]; then printf '%s\n' "$value" > "$path" || exit 1; fi
if [ "$reload" = 1 ]; then
  if command -v sysctl >/dev/null 2>&1; then if [ "$ign" = 1 ]; then sysctl -e -p "$file" >/dev/null; else sysctl -p "$file" >/dev/null; fi
  elif [ -x /lib/systemd/systemd-sysctl ]; then /lib/systemd/systemd-sysctl "$file"
  else echo "cannot reload $file: neither sysctl nor systemd-sysctl is installed" >&2; exit 1; fi
fi
`;

export const sysctl = defineModule<SysctlParams, SysctlFacts, SysctlState>({
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl'],
  doc: {
    short: 'Manage a kernel parameter in a sysctl file and live',
    description:
      'Idempotent on the file (the key set once to value, or removed) and, with sysctl_set, on the live value in /proc/sys. ' +
      'When the file changes and reload is true, the file is applied (sysctl -p, or systemd-sysctl when procps is absent). ' +
      'Values compare word by word (tabs and spaces alike); yes/no become 1/0.',
    examples: ['- sysctl:', '    name: vm.swappiness', '    value: 1', '    sysctl_file: /etc/sysctl.d/90-postgres.conf', '    sysctl_set: true'].join('\n'),
    returns: { name: 'the key', value: 'the value set', live: 'the live value before' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_][^\\s=]*$', description: 'The key, dotted (vm.swappiness) or with slashes.' },
      value: { description: 'The value (required with state=present).', anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the key is set in the file.' },
      reload: { type: 'boolean', default: true, description: 'Apply the file when it changed.' },
      sysctl_file: { type: 'string', default: '/etc/sysctl.conf', description: 'The file to edit.' },
      sysctl_set: { type: 'boolean', default: false, description: 'Also make the live value match (checked every run).' },
      ignoreerrors: { type: 'boolean', default: false, description: 'Ignore unknown keys when reloading.' },
    },
  },
  async probe(ctx, p) {
    const res = await ctx.run(['sh', '-c', SYSCTL_PROBE, 'tsplay-sysctl', procPath(p.name), p.sysctl_file ?? '/etc/sysctl.conf']);
    return parseSysctlProbe(res.stdout);
  },
  plan(p, facts) {
    const file = p.sysctl_file ?? '/etc/sysctl.conf';
    const state = p.state ?? 'present';
    if (state === 'present' && p.value === undefined) throw new ModuleFailure('sysctl: value is required when state=present');
    const value = state === 'present' ? normalizeSysctlValue(p.value) : undefined;
    if (value !== undefined && /[\r\n]/.test(value)) throw new ModuleFailure(`sysctl: the value of ${p.name} must be one line`);
    const before = facts.file ?? '';
    const count = assignmentCount(before, p.name);
    const fileChanged = state === 'present' ? count !== 1 || !sysctlEqual(fileValue(before, p.name), value) : count > 0;
    const after = fileChanged ? editSysctlFile(before, p.name, value) : before;
    const setLive = state === 'present' && p.sysctl_set === true && !sysctlEqual(facts.live, value);
    const needsKey = p.sysctl_set === true || (fileChanged && p.reload !== false);
    if (state === 'present' && facts.live === undefined && !p.ignoreerrors && needsKey) {
      throw new ModuleFailure(`sysctl key ${p.name} does not exist on this host (no ${procPath(p.name)})`);
    }
    const changes: string[] = [];
    if (fileChanged) changes.push(state === 'present' ? `set ${p.name}=${value} in ${file}` : `remove ${p.name} from ${file}`);
    if (setLive) changes.push(`set live ${p.name} from ${facts.live ?? '(none)'} to ${value}`);
    const data = { name: p.name, value: value ?? null, live: facts.live ?? null };
    if (changes.length === 0) return { changes, reason: `${p.name} is already ${state === 'present' ? value : 'absent'}`, data };
    return {
      changes,
      data,
      diff: fileChanged ? [{ path: file, before, after }] : undefined,
      state: { newFile: fileChanged ? after : undefined, mkdir: facts.file === undefined, setLive, reload: fileChanged && p.reload !== false },
    };
  },
  async apply(ctx, p, plan) {
    const s = plan.state!;
    const file = p.sysctl_file ?? '/etc/sysctl.conf';
    if (s.newFile !== undefined) {
      if (s.mkdir) await ctx.runOk(['mkdir', '-p', dirname(file)]);
      await ctx.put(s.newFile, file, { mode: '0644' });
    }
    if (s.setLive || s.reload) {
      const value = normalizeSysctlValue(p.value);
      const res = await ctx.run(['sh', '-c', SYSCTL_APPLY, 'tsplay-sysctl', procPath(p.name), value, file, s.setLive ? '1' : '0', s.reload ? '1' : '0', p.ignoreerrors ? '1' : '0']);
      if (res.rc !== 0) throw new ModuleFailure(`setting ${p.name} failed: ${res.stderr.trim() || `rc ${res.rc}`}`, { command: res });
    }
    return { changed: true, data: plan.data, diff: plan.diff };
  },
});
