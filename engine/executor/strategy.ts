/**
 * The two strategies. linear: every host runs a task before any host moves
 * to the next (the smallest tree position goes first). free: each host runs
 * ahead on its own. Both are bounded by forks (in task-step).
 */
import type { BatchContext } from './context.js';
import { flushHandlers } from './handlers.js';
import { hostStateOf } from './host-state.js';
import { runIncludeGroup } from './includes.js';
import { metaAction, runMeta } from './meta.js';
import type { GroupEntry, Outcomes } from './task-step.js';
import { allContinue, runTaskGroup, selectTask } from './task-step.js';
import { shouldRunByTags } from './tags.js';
import { effectiveTags } from './scope.js';
import { exceedsMaxFail } from './batches.js';
import type { HostWalker, Step, StepPath } from './walker.js';

/** `handler`: the step belongs to an include_tasks handler (its events say so). */
export async function executeStep(bc: BatchContext, step: Step, entries: GroupEntry[], handler = false): Promise<Outcomes> {
  const run = bc.play.run;
  if (step.kind === 'flush') return flushHandlers(bc, entries.map((e) => e.host));
  if (step.kind === 'include') {
    if (!shouldRunByTags(effectiveTags(step.node, step.scope), run.tagFilter)) {
      return new Map(entries.map((e) => [e.host, { kind: 'include', flow: 'continue', parts: [] }]));
    }
    return runIncludeGroup(bc, step.node, entries, handler);
  }
  const task = step.task;
  const implicit = task === bc.play.gatherTask;
  if (task.module === 'meta' && metaAction(task) !== 'flush_handlers' && run.startAtPending) return allContinue(entries);
  if (task.module === 'meta') return shouldRunByTags(effectiveTags(task, step.scope), run.tagFilter) ? runMeta(bc, task, entries) : allContinue(entries);
  if (!(await selectTask(bc, task, step.scope, implicit))) return allContinue(entries);
  return runTaskGroup(bc, task, entries, handler);
}

function stopped(bc: BatchContext): boolean {
  return bc.play.run.interrupted || !!bc.play.stopped || bc.endBatch;
}

/** After each task: max_fail_percentage over the batch. */
function checkFailures(bc: BatchContext): void {
  const pc = bc.play;
  if (pc.stopped) return;
  const failed = bc.batch.filter((h) => !hostStateOf(pc.run.hosts, h).active).length;
  if (exceedsMaxFail(failed, bc.batch.length, pc.play.maxFailPercentage)) {
    pc.stopped = `max_fail_percentage ${pc.play.maxFailPercentage}% exceeded: ${failed} of ${bc.batch.length} hosts failed`;
    pc.run.halted = pc.stopped;
    pc.run.emitter.emit({ type: 'warning', v: 1, message: pc.stopped, source: pc.play.source });
  }
}

export async function runLinear(bc: BatchContext, walkers: Map<string, HostWalker>, handler = false): Promise<void> {
  const pending = new Map<string, Step>();
  for (const [host, w] of walkers) {
    const n = await w.next(undefined as never);
    if (!n.done) pending.set(host, n.value);
  }
  while (pending.size > 0 && !stopped(bc)) {
    const group = pickGroup(pending).sort((a, b) => bc.batch.indexOf(a) - bc.batch.indexOf(b));
    const step = pending.get(group[0]!)!;
    const outcomes = await executeStep(bc, step, group.map((host) => ({ host, scope: scopeOf(pending.get(host)!) })), handler);
    for (const host of group) {
      pending.delete(host);
      const n = await walkers.get(host)!.next(outcomes.get(host) ?? { kind: 'task', flow: 'continue' });
      if (!n.done) pending.set(host, n.value);
    }
    checkFailures(bc);
  }
  for (const host of pending.keys()) await walkers.get(host)!.return(undefined);
}

export async function runFree(bc: BatchContext, walkers: Map<string, HostWalker>): Promise<void> {
  await Promise.all(
    [...walkers].map(async ([host, w]) => {
      let n = await w.next(undefined as never);
      while (!n.done && !stopped(bc)) {
        const outcomes = await executeStep(bc, n.value, [{ host, scope: scopeOf(n.value) }]);
        checkFailures(bc);
        n = await w.next(outcomes.get(host) ?? { kind: 'task', flow: 'continue' });
      }
      if (!n.done) await w.return(undefined);
    }),
  );
}

function scopeOf(step: Step): GroupEntry['scope'] {
  return step.kind === 'flush' ? { blockVars: [], includeParams: {}, when: [], tags: [], keywords: [], rescuable: false } : step.scope;
}

/** Hosts whose next step is the earliest in the tree, at the same node. */
function pickGroup(pending: Map<string, Step>): string[] {
  let best: Step | undefined;
  for (const step of pending.values()) if (!best || comparePaths(step.path, best.path) < 0) best = step;
  const same = (s: Step): boolean => s.kind === best!.kind && comparePaths(s.path, best!.path) === 0 && nodeOf(s) === nodeOf(best!);
  return [...pending].filter(([, s]) => same(s)).map(([h]) => h);
}

function nodeOf(s: Step): object | undefined {
  return s.kind === 'task' ? s.task : s.kind === 'include' ? s.node : undefined;
}

export function comparePaths(a: StepPath, b: StepPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
