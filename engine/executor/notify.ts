/** `notify:` resolution: by handler name, "role : name", or `listen` topic. */
import type { Task } from '../playbook/model.js';
import type { BatchContext, HandlerNode, PlayContext } from './context.js';
import { hostStateOf } from './host-state.js';
import type { Scope } from './scope.js';
import { taskVarsFor } from './task-vars.js';

export function notifyHandlers(bc: BatchContext, host: string, task: Task, scope: Scope): void {
  const pc = bc.play;
  const run = pc.run;
  const state = hostStateOf(run.hosts, host);
  const names = renderNames(bc, host, task, scope);
  for (const name of names) {
    const matches = pc.handlers.filter((h) => handlerAnswers(pc, h, name));
    if (matches.length === 0) {
      run.emitter.emit({ type: 'warning', v: 1, message: `no handler named or listening to "${name}"`, host, source: task.source });
    }
    for (const h of matches) state.notified.add(h);
  }
}

function renderNames(bc: BatchContext, host: string, task: Task, scope: Scope): string[] {
  const { templar } = bc.play.run.services;
  if (!task.notify.some((n) => templar.isTemplated(n))) return task.notify;
  try {
    const vars = taskVarsFor({ bc, host, scope, task });
    return task.notify.map((n) => String(templar.render(n, vars)));
  } catch {
    return task.notify; // reported as "no handler named ..." below
  }
}

function handlerAnswers(_pc: PlayContext, h: HandlerNode, name: string): boolean {
  const own = h.name ?? '';
  const listen = h.listen ?? [];
  if (own === name || listen.includes(name)) return true;
  if (h.role && (`${h.role.name} : ${own}` === name || listen.some((l) => `${h.role!.name} : ${l}` === name))) return true;
  return false;
}
