/** service: systemd units on systemd hosts (the systemd module), `service NAME verb` elsewhere. */
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../../engine/module-api.js';
import { factString, failCommand, nonEmptyLines, runScript, splitSections } from './common.js';
import { parseSystemdProbe, SHOW_PROPS, SYSTEMD_PROBE, type UnitProps } from './systemd-probe.js';
import { systemdApply, systemdPlan, type UnitAction } from './systemd.js';

export interface ServiceParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  use?: 'auto' | 'systemd' | 'sysvinit' | 'service';
}

interface SysvFacts {
  running: boolean;
  enabled: boolean;
}

type ServiceFacts = { kind: 'systemd'; unit: UnitProps } | { kind: 'sysv'; sysv: SysvFacts };
type ServiceState = { kind: 'systemd'; acts: UnitAction[] } | { kind: 'sysv'; verbs: string[][] };

/** $1 the service: whether systemd runs the host, and the SysV status and rc links otherwise. */
export const SERVICE_PROBE = String.raw`
name=$1
echo @@init; [ -d /run/systemd/system ] && echo systemd
echo @@status; service "$name" status >/dev/null 2>&1; echo $?
echo @@links; ls /etc/rc[2-5].d/ 2>/dev/null | grep -E "^S[0-9]*$name\$"
echo @@end
`;

export function parseServiceProbe(out: string): { systemd: boolean; sysv: SysvFacts } {
  const s = splitSections(out);
  return {
    systemd: nonEmptyLines(s.init).includes('systemd'),
    sysv: { running: nonEmptyLines(s.status)[0] === '0', enabled: nonEmptyLines(s.links).length > 0 },
  };
}

/** SysV actions as argv lists (pure). */
export function sysvPlan(p: ServiceParams, f: SysvFacts): string[][] {
  const out: string[][] = [];
  if (p.enabled === true && !f.enabled) out.push(['sh', '-c', 'if command -v update-rc.d >/dev/null; then update-rc.d "$1" defaults; else chkconfig "$1" on; fi', 'tsplay-enable', p.name]);
  if (p.enabled === false && f.enabled) out.push(['sh', '-c', 'if command -v update-rc.d >/dev/null; then update-rc.d "$1" disable; else chkconfig "$1" off; fi', 'tsplay-disable', p.name]);
  if (p.state === 'started' && !f.running) out.push(['service', p.name, 'start']);
  if (p.state === 'stopped' && f.running) out.push(['service', p.name, 'stop']);
  if (p.state === 'restarted') out.push(['service', p.name, 'restart']);
  if (p.state === 'reloaded') out.push(['service', p.name, f.running ? 'reload' : 'start']);
  return out;
}

const describe = (argv: string[]): string => (argv[0] === 'service' ? `${argv[2]} ${argv[1]}` : `${argv[3]!.replace('tsplay-', '')} ${argv[4]}`);

async function useSystemd(ctx: ModuleContext, p: ServiceParams): Promise<boolean | undefined> {
  if (p.use === 'systemd') return true;
  if (p.use === 'sysvinit' || p.use === 'service') return false;
  const mgr = factString(ctx.facts, 'service_mgr');
  return mgr === undefined ? undefined : mgr === 'systemd';
}

export const service = defineModule<ServiceParams, ServiceFacts, ServiceState>({
  name: 'service',
  aliases: ['ansible.builtin.service'],
  doc: {
    short: 'Manage services (systemd units, or SysV init scripts)',
    description: 'On systemd hosts (fact service_mgr, or detected) this is the systemd module with the same checks after a start; elsewhere it runs `service NAME start|stop|restart|reload` and update-rc.d/chkconfig for enabled.',
    examples: ['- service:', '    name: haproxy', '    state: started', '    enabled: true'].join('\n'),
    returns: { name: 'the service', state: 'the state asked', status: 'systemctl show properties (systemd hosts)' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[^-\\s]', description: 'The service.' },
      state: { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped are idempotent; restarted always restarts.' },
      enabled: { type: 'boolean', description: 'Whether the service starts at boot.' },
      use: { type: 'string', enum: ['auto', 'systemd', 'sysvinit', 'service'], default: 'auto', description: 'The service manager; auto reads the facts.' },
    },
  },
  async probe(ctx, p) {
    let sd = await useSystemd(ctx, p);
    let sysv: SysvFacts = { running: false, enabled: false };
    if (sd !== true) {
      const res = await runScript(ctx, { script: SERVICE_PROBE, name: 'tsplay-service-probe', args: [p.name] });
      const parsed = parseServiceProbe(res.stdout);
      sd ??= parsed.systemd;
      sysv = parsed.sysv;
    }
    if (!sd) return { kind: 'sysv', sysv };
    const res = await runScript(ctx, { script: SYSTEMD_PROBE, name: 'tsplay-systemd-probe', args: ['--system', p.name, SHOW_PROPS.join(',')] });
    if (res.rc !== 0) failCommand(`systemctl show ${p.name}`, res);
    return { kind: 'systemd', unit: parseSystemdProbe(res.stdout) };
  },
  plan(p, f): Plan<ServiceState> {
    if (f.kind === 'systemd') {
      const r = systemdPlan({ name: p.name, state: p.state, enabled: p.enabled }, f.unit);
      return { ...r, state: r.state ? { kind: 'systemd', acts: r.state } : undefined };
    }
    const verbs = sysvPlan(p, f.sysv);
    const data = { name: p.name, state: p.state ?? null, enabled: p.enabled ?? f.sysv.enabled };
    if (verbs.length === 0) return { changes: [], reason: `${p.name} is ${f.sysv.running ? 'running' : 'stopped'}`, data };
    return { changes: verbs.map(describe), data, state: { kind: 'sysv', verbs } };
  },
  async apply(ctx, p, plan) {
    const s = plan.state!;
    if (s.kind === 'systemd') return systemdApply(ctx, { name: p.name, state: p.state, enabled: p.enabled, scope: 'system' }, s.acts);
    for (const argv of s.verbs) {
      const res = await ctx.run(argv);
      if (res.rc !== 0) failCommand(describe(argv), res);
    }
    if (p.state === 'started' || p.state === 'restarted') {
      const res = await ctx.run(['service', p.name, 'status']);
      if (res.rc !== 0) throw new ModuleFailure(`${p.name} is not running after ${p.state === 'started' ? 'start' : 'restart'}: ${res.stdout.trim() || res.stderr.trim()}`, { command: res });
    }
    return { changed: true, data: plan.data };
  },
});
