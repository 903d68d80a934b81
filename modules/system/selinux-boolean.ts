import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { failCommand, nonEmptyLines, runScript, splitSections } from './common.js';

export interface SebooleanParams {
  name: string;
  state: boolean | 'on' | 'off';
  persistent?: boolean;
  ignore_selinux_state?: boolean;
}

export interface SebooleanFacts {
  /** Enforcing, Permissive or Disabled */
  mode: string;
  /** undefined when the boolean is not defined */
  current?: boolean;
  /** the value kept across reboots (semanage boolean -l "Default"), when asked and known */
  persistent?: boolean;
  error?: string;
}

/** $1 boolean name, $2 1 to read the persistent value too. */
export const SEBOOLEAN_PROBE = String.raw`
name=$1
export LC_ALL=C
echo @@mode; if command -v getenforce >/dev/null 2>&1; then getenforce 2>&1; else echo Disabled; fi
echo @@bool; command -v getsebool >/dev/null 2>&1 && getsebool -- "$name" 2>&1
echo @@persistent; [ "$2" = 1 ] && command -v semanage >/dev/null 2>&1 && semanage boolean -l -n 2>/dev/null | awk -v n="$name" '$1 == n'
echo @@end
`;

const onOff = (w: string | undefined): boolean | undefined => (w === 'on' ? true : w === 'off' ? false : undefined);

/** getenforce, `getsebool NAME` ("name --> on") and `semanage boolean -l -n` ("name  (on   ,  off)  Description"). */
export function parseSebooleanProbe(out: string, name: string): SebooleanFacts {
  const s = splitSections(out);
  const mode = nonEmptyLines(s.mode)[0] ?? 'Disabled';
  const boolLine = nonEmptyLines(s.bool)[0] ?? '';
  const m = /^(\S+) --> (on|off)$/.exec(boolLine);
  const current = m && m[1] === name ? onOff(m[2]) : undefined;
  const p = /\(\s*(on|off)\s*,\s*(on|off)\s*\)/.exec(nonEmptyLines(s.persistent)[0] ?? '');
  return { mode, current, persistent: p ? onOff(p[2]) : undefined, error: current === undefined ? boolLine || 'getsebool is not installed' : undefined };
}

const want = (s: SebooleanParams['state']): boolean => s === true || s === 'on';
const word = (b: boolean | undefined): string => (b === undefined ? 'unknown' : b ? 'on' : 'off');

export const seboolean = defineModule<SebooleanParams, SebooleanFacts>({
  name: 'selinux_boolean',
  aliases: ['seboolean', 'ansible.posix.seboolean'],
  doc: {
    short: 'Set an SELinux boolean, now and (persistent) across reboots',
    description:
      'Probes getenforce, getsebool and (persistent) semanage boolean -l in one round trip; sets with setsebool [-P]. On a host where SELinux is ' +
      'disabled it fails ("SELinux is disabled on HOST"), or with ignore_selinux_state: true is skipped with that reason.',
    examples: ['- seboolean:', '    name: haproxy_connect_any', '    state: true', '    persistent: true'].join('\n'),
    returns: { name: 'the boolean', state: 'the value set', persistent: 'whether it was made persistent' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'state'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_]+$', description: 'The SELinux boolean.' },
      state: { description: 'The value: true/on or false/off.', anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['on', 'off'] }] },
      persistent: { type: 'boolean', default: false, description: 'Keep the value across reboots (setsebool -P).' },
      ignore_selinux_state: { type: 'boolean', default: false, description: 'On a host without SELinux, skip instead of failing.' },
    },
  },
  async probe(ctx, p) {
    const res = await runScript(ctx, { script: SEBOOLEAN_PROBE, name: 'tsplay-seboolean-probe', args: [p.name, p.persistent ? '1' : '0'] });
    if (!res.stdout.includes('@@end')) failCommand('probing SELinux', res);
    return parseSebooleanProbe(res.stdout, p.name);
  },
  plan(p, f, pc) {
    const value = want(p.state);
    if (f.mode === 'Disabled') {
      const msg = `SELinux is disabled on ${pc.host}`;
      if (p.ignore_selinux_state) return { changes: [], skipped: msg };
      throw new ModuleFailure(msg);
    }
    if (f.current === undefined) throw new ModuleFailure(`SELinux boolean ${p.name} cannot be read: ${f.error}`);
    const data = { name: p.name, state: value, persistent: p.persistent === true };
    const nowWrong = f.current !== value;
    const persistWrong = p.persistent === true && f.persistent !== value;
    if (!nowWrong && !persistWrong) return { changes: [], reason: `${p.name} is already ${word(value)}`, data };
    const changes = [
      ...(nowWrong ? [`set ${p.name} ${word(f.current)} -> ${word(value)}`] : []),
      ...(persistWrong ? [`make ${p.name}=${word(value)} persistent (was ${word(f.persistent)})`] : []),
    ];
    return { changes, data, diff: [{ path: `selinux boolean ${p.name}`, before: `${word(f.current)}\n`, after: `${word(value)}\n` }] };
  },
  async apply(ctx, p, plan) {
    const argv = ['setsebool', ...(p.persistent ? ['-P'] : []), p.name, word(want(p.state))];
    const res = await ctx.run(argv);
    if (res.rc !== 0) failCommand(argv.join(' '), res);
    return { changed: true, data: plan.data };
  },
});
