import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { failCommand, runScript } from './common.js';
import { parseUfwProbe, sameRule, UFW_PROBE, type UfwFacts, type UfwTuple } from './ufw-rules.js';

export interface UfwParams {
  state?: 'enabled' | 'disabled' | 'reset' | 'reloaded';
  policy?: 'allow' | 'deny' | 'reject';
  /** community.general.ufw's main name for policy */
  default?: 'allow' | 'deny' | 'reject';
  direction?: 'in' | 'out' | 'incoming' | 'outgoing' | 'routed';
  logging?: 'on' | 'off' | 'low' | 'medium' | 'high' | 'full';
  rule?: 'allow' | 'deny' | 'reject' | 'limit';
  name?: string;
  port?: string | number;
  to_port?: string | number;
  from_port?: string | number;
  proto?: 'any' | 'tcp' | 'udp' | 'ipv6' | 'esp' | 'ah' | 'gre' | 'igmp';
  from_ip?: string;
  to_ip?: string;
  interface?: string;
  interface_in?: string;
  interface_out?: string;
  route?: boolean;
  log?: boolean;
  comment?: string;
  delete?: boolean;
  insert?: number;
}

type Step = { argv: string[]; desc: string };

const isV6 = (ip: string | undefined): boolean => ip !== undefined && ip.includes(':');
const isAny = (ip: string | undefined): boolean => ip === undefined || ip === 'any';
const portText = (v: string | number | undefined): string => (v === undefined || v === 'any' ? 'any' : String(v).replace('-', ':'));

function directionField(p: UfwParams): string {
  const out = p.direction === 'out' || p.direction === 'outgoing';
  if (p.route || p.interface_in || p.interface_out) {
    const parts = [p.interface_in ? `in_${p.interface_in}` : '', p.interface_out ? `out_${p.interface_out}` : ''].filter(Boolean);
    if (parts.length === 0 && p.interface) parts.push(`${out ? 'out' : 'in'}_${p.interface}`);
    return parts.length ? parts.join('!') : out ? 'out' : 'in';
  }
  return p.interface ? `${out ? 'out' : 'in'}_${p.interface}` : out ? 'out' : 'in';
}

/** The tuple ufw would write for the rule, per family it goes to (pure). */
export function desiredTuples(p: UfwParams, ipv6: boolean): { v4?: UfwTuple; v6?: UfwTuple } {
  const base = {
    action: `${p.route ? 'route:' : ''}${p.rule}${p.log ? '_log' : ''}`,
    proto: p.proto ?? 'any',
    dport: portText(p.to_port ?? p.port),
    sport: portText(p.from_port),
    direction: directionField(p),
    dapp: p.name,
    comment: p.comment,
  };
  const v6Only = isV6(p.from_ip) || isV6(p.to_ip);
  const v4Only = (!isAny(p.from_ip) && !isV6(p.from_ip)) || (!isAny(p.to_ip) && !isV6(p.to_ip));
  // ufw stores a single host without its /32 (/128)
  const addr = (ip: string | undefined, anyNet: string): string => (isAny(ip) ? anyNet : ip!.replace(/\/(32|128)$/, ''));
  const tuple = (anyNet: string): UfwTuple => ({ ...base, src: addr(p.from_ip, anyNet), dst: addr(p.to_ip, anyNet) });
  return { v4: v6Only ? undefined : tuple('0.0.0.0/0'), v6: v4Only || !ipv6 ? undefined : tuple('::/0') };
}

