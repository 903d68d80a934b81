/**
 * Handler flush: each notified handler runs once per host, in the order the
 * handlers are defined, at the end of each section and on meta: flush_handlers.
 */
import type { BatchContext } from './context.js';
import { hostStateOf } from './host-state.js';
import { rootScope } from './scope.js';
import type { Outcomes } from './task-step.js';
import { runTaskGroup } from './task-step.js';

/** Handlers that notify others run in the same flush; this bounds notify loops. */
const MAX_PASSES = 10;

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
      await runTaskGroup(bc, handler, due.map((host) => ({ host, scope })), true);
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
