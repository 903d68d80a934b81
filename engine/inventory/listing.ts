/**
 * What `ansible-inventory --list | --graph | --host` prints, from the
 * inventory alone (no playbook dir), as ansible/cli/inventory.py.
 */
import { TsplayError } from '../errors.js';
import { MASK, Redactor, SECRET_NAME } from '../output/redact.js';
import { onVaultSecret } from '../vault/index.js';
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
  return h ? listingMask(inv).vars(withoutInternal(inventoryHostVars(inv, h))) : {};
}

/** An inline `!vault` value as `tsplay inventory` keeps it: its ciphertext, as ansible-inventory prints it. */
export interface SealedVaultValue {
  __ansible_vault: string;
}

export function isSealedVaultValue(value: unknown): value is SealedVaultValue {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '__ansible_vault' && typeof (value as SealedVaultValue).__ansible_vault === 'string';
}

/**
 * Secrets never appear in what the inventory command prints (the output goes
 * to CI logs and tickets): inline vault values stay ciphertext, the values of
 * secret-named vars (`*password*`, `*_secret`, `*token`...) are masked, and
 * every other string loses the secrets it quotes (a value decrypted from a
 * vaulted vars file, a password inside a URL).
 */
export class ListingMask {
  constructor(private readonly redactor: Redactor) {}

  vars(vars: Record<string, unknown>): Record<string, unknown> {
    return this.walk(vars, false, 0) as Record<string, unknown>;
  }

  private walk(value: unknown, secret: boolean, depth: number): unknown {
    if (isSealedVaultValue(value)) return { __ansible_vault: value.__ansible_vault };
    if (typeof value === 'string') {
      // a template names where the secret comes from, and is not one
      if (secret && !value.includes('{{')) return MASK;
      return this.redactor.size ? this.redactor.redact(value) : value;
    }
    if (typeof value === 'number') return secret || this.redactor.has(String(value)) ? MASK : value;
    if (value === null || typeof value !== 'object' || depth > 32 || value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, secret, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.walk(v, secret || SECRET_NAME.test(k), depth + 1);
    return out;
  }
}

const masks = new WeakMap<Inventory, ListingMask>();

/** The mask of one inventory: its secret-named values and every value decrypted so far. */
export function listingMask(inv: Inventory): ListingMask {
  let mask = masks.get(inv);
  if (!mask) {
    const redactor = new Redactor();
    for (const h of inv.hosts.values()) addSecrets(redactor, h.vars, false, 0);
    for (const g of inv.groups.values()) addSecrets(redactor, g.vars, false, 0);
    // every value decrypted from a vaulted file so far (the inventory is loaded)
    onVaultSecret((s) => redactor.add(s))();
    mask = new ListingMask(redactor);
    masks.set(inv, mask);
  }
  return mask;
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

/** The scalars under secret-named keys, templates left out (they only name where a secret comes from). */
function addSecrets(redactor: Redactor, value: unknown, secret: boolean, depth: number): void {
  if (isSealedVaultValue(value) || depth > 32) return;
  if (typeof value === 'string' || typeof value === 'number') {
    if (secret && !String(value).includes('{{')) redactor.add(value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) addSecrets(redactor, v, secret || SECRET_NAME.test(k), depth + 1);
  }
}

/** `--graph --vars` is a text view: a vault value shows as the mask, not as a multi-line ciphertext. */
function graphVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = isSealedVaultValue(v) ? MASK : v;
  return out;
}

/** `ansible-inventory --graph [group] [--vars]` */
export function inventoryGraph(inv: Inventory, withVars = false, group = 'all'): string {
  const start = inv.groups.get(group);
  if (!start) throw new TsplayError('TSPLAY_OPTIONS', `--graph needs a group name; '${group}' is not a group`);
  const lines: string[] = [];
  const name = (text: string, depth: number): string => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (vars: Record<string, unknown>, depth: number): void => {
    const shown = graphVars(vars);
    for (const k of Object.keys(shown).sort(pyCompare)) lines.push(name(`{${k} = ${pyStr(shown[k])}}`, depth));
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
    if (withVars) showVars(listingMask(inv).vars(groupVarsForListing(g)), depth + 1);
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
