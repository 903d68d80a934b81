/**
 * Walks a play's task tree for one host, as an async generator: it yields
 * each step (task, include, handler flush) and the scheduler answers with the
 * outcome. Blocks, rescue/always and includes are decided here, so strategies
 * only decide *when* steps run.
 */
import type { Block, DynamicInclude, Task, TaskNode, VarsMap } from '../playbook/model.js';
import type { PlayContext } from './context.js';
import type { Scope } from './scope.js';
import { blockScope, includeScope, rootScope } from './scope.js';

/** Position in the tree; the linear strategy runs the smallest first. */
export type StepPath = number[];

export type Step =
  | { kind: 'task'; task: Task; scope: Scope; path: StepPath }
  | { kind: 'include'; node: DynamicInclude; scope: Scope; path: StepPath }
  | { kind: 'flush'; path: StepPath };

/** continue: next task; failed: a task failed (goes to rescue); ended: host leaves the play */
export type Flow = 'continue' | 'failed' | 'ended';

export interface IncludedPart {
  nodes: TaskNode[];
  params: VarsMap;
}

export type Outcome =
  | { kind: 'task'; flow: Flow; failure?: { task: Task; result: VarsMap } }
  | { kind: 'include'; flow: Flow; parts: IncludedPart[]; failure?: { task: TaskNode; result: VarsMap } }
  | { kind: 'flush'; flow: Flow };

export type HostWalker = AsyncGenerator<Step, void, Outcome>;

export interface WalkOptions {
  gatherTask?: Task;
  forceHandlers: boolean;
}

export async function* walkPlay(pc: PlayContext, opts: WalkOptions): HostWalker {
  const scope = rootScope(pc.play);
  if (opts.gatherTask) {
    const out = yield { kind: 'task', task: opts.gatherTask, scope, path: [-1] };
    if (out.flow !== 'continue') return;
  }
  const sections = pc.play.sections;
  for (let s = 0; s < sections.length; s++) {
    const tasks = sections[s]!.tasks;
    const result = yield* walkNodes(tasks, scope, [s]);
    if (result === 'ended') return;
    if (result === 'failed' && !opts.forceHandlers) return;
    // roles and tasks are one section for handlers, as Ansible compiles the play
    if (result === 'continue' && sections[s]!.name === 'roles' && sections[s + 1]?.name === 'tasks') continue;
    const flushed = yield { kind: 'flush', path: [s, tasks.length] };
    if (result === 'failed' || flushed.flow !== 'continue') return;
  }
}

async function* walkNodes(nodes: TaskNode[], scope: Scope, path: StepPath): AsyncGenerator<Step, Flow, Outcome> {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const p = [...path, i];
    let flow: Flow;
    if (node.kind === 'task') flow = (yield { kind: 'task', task: node, scope, path: p }).flow;
    else if (node.kind === 'block') flow = yield* walkBlock(node, scope, p);
    else flow = yield* walkInclude(node, scope, p);
    if (flow !== 'continue') return flow;
  }
  return 'continue';
}

/** The tasks an include_tasks handler pulled in, for one host: a walk of their own. */
export async function* walkIncludedParts(node: DynamicInclude, scope: Scope, parts: IncludedPart[]): HostWalker {
  for (let j = 0; j < parts.length; j++) {
    const flow = yield* walkNodes(parts[j]!.nodes, includeScope(scope, node, parts[j]!.params), [j]);
    if (flow !== 'continue') return;
  }
}

async function* walkInclude(node: DynamicInclude, scope: Scope, path: StepPath): AsyncGenerator<Step, Flow, Outcome> {
  const out = yield { kind: 'include', node, scope, path };
  if (out.kind !== 'include' || out.flow !== 'continue') return out.flow;
  for (let j = 0; j < out.parts.length; j++) {
    const part = out.parts[j]!;
    const flow = yield* walkNodes(part.nodes, includeScope(scope, node, part.params), [...path, j]);
    if (flow !== 'continue') return flow;
  }
  return 'continue';
}

async function* walkBlock(block: Block, scope: Scope, path: StepPath): AsyncGenerator<Step, Flow, Outcome> {
  const hasRescue = block.rescue.length > 0;
  const inner = blockScope(scope, block, hasRescue || scope.rescuable);
  let flow = yield* trackFailures(walkNodes(block.block, inner, [...path, 0]));
  // rescue and always see what failed (Ansible keeps these as host facts)
  const outer = blockScope(scope, block, scope.rescuable);
  if (flow.failure) outer.includeParams = { ...outer.includeParams, ...failureVars(flow.failure) };
  if (flow.flow === 'failed' && hasRescue) flow = yield* trackFailures(walkNodes(block.rescue, outer, [...path, 1]));
  if (flow.flow === 'ended') return 'ended';
  if (block.always.length > 0) {
    const always = yield* trackFailures(walkNodes(block.always, outer, [...path, 2]));
    if (always.flow !== 'continue') return always.flow;
  }
  return flow.flow;
}

/** Runs a sub-walk and remembers the last failed task and result, for ansible_failed_*. */
async function* trackFailures(gen: AsyncGenerator<Step, Flow, Outcome>): AsyncGenerator<Step, { flow: Flow; failure?: { task: TaskNode; result: VarsMap } }, Outcome> {
  let failure: { task: TaskNode; result: VarsMap } | undefined;
  let next = await gen.next(undefined as unknown as Outcome);
  while (!next.done) {
    const out: Outcome = yield next.value;
    if ('failure' in out && out.failure) failure = out.failure;
    next = await gen.next(out);
  }
  return { flow: next.value, failure };
}

function failureVars(f: { task: TaskNode; result: VarsMap }): VarsMap {
  return { ansible_failed_task: { name: f.task.name ?? '', source: f.task.source }, ansible_failed_result: f.result };
}
