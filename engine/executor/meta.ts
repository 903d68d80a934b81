/** `meta:` actions, run by the executor itself. */
import type { Task } from '../playbook/model.js';
import type { BatchContext } from './context.js';
import { ensureLayers } from './context.js';
import { allHold } from './conditions.js';
import { hostStateOf } from './host-state.js';
import { flushHandlers } from './handlers.js';
import type { GroupEntry, Outcomes } from './task-step.js';
import { allContinue } from './task-step.js';
import { taskRef } from './task-ref.js';
import { taskVarsFor } from './task-vars.js';

export function metaAction(task: Task): string {
  const a = task.args;
  const v = a.free_form ?? a._raw_params ?? a.action ?? Object.values(a).find((x) => typeof x === 'string');
  return String(v ?? '').trim();
}

export async function runMeta(bc: BatchContext, task: Task, entries: GroupEntry[]): Promise<Outcomes> {
  const action = metaAction(task);
  if (action === 'flush_handlers') return flushHandlers(bc, entries.map((e) => e.host));
  const run = bc.play.run;
  await ensureLayers(run);
  const triggered = entries.filter((e) => {
    const conds = [...e.scope.when, ...task.when];
    return conds.length === 0 || allHold(run.services.templar, conds, taskVarsFor({ bc, host: e.host, scope: e.scope, task }));
  });
  const ref = taskRef(bc.play, task);
  run.emitter.emit({ type: 'task_start', v: 1, task: ref, hosts: entries.map((e) => e.host), handler: false });
  for (const e of entries) {
    const hit = triggered.includes(e);
    const result = hit
      ? ({ status: 'ok', reason: `meta: ${action}`, data: {} } as const)
      : ({ status: 'skipped', reason: 'conditional result was false', data: {} } as const);
    run.emitter.emit({ type: 'host_result', v: 1, task: ref, host: e.host, result, durationMs: 0, handler: false });
  }
  const out = allContinue(entries);
  if (triggered.length === 0) return out;
  await applyMeta(bc, action, triggered, out);
  return out;
}

async function applyMeta(bc: BatchContext, action: string, hit: GroupEntry[], out: Outcomes): Promise<void> {
  const pc = bc.play;
  const run = pc.run;
  switch (action) {
    case 'noop':
    case 'refresh_inventory':
      return;
    case 'end_play':
      pc.stopped = 'meta: end_play';
      for (const e of hit) out.set(e.host, { kind: 'task', flow: 'ended' });
      return;
    case 'end_batch':
      bc.endBatch = true;
      return;
    case 'end_host':
      pc.endedHosts ??= new Set();
      for (const e of hit) {
        pc.endedHosts.add(e.host);
        out.set(e.host, { kind: 'task', flow: 'ended' });
      }
      return;
    case 'clear_facts':
      // as Ansible 2.14: the fact cache of every host of the play, whichever host triggered it;
      // set_fact values (also of cacheable ones) and include_vars stay, as Ansible's non-persistent facts
      for (const h of pc.playHosts) {
        const s = hostStateOf(run.hosts, h);
        s.facts = {};
        s.plainFacts = {};
      }
      return;
    case 'clear_host_errors':
      for (const h of pc.playHosts) {
        const s = hostStateOf(run.hosts, h);
        s.failed = false;
        s.unreachable = false;
      }
      return;
    case 'reset_connection':
      for (const e of hit) await run.pool.reset?.(e.host);
      return;
    default:
      run.emitter.emit({ type: 'warning', v: 1, message: `unknown meta action "${action}" ignored` });
  }
}
