/**
 * The inventory graph and its rules, as Ansible's inventory/data.py, group.py
 * and host.py: implicit `all` and `ungrouped`, cycle checks, depth, the order
 * in which a group yields its hosts.
 */
import { dirname } from 'node:path';
import type { SourcePos } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

/** Names Ansible treats as the local machine. */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/**
 * Vars by origin, kept apart because Ansible merges them interleaved
 * (inventory-file vars of every group rank below group_vars/all/). The
 * contract's `vars` field holds their merge.
 */
export interface VarOrigins {
  file: VarsMap;
  dir: VarsMap;
}

const origins = new WeakMap<InventoryGroup | InventoryHost, VarOrigins>();

export function varOrigins(entity: InventoryGroup | InventoryHost): VarOrigins {
  let o = origins.get(entity);
  if (!o) {
    // created outside the loader: whatever it holds counts as inventory-file vars
    o = { file: { ...entity.vars }, dir: {} };
    origins.set(entity, o);
  }
  return o;
}

export function setVar(entity: InventoryGroup | InventoryHost, key: string, value: unknown, origin: keyof VarOrigins): void {
  const o = varOrigins(entity);
  o[origin][key] = value;
  entity.vars = { ...o.file, ...o.dir };
}

export function createInventory(sources: string[]): Inventory {
  const inv: Inventory = { sources, hosts: new Map(), groups: new Map(), hostOrder: [] };
  ensureGroup(inv, 'all');
  ensureGroup(inv, 'ungrouped');
  linkChild(inv, 'all', 'ungrouped');
  return inv;
}

export function ensureGroup(inv: Inventory, name: string, source?: SourcePos): InventoryGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, hosts: [], children: [], vars: {}, source };
    origins.set(g, { file: {}, dir: {} });
    inv.groups.set(name, g);
  }
  return g;
}

export interface NewHostOptions {
  port?: number;
  source?: SourcePos;
  /** the inventory file that first names the host (null: a host list or run time), as Ansible's inventory_file var */
  inventoryFile?: string | null;
}

export function ensureHost(inv: Inventory, name: string, opts: NewHostOptions = {}): InventoryHost {
  let h = inv.hosts.get(name);
  if (h && h.implicit) {
    // named in the inventory after all: no longer the implicit localhost
    inv.hosts.delete(name);
    h = undefined;
  }
  if (!h) {
    h = { name, vars: {}, groups: [], source: opts.source };
    origins.set(h, { file: {}, dir: {} });
    inv.hosts.set(name, h);
    inv.hostOrder.push(name);
    // as Ansible, a port is taken from the first definition of the host only
    if (opts.port !== undefined) setVar(h, 'ansible_port', opts.port, 'file');
    const file = opts.inventoryFile ?? null;
    setVar(h, 'inventory_file', file, 'file');
    setVar(h, 'inventory_dir', file === null ? null : dirname(file), 'file');
  }
  return h;
}

export function addHostToGroup(inv: Inventory, host: InventoryHost, groupName: string): void {
  const g = inv.groups.get(groupName);
  if (!g) throw new Error(`unknown group ${groupName}`);
  if (!g.hosts.includes(host.name)) g.hosts.push(host.name);
  if (!host.groups.includes(groupName)) host.groups.push(groupName);
}

export class CycleError extends Error {}

/** group.add_child_group: refuses a child that is the group itself or one of its ancestors. */
export function linkChild(inv: Inventory, parent: string, child: string): void {
  const p = inv.groups.get(parent);
  if (!p || !inv.groups.has(child)) throw new Error(`unknown group ${parent} or ${child}`);
  if (p.children.includes(child)) return;
  if (parent === child) throw new CycleError(`can't add group '${child}' to itself`);
  if (ancestorsOf(inv, parent).has(child)) {
    throw new CycleError(`adding group '${child}' as child to '${parent}' creates a recursive dependency loop`);
  }
  p.children.push(child);
}

/** group name -> names of its direct parents, in group order. */
export function parentsMap(inv: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) {
      const list = parents.get(c) ?? [];
      list.push(g.name);
      parents.set(c, list);
    }
  }
  return parents;
}

