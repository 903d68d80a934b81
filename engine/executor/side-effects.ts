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
      Object.assign(hostStateOf(t.run.hosts, t.factsHost).setFacts, facts);
      // cacheable: also stored as facts, so they survive as ansible_facts
      if (data.cacheable === true) Object.assign(hostStateOf(t.run.hosts, t.factsHost).facts, facts);
    } else {
      Object.assign(hostStateOf(t.run.hosts, t.factsHost).facts, facts);
    }
  }
  const included = asMap(data.include_vars);
  if (included) Object.assign(hostStateOf(t.run.hosts, t.factsHost).includeVars, included);
  if (t.varsOnly) return;
  addHosts(t, data.add_host);
  addGroups(t, data.add_group);
}

function addHosts(t: EffectTarget, value: unknown): void {
  for (const entry of listOf(value)) {
    const name = entry.host_name ?? entry.name ?? entry.hostname;
    if (typeof name !== 'string') continue;
    const groups = stringList(entry.groups ?? entry.groupname ?? entry.group);
    const vars = asMap(entry.host_vars) ?? asMap(entry.vars) ?? {};
    for (const g of groups) if (!t.run.opts.inventory.groups.has(g)) t.run.services.inventory.addGroup(t.run.opts.inventory, g);
    t.run.services.inventory.addHost(t.run.opts.inventory, name, groups, vars);
    t.run.layers.delete(name);
  }
}

function addGroups(t: EffectTarget, value: unknown): void {
  const inv = t.run.opts.inventory;
  for (const entry of listOf(value)) {
    const name = entry.name ?? entry.key ?? entry.group;
    if (typeof name !== 'string') continue;
    const parents = stringList(entry.parents);
    if (!inv.groups.has(name)) t.run.services.inventory.addGroup(inv, name, parents[0]);
    for (const p of parents.slice(1)) t.run.services.inventory.addGroup(inv, name, p);
    const host = typeof entry.host === 'string' ? entry.host : t.host;
    t.run.services.inventory.addHost(inv, host, [name], {});
    t.run.layers.delete(host);
  }
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
