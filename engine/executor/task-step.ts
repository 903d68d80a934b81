/**
 * Runs one task for a group of hosts (all hosts at that task under linear,
 * one host under free): selection (tags, --start-at-task, --step), run_once,
 * throttle, then for each host its result, stats, register and notify.
 */
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import type { Task } from '../playbook/model.js';
import type { TaskRef } from '../output/events.js';
import type { TaskResult } from '../results.js';
import { toRegistered } from '../results.js';
import type { BatchContext } from './context.js';
import { ensureLayers } from './context.js';
import { truthy } from './conditions.js';
import { hostStateOf } from './host-state.js';
import { censor } from './loop-vars.js';
import { notifyHandlers } from './notify.js';
import type { Scope } from './scope.js';
import { effectiveTags, inherited } from './scope.js';
import { runOnceGroup } from './run-once.js';
import { countResult } from './stats.js';
import { shouldRunByTags } from './tags.js';
import { runTaskOnHost } from './task-runner.js';
import type { TaskOutput } from './task-runner.js';
import { taskRef } from './task-ref.js';
import { taskVarsFor } from './task-vars.js';
import type { Outcome } from './walker.js';

export interface GroupEntry {
  host: string;
  scope: Scope;
}

export type Outcomes = Map<string, Outcome>;

export function allContinue(entries: GroupEntry[], kind: 'task' | 'flush' = 'task'): Outcomes {
  return new Map(entries.map((e) => [e.host, { kind, flow: 'continue' } as Outcome]));
}

/** Whether the task runs at all: tags, --start-at-task, --step. Asked once per task. */
export async function selectTask(bc: BatchContext, task: Task, scope: Scope, implicit = false): Promise<boolean> {
  const pc = bc.play;
  const run = pc.run;
  if (!shouldRunByTags(effectiveTags(task, scope), run.tagFilter)) return false;
  if (implicit) return true;
  if (run.startAtPending) {
    const names = [task.name, task.role && task.name ? `${task.role.name} : ${task.name}` : undefined];
    if (!names.some((n) => n !== undefined && startAtMatches(n, run.opts.startAtTask!))) return false;
    run.startAtPending = false;
  }
  if (!run.opts.step) return true;
  const known = pc.stepAnswers.get(task);
  if (known !== undefined) return known;
  let yes = true;
  if (run.stepAsking) {
    const answer = await run.opts.step(taskRef(pc, task).name);
    if (answer === 'continue') run.stepAsking = false;
    yes = answer !== 'no';
  }
  pc.stepAnswers.set(task, yes);
  return yes;
}

export async function runTaskGroup(bc: BatchContext, task: Task, entries: GroupEntry[], handler: boolean): Promise<Outcomes> {
  const run = bc.play.run;
  const ref = taskRef(bc.play, task);
  await ensureLayers(run);
  const runOnce = !!inherited(task, entries[0]!.scope, 'runOnce');
  if (runOnce || bypassesHostLoop(task)) return runOnceGroup(bc, { task, ref, handler, entries, runOnceKeyword: runOnce });
  run.emitter.emit({ type: 'task_start', v: 1, task: ref, hosts: entries.map((e) => e.host), handler });
  const outcomes: Outcomes = new Map();
  const throttled = throttleOf(bc, task, entries[0]!.scope);
  const limitTask = (fn: () => Promise<void>): Promise<void> => (throttled ? throttled(fn) : fn());
  // the throttle outside forks: a host waiting for its turn at this task holds no fork
  await Promise.all(
    entries.map((e) =>
      limitTask(() =>
        run.forks(async () => {
          const started = Date.now();
          const out = await runTaskOnHost({ bc, host: e.host, task, scope: e.scope, ref });
          outcomes.set(e.host, finishHost(bc, { task, ref, handler, entry: e, out, durationMs: Date.now() - started }));
        }),
      ),
    ),
  );
  return outcomes;
}

/**
 * Modules whose Ansible action plugin has BYPASS_HOST_LOOP: the linear
 * strategy runs them for the first host of the batch only, as run_once.
 */
const BYPASS_HOST_LOOP = new Set(['add_host', 'pause']);

export function bypassesHostLoop(task: Task): boolean {
  return BYPASS_HOST_LOOP.has(task.module);
}

