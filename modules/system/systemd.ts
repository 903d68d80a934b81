import { defineModule, ModuleFailure, type ApplyResult, type ModuleContext, type Plan } from '../../engine/module-api.js';
import type { FileDiff } from '../../engine/results.js';
import { failCommand, runScript } from './common.js';
import {
  isEnabled, isMasked, isNotFound, isRunning, parseFailureInfo, parseSystemdProbe, SHOW_PROPS, startVerdict, SYSTEMCTL_RUN, SYSTEMD_FAILURE_INFO, SYSTEMD_PROBE,
  type UnitProps,
} from './systemd-probe.js';

export interface SystemdParams {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  daemon_reload?: boolean;
  daemon_reexec?: boolean;
  scope?: 'system' | 'user' | 'global';
  no_block?: boolean;
}

export interface UnitAction {
  /** systemctl verb */
  verb: 'daemon-reexec' | 'daemon-reload' | 'unmask' | 'mask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';
  desc: string;
}

export const scopeFlag = (p: SystemdParams): string => `--${p.scope ?? 'system'}`;

/** The systemctl argv of one action (pure). */
export function actionArgv(p: SystemdParams, a: UnitAction): string[] {
  const base = ['systemctl', scopeFlag(p)];
  if (a.verb === 'daemon-reload' || a.verb === 'daemon-reexec') return [...base, a.verb];
  const block = p.no_block && ['start', 'stop', 'restart', 'reload'].includes(a.verb) ? ['--no-block'] : [];
  return [...base, ...block, a.verb, '--', p.name!];
}

function stateActions(p: SystemdParams, u: UnitProps): UnitAction[] {
  const unit = p.name!;
  switch (p.state) {
    case 'started':
      return isRunning(u) ? [] : [{ verb: 'start', desc: `start ${unit}` }];
    case 'stopped':
      return isRunning(u) ? [{ verb: 'stop', desc: `stop ${unit}` }] : [];
    case 'restarted':
      return [{ verb: 'restart', desc: `restart ${unit}` }];
    case 'reloaded':
      return [isRunning(u) ? { verb: 'reload', desc: `reload ${unit}` } : { verb: 'start', desc: `start ${unit} (it was not running)` }];
    default:
      return [];
  }
}

/** Ansible's order: reexec, reload, unmask, mask, enable/disable, then the state. */
export function planUnit(p: SystemdParams, u: UnitProps): UnitAction[] {
  const unit = p.name;
  const acts: UnitAction[] = [];
  if (p.daemon_reexec) acts.push({ verb: 'daemon-reexec', desc: 'systemctl daemon-reexec' });
  // a reload is only needed when systemd says so (changed unit files) or the unit is not loaded yet
  const reload = p.daemon_reload && (!unit || u.NeedDaemonReload === 'yes' || isNotFound(u));
  if (reload) acts.push({ verb: 'daemon-reload', desc: `systemctl daemon-reload${unit ? ` (${unit}: files changed on disk or not loaded)` : ''}` });
  if (!unit) return acts;
  if (isNotFound(u) && !reload && (p.state || p.enabled !== undefined || p.masked === false)) {
    throw new ModuleFailure(`Could not find the requested service ${unit}: no such unit (LoadState=not-found)`);
  }
  if (p.masked === false && isMasked(u)) acts.push({ verb: 'unmask', desc: `unmask ${unit}` });
  if (p.masked === true && !isMasked(u)) acts.push({ verb: 'mask', desc: `mask ${unit}` });
  const masked = p.masked ?? isMasked(u);
  // what a masked unit's enablement is after unmask cannot be read before: say it explicitly
  const unmasking = isMasked(u) && p.masked === false;
  if (p.enabled === true && (!isEnabled(u) || unmasking)) acts.push({ verb: 'enable', desc: `enable ${unit}` });
  if (p.enabled === false && ((isEnabled(u) && u.UnitFileState !== 'static') || unmasking)) acts.push({ verb: 'disable', desc: `disable ${unit}` });
  if (masked && (p.state === 'started' || p.state === 'restarted' || p.state === 'reloaded')) {
    throw new ModuleFailure(`${unit} is masked: it cannot be ${p.state} (set masked: false)`);
  }
  return [...acts, ...stateActions(p, u)];
}

function unitSummary(u: UnitProps): string {
  return `ActiveState=${u.ActiveState ?? ''}\nUnitFileState=${u.UnitFileState ?? ''}\n`;
}

export function predictAfter(u: UnitProps, acts: UnitAction[]): UnitProps {
  const next = { ...u };
  for (const a of acts) {
    if (a.verb === 'mask') next.UnitFileState = 'masked';
    if (a.verb === 'unmask' || a.verb === 'disable') next.UnitFileState = 'disabled';
    if (a.verb === 'enable') next.UnitFileState = 'enabled';
    if (['start', 'restart', 'reload'].includes(a.verb)) next.ActiveState = 'active';
    if (a.verb === 'stop') next.ActiveState = 'inactive';
  }
  return next;
}

/** How long a started unit gets before it is judged: long enough to catch one that dies at once. */
export const SETTLE_SECONDS = '0.5';

async function probeUnit(ctx: ModuleContext, p: SystemdParams, settle = ''): Promise<UnitProps> {
  if (!p.name) return {};
  const res = await runScript(ctx, { script: SYSTEMD_PROBE, name: 'tsplay-systemd-probe', args: [scopeFlag(p), p.name, SHOW_PROPS.join(','), settle] });
  if (!res.stdout.includes('@@end') || (res.rc !== 0 && p.scope !== 'global')) failCommand(`systemctl show ${p.name}`, res);
  return parseSystemdProbe(res.stdout);
}

