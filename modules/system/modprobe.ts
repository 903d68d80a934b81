import { defineModule, type ModuleContext } from '../../engine/module-api.js';
import { failCommand, nonEmptyLines, runScript, splitSections } from './common.js';

export interface ModprobeParams {
  name: string;
  state?: 'present' | 'absent';
  params?: string;
  persistent?: 'present' | 'absent' | 'disabled';
}

export interface ModprobeFacts {
  loaded: boolean;
  builtin: boolean;
  /** /etc/modules-load.d/NAME.conf, undefined when absent */
  loadFile?: string;
  /** /etc/modprobe.d/NAME.conf, undefined when absent */
  optionsFile?: string;
}

interface FileStep {
  path: string;
  content?: string;
}

interface ModprobeState {
  load?: 'load' | 'unload';
  files: FileStep[];
}

/** $1 module name (validated: letters, digits, - and _). */
export const MODPROBE_PROBE = String.raw`
name=$1 under=$(printf '%s' "$1" | tr - _)
echo @@loaded; awk -v n="$under" '$1 == n' /proc/modules
echo @@builtin; grep -E "/$name\.ko|/$under\.ko" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
echo @@load; [ -f "/etc/modules-load.d/$name.conf" ] && { echo present; cat "/etc/modules-load.d/$name.conf"; }
echo @@options; [ -f "/etc/modprobe.d/$name.conf" ] && { echo present; cat "/etc/modprobe.d/$name.conf"; }
echo @@end
`;

function fileSection(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n');
  if (lines[0] !== 'present') return undefined;
  const body = lines.slice(1).join('\n');
  return body.endsWith('\n') || body === '' ? body : `${body}\n`;
}

export function parseModprobeProbe(out: string): ModprobeFacts {
  const s = splitSections(out);
  return { loaded: nonEmptyLines(s.loaded).length > 0, builtin: nonEmptyLines(s.builtin).length > 0, loadFile: fileSection(s.load), optionsFile: fileSection(s.options) };
}

export const loadPath = (name: string): string => `/etc/modules-load.d/${name}.conf`;
export const optionsPath = (name: string): string => `/etc/modprobe.d/${name}.conf`;

/** The files persistent asks for (content undefined: remove the file). */
export function persistentFiles(p: ModprobeParams): FileStep[] {
  if (p.persistent === 'present') {
    return [{ path: loadPath(p.name), content: `${p.name}\n` }, ...(p.params ? [{ path: optionsPath(p.name), content: `options ${p.name} ${p.params}\n` }] : [])];
  }
  if (p.persistent === 'absent') return [{ path: loadPath(p.name) }, { path: optionsPath(p.name) }];
  return [];
}

export function planModprobe(p: ModprobeParams, f: ModprobeFacts): { changes: string[]; state: ModprobeState } {
  const state = p.state ?? 'present';
  const changes: string[] = [];
  const load = state === 'present' && !f.loaded && !f.builtin ? 'load' : state === 'absent' && f.loaded ? 'unload' : undefined;
  if (load) changes.push(`${load} module ${p.name}${load === 'load' && p.params ? ` with ${p.params}` : ''}`);
  const files = persistentFiles(p).filter((step) => {
    const have = step.path === loadPath(p.name) ? f.loadFile : f.optionsFile;
    return have !== step.content;
  });
  for (const step of files) changes.push(step.content === undefined ? `remove ${step.path}` : `write ${step.path}`);
  return { changes, state: { load, files } };
}

async function applyFiles(ctx: ModuleContext, files: FileStep[]): Promise<void> {
  for (const step of files) {
    if (step.content === undefined) await ctx.runOk(['rm', '-f', '--', step.path]);
    else {
      await ctx.runOk(['mkdir', '-p', step.path.slice(0, step.path.lastIndexOf('/'))]);
      await ctx.put(step.content, step.path, { mode: '0644' });
    }
  }
}

export const modprobe = defineModule<ModprobeParams, ModprobeFacts, ModprobeState>({
  name: 'modprobe',
  aliases: ['community.general.modprobe'],
  doc: {
    short: 'Load or unload a kernel module, and make it persistent',
    description: 'Probes /proc/modules, modules.builtin and the persistence files in one round trip. persistent: present writes /etc/modules-load.d/NAME.conf (and /etc/modprobe.d/NAME.conf with the params); absent removes them.',
    examples: ['- modprobe:', '    name: br_netfilter', '    state: present', '    persistent: present'].join('\n'),
    returns: { name: 'the module', params: 'its parameters' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$', description: 'The kernel module.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Loaded or not.' },
      params: { type: 'string', pattern: '^[^\\n]*$', default: '', description: 'Module parameters (key=value ...), used when loading and in the options file.' },
      persistent: { type: 'string', enum: ['present', 'absent', 'disabled'], default: 'disabled', description: 'present: loaded at boot; absent: the boot files removed; disabled: left alone.' },
    },
  },
  async probe(ctx, p) {
    const res = await runScript(ctx, { script: MODPROBE_PROBE, name: 'tsplay-modprobe-probe', args: [p.name] });
    return parseModprobeProbe(res.stdout);
  },
  plan(p, f) {
    const r = planModprobe(p, f);
    const data = { name: p.name, params: p.params ?? '' };
    if (r.changes.length === 0) return { changes: [], reason: `${p.name} is already ${p.state ?? 'present'}`, data };
    return { changes: r.changes, data, state: r.state };
  },
  async apply(ctx, p, plan) {
    const s = plan.state!;
    if (s.load) {
      const argv = s.load === 'load' ? ['modprobe', p.name, ...(p.params ? p.params.split(/\s+/).filter(Boolean) : [])] : ['modprobe', '-r', p.name];
      const res = await ctx.run(argv);
      if (res.rc !== 0) failCommand(argv.join(' '), res);
    }
    await applyFiles(ctx, s.files);
    return { changed: true, data: plan.data };
  },
});
