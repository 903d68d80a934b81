/**
 * Group membership queries (the `groups` and `group_names` magic variables)
 * and run-time changes (add_host, group_by), as Ansible's InventoryManager.
 */
import { TsplayError } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';
import { applyDirVars, varsDirsOf } from './load.js';
import {
  addHostToGroup,
  ancestorsOf,
  CycleError,
  ensureGroup,
  ensureHost,
  groupDepths,
  hostsOfGroup,
  linkChild,
  parentsMap,
  reconcile,
  setVar,
  sortGroups,
} from './model.js';
import { memoized } from './memo.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

function hostOf(inv: Inventory, host: string | InventoryHost): InventoryHost | undefined {
  return typeof host === 'string' ? inv.hosts.get(host) : host;
}

/** Every group of the host, ancestors and `all` included, in Ansible's sort order (all first). The implicit localhost is in none. */
export function groupsOf(inv: Inventory, host: string | InventoryHost): string[] {
  const h = hostOf(inv, host);
  if (!h || h.implicit) return [];
  // hosts with the same direct groups share the answer
  const key = `groupsOf:${h.groups.join('\u0000')}`;
  const groups = memoized(inv, key, () => {
    const parents = memoized(inv, 'parents', () => parentsMap(inv));
    const names = new Set<string>();
    for (const g of h.groups) {
      names.add(g);
      for (const a of ancestorsOf(inv, g, parents)) names.add(a);
    }
    names.add('all');
    return sortGroups(inv, names, memoized(inv, 'depths', () => groupDepths(inv)));
  });
  return [...groups];
}

/** The `groups` magic variable: every group (all and ungrouped included) to its hosts, children's hosts included. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const cached = memoized(inv, 'groupsMap', () => {
    const out: Record<string, string[]> = {};
    for (const name of inv.groups.keys()) out[name] = hostsOfGroup(inv, name);
    return out;
  });
  // a copy: callers may hand it to templates or change it
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(cached)) out[k] = [...v];
  return out;
}

/** The `group_names` magic variable: the host's groups without `all`, sorted (`ungrouped` stays, as in Ansible). */
export function groupNamesOf(inv: Inventory, host: string | InventoryHost): string[] {
  return groupsOf(inv, host)
    .filter((g) => g !== 'all')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * add_host: creates the host if new (directly in `all`, as Ansible), adds it
 * to the groups (created if new) and merges `vars` over its host vars.
 */
export function addHost(inv: Inventory, name: string, groups: string[], vars: VarsMap = {}): InventoryHost {
  if (!name) throw new TsplayError('TSPLAY_INVENTORY', 'add_host needs a host name');
  const isNew = !inv.hosts.has(name) || inv.hosts.get(name)?.implicit === true;
  const h = ensureHost(inv, name);
  if (isNew) {
    addHostToGroup(inv, h, 'all');
    applyDirVars(h, varsDirsOf(inv), 'hosts');
  }
  for (const [k, v] of Object.entries(vars)) setVar(h, k, v, 'file');
  for (const g of groups) {
    if (!g) continue;
    ensureNewGroup(inv, g);
    addHostToGroup(inv, h, g);
  }
  reconcile(inv);
  return h;
}

/** group_by: creates the group (and its parents) if new, under `parent` or else under `all`. */
export function addGroup(inv: Inventory, name: string, parent?: string | string[]): InventoryGroup {
  if (!name) throw new TsplayError('TSPLAY_INVENTORY', 'a group needs a name');
  const g = ensureNewGroup(inv, name);
  const parents = parent === undefined ? [] : Array.isArray(parent) ? parent : [parent];
  for (const p of parents) {
    ensureNewGroup(inv, p);
    try {
      linkChild(inv, p, name);
    } catch (e) {
      if (e instanceof CycleError) throw new TsplayError('TSPLAY_INVENTORY', e.message);
      throw e;
    }
  }
  reconcile(inv);
  return g;
}

function ensureNewGroup(inv: Inventory, name: string): InventoryGroup {
  const existed = inv.groups.has(name);
  const g = ensureGroup(inv, name);
  if (!existed) applyDirVars(g, varsDirsOf(inv), 'groups');
  return g;
}