/** The ufw command line of a rule (pure): every value its own argv word. */
export function ruleArgv(p: UfwParams): string[] {
  const argv = ['ufw'];
  if (p.route) argv.push('route');
  if (p.delete) argv.push('delete');
  if (p.insert !== undefined && !p.delete) argv.push('insert', String(p.insert));
  argv.push(p.rule!);
  const out = p.direction === 'out' || p.direction === 'outgoing';
  if (p.interface_in || p.interface_out) {
    if (p.interface_in) argv.push('in', 'on', p.interface_in);
    if (p.interface_out) argv.push('out', 'on', p.interface_out);
  } else {
    argv.push(out ? 'out' : 'in');
    if (p.interface) argv.push('on', p.interface);
  }
  if (p.log) argv.push('log');
  if (p.proto && p.proto !== 'any' && p.name === undefined) argv.push('proto', p.proto);
  argv.push('from', p.from_ip ?? 'any');
  if (p.from_port !== undefined) argv.push('port', portText(p.from_port));
  argv.push('to', p.to_ip ?? 'any');
  if (p.name !== undefined) argv.push('app', p.name);
  else if ((p.to_port ?? p.port) !== undefined) argv.push('port', portText(p.to_port ?? p.port));
  if (p.comment !== undefined && !p.delete) argv.push('comment', p.comment);
  return argv;
}

function ruleSteps(p: UfwParams, f: UfwFacts): Step[] {
  if (!p.rule) return [];
  const want = desiredTuples(p, f.ipv6);
  const families = [
    { want: want.v4, have: f.v4 },
    { want: want.v6, have: f.v6 },
  ].filter((x): x is { want: UfwTuple; have: UfwTuple[] } => x.want !== undefined);
  const found = families.map((x) => x.have.find((t) => sameRule(t, x.want)));
  const text = ruleArgv(p).slice(1).join(' ');
  if (p.delete) return found.some(Boolean) ? [{ argv: ruleArgv(p), desc: `delete rule: ${text}` }] : [];
  const missing = found.some((t) => t === undefined);
  const commentDiffers = p.comment !== undefined && found.some((t) => t !== undefined && (t.comment ?? '') !== p.comment);
  if (missing || commentDiffers) return [{ argv: ruleArgv(p), desc: `${missing ? 'add' : 'update the comment of'} rule: ${text}` }];
  return [];
}

const POLICY_DIR: Record<string, 'incoming' | 'outgoing' | 'routed'> = { in: 'incoming', incoming: 'incoming', out: 'outgoing', outgoing: 'outgoing', routed: 'routed' };

/** reset, default policy, logging, the rule, then enable/disable/reload (pure). */
export function planUfw(params: UfwParams, f: UfwFacts): Step[] {
  if (params.default !== undefined && params.policy !== undefined && params.default !== params.policy) {
    throw new ModuleFailure('ufw: default and policy are the same argument; give one');
  }
  const p: UfwParams = { ...params, policy: params.policy ?? params.default };
  if (!f.installed) throw new ModuleFailure('ufw is not installed on this host');
  if (!p.state && !p.policy && !p.logging && !p.rule) throw new ModuleFailure('ufw: set at least one of state, policy, logging, rule');
  const steps: Step[] = [];
  if (p.state === 'reset') steps.push({ argv: ['ufw', '--force', 'reset'], desc: 'reset ufw' });
  const reset = p.state === 'reset';
  if (p.policy) {
    const dir = POLICY_DIR[p.direction ?? 'incoming'] ?? 'incoming';
    if (reset || f.policies[dir] !== p.policy) steps.push({ argv: ['ufw', 'default', p.policy, dir], desc: `default ${dir} policy ${f.policies[dir]} -> ${p.policy}` });
  }
  if (p.logging) {
    const ok = p.logging === 'on' ? f.logLevel !== 'off' : f.logLevel === p.logging;
    if (!ok) steps.push({ argv: ['ufw', 'logging', p.logging], desc: `logging ${f.logLevel} -> ${p.logging}` });
  }
  steps.push(...(reset && p.rule ? [{ argv: ruleArgv(p), desc: `add rule: ${ruleArgv(p).slice(1).join(' ')}` }] : ruleSteps(p, f)));
  if (p.state === 'enabled' && (reset || !f.active || !f.enabledAtBoot)) steps.push({ argv: ['ufw', '--force', 'enable'], desc: 'enable ufw' });
  if (p.state === 'disabled' && (f.active || f.enabledAtBoot)) steps.push({ argv: ['ufw', 'disable'], desc: 'disable ufw' });
  if (p.state === 'reloaded') steps.push({ argv: ['ufw', 'reload'], desc: 'reload ufw' });
  return steps;
}