async function failureDetails(ctx: ModuleContext, p: SystemdParams): Promise<{ text: string; conditions: string[] }> {
  const res = await runScript(ctx, { script: SYSTEMD_FAILURE_INFO, name: 'tsplay-systemd-why', args: [scopeFlag(p), p.name!] });
  const info = parseFailureInfo(res.stdout);
  return { text: `systemctl status ${p.name}:\n${info.status}\n\njournalctl -u ${p.name} -n 30:\n${info.journal}`, conditions: info.conditions };
}

/** After start/restart/reload: the unit must be running (or a oneshot that ran fine), not skipped by a condition. */
async function verifyStarted(ctx: ModuleContext, p: SystemdParams): Promise<UnitProps> {
  const after = await probeUnit(ctx, p, SETTLE_SECONDS);
  const verdict = startVerdict(after);
  if (!verdict) return after;
  const why = await failureDetails(ctx, p);
  if (verdict.kind === 'condition') {
    const cond = why.conditions.length ? why.conditions.join('; ') : verdict.detail;
    throw new ModuleFailure(`${p.name} was not started: its condition failed (${cond})`, { data: { status: after, details: why.text } });
  }
  throw new ModuleFailure(`${p.name} failed to start (${verdict.detail})\n${why.text}`, { data: { status: after } });
}

async function runAction(ctx: ModuleContext, p: SystemdParams, a: UnitAction): Promise<void> {
  const res = await runScript(ctx, { script: SYSTEMCTL_RUN, name: 'tsplay-systemctl', args: actionArgv(p, a).slice(1), env: { LC_ALL: 'C', SYSTEMD_PAGER: '' } });
  if (res.rc === 0) return;
  if (['start', 'restart', 'reload'].includes(a.verb) && p.name) {
    const why = await failureDetails(ctx, p);
    throw new ModuleFailure(`${a.desc} failed (rc ${res.rc}): ${res.stderr.trim()}\n${why.text}`, { command: res });
  }
  failCommand(a.desc, res);
}

export function systemdPlan(p: SystemdParams, u: UnitProps): Plan<UnitAction[]> {
  const acts = planUnit(p, u);
  const data = { name: p.name ?? null, state: p.state ?? null, enabled: p.enabled ?? isEnabled(u), status: u };
  if (acts.length === 0) {
    return { changes: [], reason: p.name ? `${p.name} is ${u.ActiveState ?? 'unknown'} and ${u.UnitFileState || 'unknown'}` : 'nothing to do', data };
  }
  const diff: FileDiff[] | undefined = p.name ? [{ path: `service ${p.name}`, before: unitSummary(u), after: unitSummary(predictAfter(u, acts)) }] : undefined;
  return { changes: acts.map((a) => a.desc), data, diff, state: acts };
}

export async function systemdApply(ctx: ModuleContext, p: SystemdParams, acts: UnitAction[]): Promise<ApplyResult> {
  for (const a of acts) await runAction(ctx, p, a);
  const started = acts.some((a) => ['start', 'restart', 'reload'].includes(a.verb));
  const status = started && !p.no_block ? await verifyStarted(ctx, p) : await probeUnit(ctx, p);
  return { changed: true, data: { name: p.name ?? null, state: p.state ?? null, enabled: isEnabled(status), status } };
}

export const systemdParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[^-\\s]', description: 'The unit (".service" may be left out).' },
    state: { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped are idempotent; restarted always restarts; reloaded reloads a running unit, starts a stopped one.' },
    enabled: { type: 'boolean', description: 'Whether the unit starts at boot.' },
    masked: { type: 'boolean', description: 'Mask (link to /dev/null) or unmask the unit.' },
    daemon_reload: { type: 'boolean', default: false, description: 'Reload systemd\'s configuration first, when the unit\'s files changed on disk or it is not loaded (or always, without name).' },
    daemon_reexec: { type: 'boolean', default: false, description: 'Re-execute systemd first.' },
    scope: { type: 'string', enum: ['system', 'user', 'global'], default: 'system', description: 'The systemd manager to talk to.' },
    no_block: { type: 'boolean', default: false, description: 'Do not wait for start/stop jobs to finish (the result is not verified).' },
  },
} as const;

export const systemd = defineModule<SystemdParams, UnitProps, UnitAction[]>({
  name: 'systemd',
  aliases: ['systemd_service', 'ansible.builtin.systemd', 'ansible.builtin.systemd_service'],
  doc: {
    short: 'Start, stop, enable, mask systemd units',
    description:
      'Probes with one systemctl show. restarted always reports changed; started on a running unit is ok. After a start the unit is checked: ' +
      'a unit whose condition failed (ConditionPathExists...) is not reported as started but fails with that condition; a unit that failed ' +
      'gives a failed result carrying systemctl status and the last 30 journal lines.',
    examples: ['- systemd:', '    name: patroni', '    state: started', '    enabled: true', '    daemon_reload: true', '- systemd: name=postgresql masked=true'].join('\n'),
    returns: { name: 'the unit', state: 'the state asked', enabled: 'whether it starts at boot', status: 'systemctl show properties (after apply)' },
  },
  params: systemdParamsSchema,
  probe: (ctx, p) => probeUnit(ctx, p),
  plan: systemdPlan,
  async apply(ctx, p, plan) {
    return systemdApply(ctx, p, plan.state!);
  },
});
