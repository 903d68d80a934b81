/**
 * Groups an earlier play may create at run time (add_host, group_by), for the
 * static check of a later play's `hosts:`. Static names go into a copy of the
 * inventory: a group_by group holds the hosts of the play that runs it (a
 * superset of who ends up there), an add_host group the added host. A
 * templated name is kept as a pattern (`day2_{{ x }}` matches `day2_*`) with
 * the task's source, so the check can say which task may create the group.
 */
import type { SourcePos } from '../errors.js';
import { addGroup, addHost } from '../inventory/groups.js';
import { matchHosts, splitHostPattern } from '../inventory/patterns.js';
import type { Inventory } from '../inventory/types.js';
import type { LoadCtx } from './context.js';
import type { Play, Task, TaskNode } from './model.js';

export interface TemplatedGroup {
  /** what the templated name can render to */
  re: RegExp;
  /** names it most likely renders to: its string literals, and the loop's when it names the loop variable */
  likely: string[];
  written: string;
  module: 'group_by' | 'add_host';
  source: SourcePos;
}

export interface RuntimeGroups {
  /** the inventory with every statically named run-time group and host added */
  inventory: Inventory;
  templated: TemplatedGroup[];
}

/** After a play is read: remember the groups its tasks and handlers may create. */
export function noteRuntimeGroups(ctx: LoadCtx, play: Play): void {
  if (!ctx.inventory) return;
  const tasks: Task[] = [];
  collectTasks([...play.sections.flatMap((s) => s.tasks), ...play.handlers], tasks);
  for (const task of tasks) {
    if (task.module === 'group_by') noteGroupBy(runtimeOf(ctx), task, playHostsOf(runtimeOf(ctx), play));
    else if (task.module === 'add_host') noteAddHost(runtimeOf(ctx), task);
  }
}

export type RuntimeAnswer = { kind: 'created' } | { kind: 'maybe'; group: string; by: TemplatedGroup };

/**
 * For a pattern that matches no host of the inventory: whether an earlier
 * play creates its hosts, or may (a templated group name that fits).
 */
export function runtimeHostsOf(ctx: LoadCtx, pattern: string): RuntimeAnswer | undefined {
  const rt = ctx.runtimeGroups;
  if (!rt) return undefined;
  try {
    if (matchHosts(rt.inventory, pattern).length > 0) return { kind: 'created' };
  } catch {
    return undefined;
  }
  for (const part of splitHostPattern(pattern).parts) {
    if (part.startsWith('!')) continue;
    const name = part.replace(/^&/, '');
    if (rt.inventory.groups.has(name) || rt.inventory.hosts.has(name)) continue;
    const by = rt.templated.find((t) => t.likely.includes(name)) ?? rt.templated.find((t) => t.re.test(name));
    if (by) return { kind: 'maybe', group: name, by };
  }
  return undefined;
}

function runtimeOf(ctx: LoadCtx): RuntimeGroups {
  ctx.runtimeGroups ??= { inventory: shapeOf(ctx.inventory!), templated: [] };
  return ctx.runtimeGroups;
}

/** A copy of the hosts and groups without their variables (which may hold vault values), to add to freely. */
function shapeOf(inv: Inventory): Inventory {
  const hosts = new Map([...inv.hosts].map(([k, h]) => [k, { ...h, vars: {}, groups: [...h.groups] }]));
  const groups = new Map([...inv.groups].map(([k, g]) => [k, { ...g, vars: {}, hosts: [...g.hosts], children: [...g.children] }]));
  return { sources: [...inv.sources], hosts, groups, hostOrder: [...inv.hostOrder] };
}

function collectTasks(nodes: TaskNode[], out: Task[]): void {
  for (const n of nodes) {
    if (n.kind === 'task') out.push(n);
    else if (n.kind === 'block') collectTasks([...n.block, ...n.rescue, ...n.always], out);
    // include_tasks / include_role: their tasks are only known at run time
  }
}