export function ancestorsOf(inv: Inventory, group: string, parents = parentsMap(inv)): Set<string> {
  const seen = new Set<string>();
  const stack = [...(parents.get(group) ?? [])];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    stack.push(...(parents.get(g) ?? []));
  }
  return seen;
}

/** Ansible's group depth: the longest path from `all` (all = 0). */
export function groupDepths(inv: Inventory, parents = parentsMap(inv)): Map<string, number> {
  const depths = new Map<string, number>();
  const depthOf = (name: string, trail: Set<string>): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (trail.has(name)) return 0; // cycles are refused when linking; be safe anyway
    trail.add(name);
    const ps = parents.get(name) ?? [];
    const d = ps.length === 0 ? 0 : Math.max(...ps.map((p) => depthOf(p, trail) + 1));
    trail.delete(name);
    depths.set(name, d);
    return d;
  };
  for (const name of inv.groups.keys()) depthOf(name, new Set());
  return depths;
}

/** Group names sorted as Ansible's sort_groups: depth, priority, name. */
export function sortGroups(inv: Inventory, names: Iterable<string>, depths = groupDepths(inv)): string[] {
  const key = (n: string): [number, number] => [depths.get(n) ?? 0, inv.groups.get(n)?.priority ?? 1];
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * Hosts of a group and its descendants, in Ansible's order: the group's own
 * hosts, then those of its children, level by level. (Ansible walks deeper
 * levels through a set, so its order there is arbitrary; ours follows the
 * children lists.) `all` never yields the implicit localhost.
 */
export function hostsOfGroup(inv: Inventory, name: string): string[] {
  const start = inv.groups.get(name);
  if (!start) return [];
  const ordered: InventoryGroup[] = [start];
  const seen = new Set([name]);
  let level = [start];
  while (level.length > 0) {
    const next: InventoryGroup[] = [];
    for (const g of level) {
      for (const c of g.children) {
        const child = inv.groups.get(c);
        if (child && !seen.has(c)) {
          seen.add(c);
          ordered.push(child);
          next.push(child);
        }
      }
    }
    level = next;
  }
  const hosts: string[] = [];
  const seenHosts = new Set<string>();
  for (const g of ordered) {
    for (const h of g.hosts) {
      if (seenHosts.has(h)) continue;
      seenHosts.add(h);
      if (name === 'all' && inv.hosts.get(h)?.implicit) continue;
      hosts.push(h);
    }
  }
  return hosts;
}

/**
 * reconcile_inventory: every group descends from `all`; a host in no group
 * (or only in `all`) is in `ungrouped`; a host in another group leaves it.
 */
export function reconcile(inv: Inventory): void {
  const parents = parentsMap(inv);
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && (parents.get(g.name) ?? []).length === 0) linkChild(inv, 'all', g.name);
  }
  const ungrouped = inv.groups.get('ungrouped')!;
  for (const name of inv.hostOrder) {
    const h = inv.hosts.get(name);
    if (!h || h.implicit) continue;
    const real = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
    if (real.length > 0) {
      if (h.groups.includes('ungrouped')) {
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
        ungrouped.hosts = ungrouped.hosts.filter((x) => x !== name);
      }
    } else if (!h.groups.includes('ungrouped')) {
      addHostToGroup(inv, h, 'ungrouped');
    }
  }
}

/** The first localhost-like host of the inventory (Ansible's `inventory.localhost`). */
export function explicitLocalhost(inv: Inventory): InventoryHost | undefined {
  for (const name of inv.hostOrder) {
    if (LOCALHOST_NAMES.includes(name)) return inv.hosts.get(name);
  }
  return undefined;
}

/**
 * get_host with Ansible's implicit localhost: `localhost`, `127.0.0.1` or `::1`
 * absent from the inventory gives a host with ansible_connection=local that is
 * in no group (not even `all`).
 */
export function implicitLocalhost(inv: Inventory, name: string): InventoryHost | undefined {
  if (!LOCALHOST_NAMES.includes(name)) return undefined;
  const explicit = explicitLocalhost(inv);
  if (explicit) return explicit;
  for (const h of inv.hosts.values()) if (h.implicit) return h;
  const h: InventoryHost = { name, vars: { ansible_connection: 'local' }, groups: [], implicit: true };
  origins.set(h, { file: { ansible_connection: 'local' }, dir: {} });
  inv.hosts.set(name, h);
  return h;
}
