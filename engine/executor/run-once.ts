/**
 * run_once, as ansible-playbook's linear strategy does it: the first host of
 * the batch at the task runs it, ONE result is shown and counted (for that
 * host; the event names the delegated host when there is one), and the
 * result is copied to every other host of the batch: `register`, set_fact and
 * gathered facts, include_vars. Handlers are notified for the host that ran
 * only. A failure that is not ignored fails every host at the task (each goes
 * to its rescue or leaves the play) but is counted for the host that ran.
 *
 * Under `free` the first host to reach the task runs it and the others take
 * its result when they get there (ansible-playbook does not support run_once
 * with free and runs the task everywhere, with a warning).
 *
 * add_host and pause take this path without run_once (their Ansible action
 * plugins bypass the host loop), except that `register` stays with the host
 * that ran. Under free ansible-playbook refuses them; tsplay runs them once.
 */
import type { Task } from '../playbook/model.js';
import type { TaskRef } from '../output/events.js';
import type { TaskResult } from '../results.js';
import type { BatchContext } from './context.js';
import { hostStateOf } from './host-state.js';
import { applySideEffects } from './side-effects.js';
import { runTaskOnHost } from './task-runner.js';
import type { TaskOutput } from './task-runner.js';
import type { GroupEntry, Outcomes } from './task-step.js';
import { finishHost } from './task-step.js';
import type { Outcome } from './walker.js';

/** The run of a run_once task for one batch, shared by the hosts that reach it later. */
export interface SharedRun {
  host: string;
  out: TaskOutput;
  outcome: Outcome;
}

export interface RunOnceGroup {
  task: Task;
  ref: TaskRef;
  handler: boolean;
  entries: GroupEntry[];
  /**
   * run_once was written: `register` goes to every host of the batch. A
   * module bypassing the host loop (add_host) registers for the first host
   * only (Ansible's get_task_hosts looks at task.run_once alone).
   */
  runOnceKeyword: boolean;
}

export async function runOnceGroup(bc: BatchContext, g: RunOnceGroup): Promise<Outcomes> {
  const done = await (isFree(bc) ? sharedRun(bc, g) : runFirst(bc, g, g.entries[0]!));
  const outcomes: Outcomes = new Map();
  for (const e of g.entries) outcomes.set(e.host, e.host === done.host ? done.outcome : followerOutcome(bc, e, done));
  return outcomes;
}

function isFree(bc: BatchContext): boolean {
  return (bc.play.run.opts.strategy ?? bc.play.play.strategy) === 'free';
}

/**
 * free: the run of the first host to get here, which the others take when
 * they reach the same task the same time (a handler flushed twice, a file
 * included in a loop: each time is a run of its own). Under linear the hosts
 * at a task are one group, and a host reaching it later (from a rescue) runs
 * it again, as the first host of its own group, as ansible-playbook does.
 */
function sharedRun(bc: BatchContext, g: RunOnceGroup): Promise<SharedRun> {
  const key = occurrence(bc, g.task, g.entries);
  const runs = bc.runOnce.get(g.task) ?? new Map<number, Promise<SharedRun>>();
  bc.runOnce.set(g.task, runs);
  let shared = runs.get(key);
  if (!shared) {
    shared = runFirst(bc, g, g.entries[0]!);
    runs.set(key, shared);
  }
  return shared;
}

async function runFirst(bc: BatchContext, g: RunOnceGroup, first: GroupEntry): Promise<SharedRun> {
  const run = bc.play.run;
  run.emitter.emit({ type: 'task_start', v: 1, task: g.ref, hosts: [first.host], handler: g.handler });
  const started = Date.now();
  const out = await run.forks(() => runTaskOnHost({ bc, host: first.host, task: g.task, scope: first.scope, ref: g.ref }));
  const outcome = finishHost(bc, { task: g.task, ref: g.ref, handler: g.handler, entry: first, out, durationMs: Date.now() - started });
  copyToBatch(bc, { task: g.task, from: first.host, out, register: g.runOnceKeyword });
  return { host: first.host, out, outcome };
}

/** Which time this host reaches the task. */
function occurrence(bc: BatchContext, task: Task, entries: GroupEntry[]): number {
  const visits = bc.runOnceVisits.get(task) ?? new Map<string, number>();
  bc.runOnceVisits.set(task, visits);
  let key = 0;
  entries.forEach((e, i) => {
    const n = (visits.get(e.host) ?? 0) + 1;
    visits.set(e.host, n);
    if (i === 0) key = n;
  });
  return key;
}

interface CopyFrom {
  task: Task;
  from: string;
  out: TaskOutput;
  register: boolean;
}

/** register and facts of the first host's result go to every other host of the batch (not unreachable ones). */
function copyToBatch(bc: BatchContext, { task, from, out, register }: CopyFrom): void {
  const run = bc.play.run;
  const registered = task.register ? hostStateOf(run.hosts, from).registered[task.register] : undefined;
  // delegate_facts: the facts belong to the delegated host, not to the batch
  const factsShared = !(out.delegatedTo && task.delegateFacts);
  const items: TaskResult[] = out.result.results ?? [out.result];
  for (const host of bc.batch) {
    const state = hostStateOf(run.hosts, host);
    if (host === from || state.unreachable) continue;
    if (task.register && register) state.register(task.register, registered);
    if (!factsShared) continue;
    for (const item of items) applySideEffects({ run, task, host, factsHost: host, varsOnly: true }, item);
  }
}

/** A host that did not run the task follows the first host's result, shown and counted nowhere. */
function followerOutcome(bc: BatchContext, e: GroupEntry, done: SharedRun): Outcome {
  if (done.outcome.flow !== 'failed' || done.out.result.status === 'unreachable') return { kind: 'task', flow: 'continue' };
  if (!e.scope.rescuable) hostStateOf(bc.play.run.hosts, e.host).failed = true;
  const failure = done.outcome.kind === 'task' ? done.outcome.failure : undefined;
  return { kind: 'task', flow: 'failed', failure };
}
