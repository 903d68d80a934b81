/**
 * Handler flush: each notified handler runs once per host, in the order the
 * handlers are defined, at the end of each section and on meta: flush_handlers.
 * A handler is a task, or an include_tasks whose file runs whole (its tasks
 * in lock-step over the notified hosts) when notified.
 */
import type { DynamicInclude, TaskNode } from '../playbook/model.js';
import type { BatchContext, HandlerNode } from './context.js';
import { hostStateOf } from './host-state.js';
import { rootScope } from './scope.js';
import { runLinear } from './strategy.js';
import type { Outcomes } from './task-step.js';
import { runTaskGroup } from './task-step.js';
import { runIncludeGroup } from './includes.js';
import { walkIncludedParts } from './walker.js';
import type { HostWalker } from './walker.js';

/** Handlers that notify others run in the same flush; this bounds notify loops. */
const MAX_PASSES = 10;

/** Handler blocks only group handlers: their tasks (keywords already pushed down) are the handlers. */
export function flattenHandlers(nodes: TaskNode[]): HandlerNode[] {
  return nodes.flatMap((n): HandlerNode[] => {
    if (n.kind === 'block') return flattenHandlers(n.block);
    return n.kind === 'include_role' ? [] : [n]; // include_role handlers are refused when loading
  });
}

export async function flushHandlers(bc: BatchContext, hosts: string[]): Promise<Outcomes> {
  const pc = bc.play;
  const run = pc.run;
  const force = !!(run.opts.forceHandlers || pc.play.forceHandlers);
  const scope = rootScope(pc.play);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let ranAny = false;
    for (const handler of pc.handlers) {
      if (run.interrupted || pc.stopped) break;
      const due = hosts.filter((h) => {
        const s = hostStateOf(run.hosts, h);
        return s.notified.has(handler) && !s.unreachable && (force || !s.failed);
      });
      if (due.length === 0) continue;
      for (const h of due) hostStateOf(run.hosts, h).notified.delete(handler);
      ranAny = true;
      if (handler.kind === 'task') await runTaskGroup(bc, handler, due.map((host) => ({ host, scope })), true);
      else await runIncludeHandler(bc, handler, due);
    }
    if (!ranAny) break;
  }
  const out: Outcomes = new Map();
  for (const h of hosts) {
    const s = hostStateOf(run.hosts, h);
    out.set(h, { kind: 'flush', flow: s.unreachable ? 'ended' : s.failed ? 'failed' : 'continue' });
  }
  return out;
}

/** The include's result ("included: file") for each host, then its tasks as handlers. */
async function runIncludeHandler(bc: BatchContext, node: DynamicInclude, hosts: string[]): Promise<void> {
  const scope = rootScope(bc.play.play);
  const included = await runIncludeGroup(bc, node, hosts.map((host) => ({ host, scope })), true);
  const walkers = new Map<string, HostWalker>();
  for (const host of hosts) {
    const o = included.get(host);
    if (o?.kind === 'include' && o.flow === 'continue' && o.parts.length > 0) walkers.set(host, walkIncludedParts(node, scope, o.parts));
  }
  if (walkers.size > 0) await runLinear(bc, walkers, true);
}