/** The hosts the play may run on; all hosts when its pattern is templated. */
function playHostsOf(rt: RuntimeGroups, play: Play): string[] {
  if (!play.hosts.includes('{{')) {
    try {
      return matchHosts(rt.inventory, play.hosts);
    } catch {
      /* reported by the play's own check */
    }
  }
  return [...rt.inventory.hostOrder];
}

function noteGroupBy(rt: RuntimeGroups, task: Task, hosts: string[]): void {
  const written = typeof task.args.key === 'string' ? task.args.key.trim() : undefined;
  if (!written) return;
  const key = written.includes('{{') ? written : written.replace(/ /g, '-'); // as the module names the group
  const parents = names(task.args.parents);
  const staticParents = parents.filter((p) => !p.includes('{{'));
  for (const p of parents.filter((x) => x.includes('{{'))) rt.templated.push(templated(p, 'group_by', task));
  if (key.includes('{{')) {
    rt.templated.push(templated(key, 'group_by', task));
    // the hosts reach the static parents through the unknown group
    for (const p of staticParents) addGroup(rt.inventory, p);
    for (const h of hosts) addHost(rt.inventory, h, staticParents);
    return;
  }
  addGroup(rt.inventory, key, staticParents.length ? staticParents : undefined);
  for (const h of hosts) addHost(rt.inventory, h, [key]);
}

function noteAddHost(rt: RuntimeGroups, task: Task): void {
  const a = task.args;
  const name = [a.name, a.host, a.hostname].find((v): v is string => typeof v === 'string');
  const groups = [...names(a.groups), ...names(a.group), ...names(a.groupname)];
  for (const g of groups.filter((x) => x.includes('{{'))) rt.templated.push(templated(g, 'add_host', task));
  // a templated host name stays as written: only its groups matter here
  if (name) addHost(rt.inventory, name, groups.filter((g) => !g.includes('{{')));
}

/** A list, or a comma-separated string; a whole-list template stays one entry. */
function names(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof v !== 'string') return [];
  if (/^\s*\{\{[^}]*\}\}\s*$/.test(v)) return [v.trim()];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

const TEMPLATE = /\{\{(.*?)\}\}|\{%.*?%\}/gs;

function templated(written: string, module: TemplatedGroup['module'], task: Task): TemplatedGroup {
  const pieces = written.split(TEMPLATE_SPLIT).map((s) => s.replace(/ /g, '-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { re: new RegExp(`^${pieces.join('.*')}$`, 's'), likely: likelyNames(written, task), written, module, source: task.source };
}

const TEMPLATE_SPLIT = /\{\{.*?\}\}|\{%.*?%\}/s;

/**
 * `day2_{{ 'a' if x else 'b' }}` likely renders to day2_a or day2_b, and
 * `{{ item }}` to a string the loop names: only for one `{{ }}` in the name.
 */
function likelyNames(written: string, task: Task): string[] {
  const exprs = [...written.matchAll(TEMPLATE)];
  if (exprs.length !== 1 || exprs[0]![1] === undefined) return [];
  const expr = exprs[0]![1];
  const [before, after] = [written.slice(0, exprs[0]!.index), written.slice(exprs[0]!.index! + exprs[0]![0].length)];
  const values = stringLiterals(expr);
  const loopVar = task.loopControl?.loopVar ?? 'item';
  if (task.loop !== undefined && new RegExp(`\\b${loopVar}\\b`).test(expr)) values.push(...loopLiterals(task.loop));
  return values.map((v) => `${before}${v}${after}`.replace(/ /g, '-'));
}

function stringLiterals(text: string): string[] {
  return [...text.matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean);
}

function loopLiterals(loop: unknown): string[] {
  if (typeof loop === 'string') return stringLiterals(loop);
  return Array.isArray(loop) ? loop.filter((x): x is string => typeof x === 'string' && !x.includes('{{')) : [];
}
