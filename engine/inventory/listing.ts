/**
 * What `ansible-inventory --list | --graph | --host` prints, from the
 * inventory alone (no playbook dir), as ansible/cli/inventory.py.
 */
import { TsplayError } from '../errors.js';
import { matchHosts } from './patterns.js';
import { inventoryHostVars } from './layers.js';
import { loadInventory } from './load.js';
import { hostsOfGroup, varOrigins } from './model.js';
import type { Inventory, InventoryGroup } from './types.js';

/** Magic and run-time vars that ansible-inventory leaves out (its INTERNAL_VARS). */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit',
  'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir',
  'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir',
]);

function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) out[k] = v;
  return out;
}

export function hostVarsForListing(inv: Inventory, name: string): Record<string, unknown> {
  const h = inv.hosts.get(name);
  return h ? withoutInternal(inventoryHostVars(inv, h)) : {};
}

/** `ansible-inventory --list` as data. */
export function inventoryList(inv: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (g: InventoryGroup): void => {
    const entry: Record<string, unknown> = {};
    if (g.name !== 'all' && g.hosts.length > 0) entry['hosts'] = [...g.hosts];
    if (g.children.length > 0) entry['children'] = [...g.children];
    if (Object.keys(entry).length > 0) out[g.name] = entry;
    for (const c of g.children) {
      const child = inv.groups.get(c);
      if (child && !seen.has(c)) {
        seen.add(c);
        format(child);
      }
    }
  };
  format(inv.groups.get('all')!);
  const hostvars: Record<string, unknown> = {};
  for (const h of hostsOfGroup(inv, 'all')) {
    const vars = hostVarsForListing(inv, h);
    if (Object.keys(vars).length > 0) hostvars[h] = vars;
  }
  out['_meta'] = { hostvars };
  return out;
}

/** Vars of a group as `--graph --vars` shows them (its own, priority included when not 1). */
function groupVarsForListing(g: InventoryGroup): Record<string, unknown> {
  const o = varOrigins(g);
  const vars: Record<string, unknown> = { ...o.file, ...o.dir };
  if (g.priority !== undefined && g.priority !== 1) vars['ansible_group_priority'] = g.priority;
  return withoutInternal(vars);
}

/** `ansible-inventory --graph [group] [--vars]` */
export function inventoryGraph(inv: Inventory, withVars = false, group = 'all'): string {
  const start = inv.groups.get(group);
  if (!start) throw new TsplayError('TSPLAY_OPTIONS', `--graph needs a group name; '${group}' is not a group`);
  const lines: string[] = [];
  const name = (text: string, depth: number): string => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (vars: Record<string, unknown>, depth: number): void => {
    for (const k of Object.keys(vars).sort(pyCompare)) lines.push(name(`{${k} = ${pyStr(vars[k])}}`, depth));
  };
  const walk = (g: InventoryGroup, depth: number): void => {
    lines.push(name(`@${g.name}:`, depth));
    for (const c of g.children) {
      const child = inv.groups.get(c);
      if (child) walk(child, depth + 1);
    }
    if (g.name !== 'all') {
      for (const h of g.hosts) {
        lines.push(name(h, depth + 1));
        if (withVars) showVars(hostVarsForListing(inv, h), depth + 2);
      }
    }
    if (withVars) showVars(groupVarsForListing(g), depth + 1);
  };
  walk(start, 0);
  return lines.join('\n');
}

function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python's str() of a value: what `--graph --vars` prints. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Date) return pyStringRepr(value.toISOString());
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return quote + out + quote;
}

/** JSON as Python's json.dumps(sort_keys=True, indent=4, ensure_ascii=False). */
export function pythonJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value), null, 4);
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(pyCompare)) out[k] = sortKeysDeep((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export interface InventoryCommandArgs {
  sources: string[];
  list?: boolean;
  graph?: boolean;
  host?: string;
  vars?: boolean;
  /** group to start the graph at (default all) */
  group?: string;
}

/** The text `tsplay inventory -i SRC --list | --graph [--vars] | --host H` prints. */
export async function inventoryCommand(args: InventoryCommandArgs): Promise<string> {
  const actions = [args.list, args.graph, args.host !== undefined].filter(Boolean).length;
  if (actions !== 1) {
    throw new TsplayError('TSPLAY_OPTIONS', actions === 0 ? 'choose one of --list, --graph, --host' : 'only one of --list, --graph, --host at a time');
  }
  const inv = await loadInventory(args.sources);
  if (args.graph) return inventoryGraph(inv, args.vars ?? false, args.group ?? 'all');
  if (args.list) return pythonJson(inventoryList(inv));
  const hosts = matchHosts(inv, args.host!);
  if (hosts.length !== 1) throw new TsplayError('TSPLAY_OPTIONS', `--host needs exactly one host; '${args.host}' matches ${hosts.length}`);
  return pythonJson(hostVarsForListing(inv, hosts[0]!));
}
