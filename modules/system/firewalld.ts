import { defineModule, ModuleFailure, type ModuleContext, type PlanContext } from '../../engine/module-api.js';
import { asList, failCommand, refuseOptionLike, runScript } from './common.js';
import { FIREWALLD_PROBE, parseFirewalldProbe, type FirewalldFacts, type ZoneView } from './firewalld-probe.js';

export interface FirewalldParams {
  port?: string | string[];
  service?: string | string[];
  source?: string | string[];
  interface?: string | string[];
  rich_rule?: string;
  zone?: string;
  permanent?: boolean;
  immediate?: boolean;
  state: 'enabled' | 'disabled';
  offline?: boolean;
}

type Kind = 'port' | 'service' | 'source' | 'interface';
const LIST_OF: Record<Kind, keyof Omit<ZoneView, 'zone' | 'richRules'>> = { port: 'ports', service: 'services', source: 'sources', interface: 'interfaces' };

interface Step {
  argv: string[];
  desc: string;
}

type Target = 'runtime' | 'permanent' | 'offline';

/** Where changes go: permanent only, runtime only, or both; offline when firewalld is down (permanent only). */
export function targets(p: FirewalldParams, f: FirewalldFacts, host: string): Target[] {
  const permanent = p.permanent === true;
  const runtime = !permanent || p.immediate === true;
  if (f.running) return [...(permanent ? (['permanent'] as const) : []), ...(runtime ? (['runtime'] as const) : [])];
  if (runtime) throw new ModuleFailure(`firewalld is not running on ${host}: runtime changes need it (use permanent: true without immediate to change the configuration offline)`);
  if (p.offline === false) throw new ModuleFailure(`firewalld is not running on ${host} and offline is false`);
  return ['offline'];
}

function baseArgv(t: Target, zone: string): string[] {
  if (t === 'offline') return ['firewall-offline-cmd', '--zone', zone];
  return t === 'permanent' ? ['firewall-cmd', '--permanent', '--zone', zone] : ['firewall-cmd', '--zone', zone];
}

function viewOf(t: Target, f: FirewalldFacts): ZoneView {
  return t === 'runtime' ? f.runtime! : f.permanent;
}

function itemSteps(p: FirewalldParams, f: FirewalldFacts, t: Target): Step[] {
  const add = p.state === 'enabled';
  const steps: Step[] = [];
  const view = viewOf(t, f);
  for (const kind of Object.keys(LIST_OF) as Kind[]) {
    for (const item of asList(p[kind])) {
      const has = view[LIST_OF[kind]].includes(item);
      if (has === add) continue;
      // an interface or source bound to another zone cannot be added: it is moved (--change-*)
      const verb = add ? (kind === 'interface' || kind === 'source' ? 'change' : 'add') : 'remove';
      steps.push({ argv: [...baseArgv(t, f.zone), `--${verb}-${kind}=${item}`], desc: `${add ? 'add' : 'remove'} ${kind} ${item} ${add ? 'to' : 'from'} zone ${f.zone} (${t})` });
    }
  }
  if (p.rich_rule) {
    const has = t === 'runtime' ? f.rich?.runtime : f.rich?.permanent;
    if (has !== add) steps.push({ argv: [...baseArgv(t, f.zone), `--${add ? 'add' : 'remove'}-rich-rule=${p.rich_rule}`], desc: `${add ? 'add' : 'remove'} rich rule '${p.rich_rule}' (${t}, zone ${f.zone})` });
  }
  return steps;
}

export function planFirewalld(p: FirewalldParams, f: FirewalldFacts, pc: Pick<PlanContext, 'host'>): Step[] {
  if (!f.installed) throw new ModuleFailure(`firewalld is not installed on ${pc.host}`);
  if (f.error) throw new ModuleFailure(`firewall-cmd: ${f.error}`);
  const items = [p.port, p.service, p.source, p.interface].flatMap((v) => asList(v));
  if (items.length === 0 && !p.rich_rule) throw new ModuleFailure('firewalld: set one of port, service, source, interface, rich_rule');
  refuseOptionLike('firewalld item', items);
  for (const port of asList(p.port)) {
    if (!/^\d+(-\d+)?\/(tcp|udp|sctp|dccp)$/.test(port)) throw new ModuleFailure(`firewalld: port ${JSON.stringify(port)} is not PORT/PROTO or FROM-TO/PROTO (5432/tcp, 6000-6010/udp)`);
  }
  return targets(p, f, pc.host).flatMap((t) => itemSteps(p, f, t));
}

async function probe(ctx: ModuleContext, p: FirewalldParams): Promise<FirewalldFacts> {
  const res = await runScript(ctx, { script: FIREWALLD_PROBE, name: 'tsplay-firewalld-probe', args: [p.zone ?? '', p.rich_rule ?? ''] });
  if (!res.stdout.includes('@@end')) failCommand('probing firewalld', res);
  return parseFirewalldProbe(res.stdout);
}

const listParam = (d: string) => ({ description: d, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] });

export const firewalld = defineModule<FirewalldParams, FirewalldFacts, Step[]>({
  name: 'firewalld',
  aliases: ['ansible.posix.firewalld'],
  doc: {
    short: 'Open or close ports, services, sources, interfaces and rich rules in a firewalld zone',
    description:
      'Probes with firewall-cmd --list-all (runtime and --permanent) in one round trip. permanent: false changes the running firewall only; ' +
      'permanent: true changes the configuration, and with immediate: true the running firewall too. When firewalld is not running, ' +
      'permanent-only changes are made with firewall-offline-cmd.',
    examples: ['- firewalld:', '    port: 5432/tcp', '    permanent: true', '    immediate: true', '    state: enabled', '- firewalld:', '    rich_rule: rule family="ipv4" source address="10.0.0.0/8" port port="8008" protocol="tcp" accept', '    zone: internal', '    permanent: true', '    state: enabled'].join('\n'),
    returns: { zone: 'the zone changed', commands: 'the firewall-cmd commands run (or that would run)' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['state'],
    properties: {
      port: listParam('Port or range with protocol: 5432/tcp, 6000-6010/udp.'),
      service: listParam('A firewalld service name (ssh, postgresql).'),
      source: listParam('A source address or network bound to the zone.'),
      interface: listParam('An interface bound to the zone.'),
      rich_rule: { type: 'string', description: 'A rich rule (compared by firewalld itself with --query-rich-rule).' },
      zone: { type: 'string', description: 'The zone (default: firewalld\'s default zone).' },
      permanent: { type: 'boolean', default: false, description: 'Change the permanent configuration.' },
      immediate: { type: 'boolean', default: false, description: 'With permanent, also change the running firewall.' },
      state: { type: 'string', enum: ['enabled', 'disabled'], description: 'enabled adds, disabled removes.' },
      offline: { type: 'boolean', description: 'Allow firewall-offline-cmd when firewalld is not running (default: allowed for permanent-only changes).' },
    },
  },
  probe,
  plan(p, f, pc) {
    const steps = planFirewalld(p, f, pc);
    const data = { zone: f.zone, commands: steps.map((s) => s.argv.join(' ')) };
    if (steps.length === 0) return { changes: [], reason: `zone ${f.zone} already as asked`, data };
    return { changes: steps.map((s) => s.desc), data, state: steps };
  },
  async apply(ctx, _p, plan) {
    for (const s of plan.state!) {
      const res = await ctx.run(s.argv, { env: { LC_ALL: 'C' } });
      if (res.rc !== 0) failCommand(s.desc, res);
    }
    return { changed: true, data: plan.data };
  },
});