/** The batch's limiter of this task, when it has a throttle. */
function throttleOf(bc: BatchContext, task: Task, scope: Scope): LimitFunction | undefined {
  const throttle = task.throttle ?? inherited(task, scope, 'throttle');
  if (!throttle || throttle <= 0) return undefined;
  const byValue = (bc.throttles ??= new Map()).get(task) ?? new Map<number, LimitFunction>();
  bc.throttles.set(task, byValue);
  let limit = byValue.get(throttle);
  if (!limit) byValue.set(throttle, (limit = pLimit(throttle)));
  return limit;
}

export interface Finish {
  task: Task;
  ref: TaskRef;
  handler: boolean;
  entry: GroupEntry;
  out: TaskOutput;
  durationMs: number;
}

/** Records one host's result: stats, event, register, notify; says how the host goes on. */
export function finishHost(bc: BatchContext, f: Finish): Outcome {
  const pc = bc.play;
  const run = pc.run;
  const { host, scope } = f.entry;
  const state = hostStateOf(run.hosts, host);
  const ignoreErrors = f.out.result.status === 'failed' && ignoresErrors(bc, f);
  const ignoreUnreachable = !!(inherited(f.task, scope, 'ignoreUnreachable') ?? pc.play.ignoreUnreachable);
  const result: TaskResult = ignoreErrors ? { ...f.out.result, ignored: true } : f.out.result;
  const failed = result.status === 'failed' && !ignoreErrors;
  countResult(run.stats, host, result, { rescued: failed && scope.rescuable, ignoreErrors, ignoreUnreachable });
  // shown as the contract says: an ignored failure is an ok result marked ignored; `register` keeps failed
  const reported: TaskResult = ignoreErrors ? ({ ...result, status: 'ok' } as TaskResult) : result;
  const shown = f.out.noLog ? censor(reported) : reported;
  run.emitter.emit({ type: 'host_result', v: 1, task: f.ref, host, result: shown, durationMs: f.durationMs, handler: f.handler, delegatedTo: f.out.delegatedTo });
  if (f.task.register) state.register(f.task.register, toRegistered(result));
  if (result.status === 'changed' && f.task.notify.length > 0) notifyHandlers(bc, host, f.task, scope);
  if (result.status === 'unreachable' && !ignoreUnreachable) {
    state.unreachable = true;
    return { kind: 'task', flow: 'ended' };
  }
  if (!failed) return { kind: 'task', flow: 'continue' };
  if (!scope.rescuable) {
    state.failed = true;
    if (inherited(f.task, scope, 'anyErrorsFatal') ?? pc.play.anyErrorsFatal) stopForFatalError(bc, host, f.ref);
  }
  return { kind: 'task', flow: 'failed', failure: { task: f.task, result: toRegistered(result) } };
}

function ignoresErrors(bc: BatchContext, f: Finish): boolean {
  const value = inherited(f.task, f.entry.scope, 'ignoreErrors') ?? bc.play.play.ignoreErrors;
  if (typeof value !== 'string') return !!value;
  try {
    const vars = taskVarsFor({ bc, host: f.entry.host, scope: f.entry.scope, task: f.task });
    return truthy(bc.play.run.services.templar, value, vars);
  } catch {
    return false; // an ignore_errors that cannot be rendered ignores nothing
  }
}

/** any_errors_fatal: every host of the play stops after the current task. */
function stopForFatalError(bc: BatchContext, host: string, ref: TaskRef): void {
  const pc = bc.play;
  if (pc.stopped) return;
  pc.stopped = `any_errors_fatal: ${host} failed "${ref.name}", stopping all hosts`;
  pc.run.halted = pc.stopped;
  pc.run.emitter.emit({ type: 'warning', v: 1, message: pc.stopped, host, source: ref.source });
  for (const h of pc.playHosts) {
    const s = hostStateOf(pc.run.hosts, h);
    if (s.active) s.failed = true;
  }
}

/** --start-at-task matches the name exactly or as a shell glob (Ansible's fnmatch); also used by the CLI's pre-run check. */
export function startAtMatches(name: string, wanted: string): boolean {
  if (name === wanted) return true;
  if (!/[*?[]/.test(wanted)) return false;
  const re = wanted.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}