async function probeUfw(ctx: ModuleContext): Promise<UfwFacts> {
  const res = await runScript(ctx, { script: UFW_PROBE, name: 'tsplay-ufw-probe' });
  if (!res.stdout.includes('@@end')) failCommand('probing ufw', res);
  return parseUfwProbe(res.stdout);
}

const strOrInt = (d: string) => ({ description: d, anyOf: [{ type: 'string' }, { type: 'integer' }] });

export const ufw = defineModule<UfwParams, UfwFacts, Step[]>({
  name: 'ufw',
  aliases: ['community.general.ufw'],
  doc: {
    short: 'Manage ufw rules, default policies, logging and state',
    description:
      'Idempotent by reading the rule tuples of /etc/ufw/user.rules and user6.rules (this works while ufw is inactive too), ufw.conf and /etc/default/ufw: ' +
      'a rule is only added when a file it belongs to lacks it, deleted only when present. reset and reloaded always change.',
    examples: ['- ufw:', '    rule: allow', '    port: 5432', '    proto: tcp', '    from_ip: 10.0.0.0/8', '    comment: postgres', '- ufw:', '    state: enabled', '    policy: deny'].join('\n'),
    returns: { commands: 'the ufw commands run (or that would run)' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { type: 'string', enum: ['enabled', 'disabled', 'reset', 'reloaded'], description: 'enabled/disabled are idempotent; reset and reloaded always run.' },
      policy: { type: 'string', enum: ['allow', 'deny', 'reject'], description: 'Default policy for direction (incoming unless given).' },
      default: { type: 'string', enum: ['allow', 'deny', 'reject'], description: 'Same as policy (community.general.ufw names it default, with policy as its alias).' },
      direction: { type: 'string', enum: ['in', 'out', 'incoming', 'outgoing', 'routed'], description: 'Rule direction (in/out) or policy direction (incoming/outgoing/routed).' },
      logging: { type: 'string', enum: ['on', 'off', 'low', 'medium', 'high', 'full'], description: 'Logging level.' },
      rule: { type: 'string', enum: ['allow', 'deny', 'reject', 'limit'], description: 'Add (or with delete, remove) a rule.' },
      name: { type: 'string', description: 'An application profile (ufw app list: OpenSSH ...) instead of port and proto.' },
      port: strOrInt('Destination port or range (5432, 6000:6010); alias of to_port.'),
      to_port: strOrInt('Destination port or range.'),
      from_port: strOrInt('Source port or range.'),
      proto: { type: 'string', enum: ['any', 'tcp', 'udp', 'ipv6', 'esp', 'ah', 'gre', 'igmp'], description: 'Protocol (a port range needs tcp or udp).' },
      from_ip: { type: 'string', description: 'Source address or network (any by default).' },
      to_ip: { type: 'string', description: 'Destination address or network (any by default).' },
      interface: { type: 'string', description: 'Interface the rule applies to (with direction).' },
      interface_in: { type: 'string', description: 'Incoming interface (route rules).' },
      interface_out: { type: 'string', description: 'Outgoing interface (route rules).' },
      route: { type: 'boolean', default: false, description: 'A routed (forward) rule.' },
      log: { type: 'boolean', default: false, description: 'Log new connections matching the rule.' },
      comment: { type: 'string', description: 'A comment stored with the rule.' },
      delete: { type: 'boolean', default: false, description: 'Remove the rule instead of adding it.' },
      insert: { type: 'integer', minimum: 1, description: 'Insert the rule at this position (1 = first).' },
    },
  },
  probe: probeUfw,
  plan(p, f) {
    const steps = planUfw(p, f);
    const data = { commands: steps.map((s) => s.argv.join(' ')) };
    if (steps.length === 0) return { changes: [], reason: 'ufw already as asked', data };
    return { changes: steps.map((s) => s.desc), data, state: steps };
  },
  async apply(ctx, _p, plan) {
    for (const s of plan.state!) {
      const res = await ctx.run(s.argv, { env: { LC_ALL: 'C' } });
      if (res.rc !== 0 || /^ERROR:/m.test(res.stderr)) failCommand(s.desc, res);
    }
    return { changed: true, data: plan.data };
  },
});
