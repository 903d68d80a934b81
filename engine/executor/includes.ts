/**
 * include_tasks / include_role: resolved per host at run time (with loops);
 * hosts including the same file share its task objects, so the linear
 * strategy keeps them in step.
 */
import { isAbsolute, join } from 'node:path';
import type { DynamicInclude, TaskNode, VarsMap } from '../playbook/model.js';
import type { TaskResult } from '../results.js';
import type { BatchContext } from './context.js';
import { ensureLayers } from './context.js';
import { allHold } from './conditions.js';
import { expandLoop } from './loops.js';
import { loopItemVars } from './loop-vars.js';
import { errorResult } from './module-runner.js';
import { countInclude } from './stats.js';
import type { GroupEntry } from './task-step.js';
import { taskRef } from './task-ref.js';
import { taskVarsFor } from './task-vars.js';
import type { IncludedPart, Outcome } from './walker.js';
import { hostStateOf } from './host-state.js';
import { flattenHandlers } from './handlers.js';

export async function runIncludeGroup(bc: BatchContext, node: DynamicInclude, entries: GroupEntry[], handler = false): Promise<Map<string, Outcome>> {
  const run = bc.play.run;
  const ref = taskRef(bc.play, node);
  await ensureLayers(run);
  run.emitter.emit({ type: 'task_start', v: 1, task: ref, hosts: entries.map((e) => e.host), handler });
  const outcomes = new Map<string, Outcome>();
  for (const e of entries) {
    const started = Date.now();
    let parts: IncludedPart[] = [];
    let result: TaskResult;
    try {
      parts = await resolveParts(bc, node, e);
      result = parts.length === 0 && (node.when.length > 0 || e.scope.when.length > 0)
        ? { status: 'skipped', reason: 'conditional result was false', data: {} }
        : { status: 'ok', reason: `included: ${node.target}`, data: { include: node.target } };
    } catch (err) {
      result = errorResult(err);
    }
    const failed = result.status === 'failed';
    const how = { rescued: failed && e.scope.rescuable, ignoreErrors: false, ignoreUnreachable: false };
    countInclude(run.stats, e.host, result, { ...how, kind: node.kind, files: parts.length });
    run.emitter.emit({ type: 'host_result', v: 1, task: ref, host: e.host, result, durationMs: Date.now() - started, handler });
    if (failed && !e.scope.rescuable) hostStateOf(run.hosts, e.host).failed = true;
    outcomes.set(e.host, { kind: 'include', flow: failed ? 'failed' : 'continue', parts, failure: failed ? { task: node, result: { failed: true, msg: result.msg } } : undefined });
  }
  return outcomes;
}

async function resolveParts(bc: BatchContext, node: DynamicInclude, e: GroupEntry): Promise<IncludedPart[]> {
  const { templar } = bc.play.run.services;
  const base = taskVarsFor({ bc, host: e.host, scope: e.scope, task: node });
  const conds = [...e.scope.when, ...node.when];
  const items = node.loop === undefined ? [undefined] : expandLoop(node.loopKind ?? 'loop', templar.render(node.loop, base), { searchDirs: [] });
  const parts: IncludedPart[] = [];
  for (let i = 0; i < items.length; i++) {
    const loopVars = node.loop === undefined ? {} : loopItemVars(node.loopControl, items, i);
    const vars = { ...base, ...loopVars };
    if (!allHold(templar, conds, vars)) continue;
    const params = { ...(templar.render(node.params, vars) as VarsMap), ...loopVars };
    const target = String(templar.render(node.target, vars));
    parts.push({ nodes: await loadNodes(bc, node, target), params });
  }
  return parts;
}

async function loadNodes(bc: BatchContext, node: DynamicInclude, target: string): Promise<TaskNode[]> {
  const pc = bc.play;
  const run = pc.run;
  // one load per include site: two include_role of the same role with other
  // vars (or another apply:) must not share the first one's role instance
  const site = `${node.source.file}:${node.source.line}:${node.source.col}`;
  const key = `${node.kind}\0${target}\0${site}\0${node.role?.path ?? ''}\0${JSON.stringify(node.from ?? {})}`;
  let loaded = run.includeCache.get(key);
  if (!loaded) {
    loaded = node.kind === 'include_tasks' ? loadTasks(bc, node, target) : loadRoleTasks(bc, node, target);
    run.includeCache.set(key, loaded);
  }
  return loaded;
}

function loadTasks(bc: BatchContext, node: DynamicInclude, target: string): Promise<TaskNode[]> {
  const dir = bc.play.run.opts.playbook.dir;
  const baseDir = node.baseDir ?? (node.role ? join(node.role.path, 'tasks') : dir);
  const file = isAbsolute(target) ? target : join(baseDir, target);
  return bc.play.run.services.loadTaskFile(file, { source: node.source, role: node.role, playbookDir: dir, baseDir, apply: node.apply });
}

async function loadRoleTasks(bc: BatchContext, node: DynamicInclude, name: string): Promise<TaskNode[]> {
  const pc = bc.play;
  const included = await pc.run.services.includeRole({ name, from: node.from, playbookDir: pc.run.opts.playbook.dir, source: node.source, params: node.params, apply: node.apply });
  for (const h of flattenHandlers(included.handlers)) if (!pc.handlers.includes(h)) pc.handlers.push(h);
  return included.tasks;
}
