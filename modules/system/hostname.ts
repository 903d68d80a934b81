import { defineModule } from '../../engine/module-api.js';
import { factString, failCommand, nonEmptyLines, runScript, splitSections } from './common.js';

export interface HostnameParams {
  name: string;
  use?: 'systemd' | 'debian' | 'redhat' | 'generic';
}

export interface HostnameFacts {
  current: string;
  file: string;
  systemd: boolean;
}

export const HOSTNAME_PROBE = String.raw`
echo @@current; hostname
echo @@file; cat /etc/hostname 2>/dev/null
echo @@systemd; [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1 && echo yes
echo @@end
`;

export function parseHostnameProbe(out: string): HostnameFacts {
  const s = splitSections(out);
  return { current: nonEmptyLines(s.current)[0] ?? '', file: nonEmptyLines(s.file).find((l) => !l.startsWith('#')) ?? '', systemd: nonEmptyLines(s.systemd)[0] === 'yes' };
}

/** hostnamectl on systemd hosts, else /etc/hostname and the hostname command. */
export function hostnameStrategy(p: HostnameParams, f: HostnameFacts, serviceMgr?: string): 'systemd' | 'file' {
  if (p.use === 'systemd' || p.use === 'redhat') return 'systemd';
  if (p.use === 'debian' || p.use === 'generic') return 'file';
  return f.systemd || serviceMgr === 'systemd' ? 'systemd' : 'file';
}

export const hostname = defineModule<HostnameParams, HostnameFacts & { strategy: 'systemd' | 'file' }, 'systemd' | 'file'>({
  name: 'hostname',
  aliases: ['ansible.builtin.hostname'],
  doc: {
    short: 'Set the host name (running and in /etc/hostname)',
    description: 'Uses hostnamectl set-hostname on systemd hosts (use: systemd), else writes /etc/hostname and runs hostname NAME. Changed when the running name or /etc/hostname differ.',
    examples: ['- hostname:', '    name: "{{ inventory_hostname }}"'].join('\n'),
    returns: { name: 'the host name', before: 'the running name before' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$', description: 'The host name.' },
      use: { type: 'string', enum: ['systemd', 'debian', 'redhat', 'generic'], description: 'The strategy (default: systemd when the host runs it, else the file).' },
    },
  },
  async probe(ctx, p) {
    const res = await runScript(ctx, { script: HOSTNAME_PROBE, name: 'tsplay-hostname-probe' });
    const f = parseHostnameProbe(res.stdout);
    return { ...f, strategy: hostnameStrategy(p, f, factString(ctx.facts, 'service_mgr')) };
  },
  plan(p, f) {
    const data = { name: p.name, before: f.current };
    if (f.current === p.name && f.file === p.name) return { changes: [], reason: `host name is already ${p.name}`, data };
    return { changes: [`set host name ${f.current} -> ${p.name}${f.strategy === 'systemd' ? ' (hostnamectl)' : ''}`], data, state: f.strategy, diff: [{ path: '/etc/hostname', before: f.file ? `${f.file}\n` : '', after: `${p.name}\n` }] };
  },
  async apply(ctx, p, plan) {
    if (plan.state === 'systemd') {
      const res = await ctx.run(['hostnamectl', 'set-hostname', p.name]);
      if (res.rc !== 0) failCommand('hostnamectl set-hostname', res);
    } else {
      await ctx.put(`${p.name}\n`, '/etc/hostname', { mode: '0644' });
      const res = await ctx.run(['hostname', p.name]);
      if (res.rc !== 0) failCommand('hostname', res);
    }
    return { changed: true, data: plan.data };
  },
});
