/**
 * What results do to the run besides being reported: facts, set_fact,
 * include_vars, add_host and group_by.
 */
import type { Task, VarsMap } from '../playbook/model.js';
import type { TaskResult } from '../results.js';
import type { RunContext } from './context.js';
import { hostStateOf } from './host-state.js';

export interface EffectTarget {
  run: RunContext;
  task: Task;
  /** the host the result belongs to */
  host: string;
  /** delegate_facts: facts, set_fact and include_vars go to this host instead */
  factsHost: string;
  /** only facts, set_fact and include_vars (a run_once result copied to another host of the batch) */
  varsOnly?: boolean;
}

export function applySideEffects(t: EffectTarget, result: TaskResult): void {
  if (result.status !== 'ok' && result.status !== 'changed') return;
  const data = result.data;
  const facts = asMap(data.ansible_facts);
  if (facts) {
    if (t.task.module === 'set_fact') {
      // delegate_facts: set_fact too goes to the delegated host (Ansible's strategy treats all ansible_facts alike)
      hostStateOf(t.run.hosts, t.factsHost).setFact(facts);
      // cacheable: also stored as facts, so they survive as ansible_facts
      if (data.cacheable === true) Object.assign(hostStateOf(t.run.hosts, t.factsHost).facts, facts);
    } else {
      const state = hostStateOf(t.run.hosts, t.factsHost);
      Object.assign(state.facts, withoutAnsiblePrefix(facts));
      for (const [k, v] of Object.entries(facts)) if (!k.startsWith('ansible_')) state.plainFacts[k] = v;
    }
  }
  const included = asMap(data.include_vars);
  if (included) Object.assign(hostStateOf(t.run.hosts, t.factsHost).includeVars, included);
  if (t.varsOnly) return;
  const changedInventory = addHosts(t, data.add_host) || addGroups(t, data.add_group);
  // as Ansible (InventoryManager.add_dynamic_host/_group): add_host and group_by
  // report changed when the inventory changed, which is known only once applied
  if (changedInventory && result.status === 'ok') (result as { status: TaskResult['status'] }).status = 'changed';
}

/** What add_host/group_by may change about a host: its variables and groups, and a group's children. */
function inventorySignature(t: EffectTarget, host: string, groups: string[]): string {
  const inv = t.run.opts.inventory;
  const h = inv.hosts.get(host);
  const hostPart = h && !h.implicit ? [h.vars, h.groups] : null;
  return JSON.stringify([hostPart, groups.map((g) => inv.groups.get(g)?.children ?? null)]);
}

function addHosts(t: EffectTarget, value: unknown): boolean {
  let changed = false;
  for (const entry of listOf(value)) {
    const name = entry.host_name ?? entry.name ?? entry.hostname;
    if (typeof name !== 'string') continue;
    const groups = stringList(entry.groups ?? entry.groupname ?? entry.group);
    const vars = asMap(entry.host_vars) ?? asMap(entry.vars) ?? {};
    const before = inventorySignature(t, name, groups);
    for (const g of groups) if (!t.run.opts.inventory.groups.has(g)) t.run.services.inventory.addGroup(t.run.opts.inventory, g);
    t.run.services.inventory.addHost(t.run.opts.inventory, name, groups, vars);
    t.run.layers.delete(name);
    if (inventorySignature(t, name, groups) !== before) changed = true;
  }
  return changed;
}

function addGroups(t: EffectTarget, value: unknown): boolean {
  const inv = t.run.opts.inventory;
  let changed = false;
  for (const entry of listOf(value)) {
    const name = entry.name ?? entry.key ?? entry.group;
    if (typeof name !== 'string') continue;
    const parents = stringList(entry.parents);
    const host = typeof entry.host === 'string' ? entry.host : t.host;
    const before = inventorySignature(t, host, parents);
    // every parent is linked, also for a group that exists already (Ansible's add_child_group)
    if (parents.length === 0 && !inv.groups.has(name)) t.run.services.inventory.addGroup(inv, name);
    for (const p of parents) t.run.services.inventory.addGroup(inv, name, p);
    t.run.services.inventory.addHost(inv, host, [name], {});
    t.run.layers.delete(host);
    if (inventorySignature(t, host, parents) !== before) changed = true;
  }
  return changed;
}

/**
 * Facts are kept as the `ansible_facts` namespace shows them: setup returns
 * ansible_hostname, the namespace has hostname (Ansible's namespace_facts).
 */
function withoutAnsiblePrefix(facts: VarsMap): VarsMap {
  const out: VarsMap = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k.slice('ansible_'.length) : k] = v;
  return out;
}

function asMap(v: unknown): VarsMap | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as VarsMap) : undefined;
}

function listOf(v: unknown): VarsMap[] {
  if (Array.isArray(v)) return v.filter((x): x is VarsMap => !!asMap(x));
  const m = asMap(v);
  return m ? [m] : [];
}

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}
