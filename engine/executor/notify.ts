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
    const matches = handlersFor(pc, name);
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

/**
 * As ansible-playbook 2.14: ONE handler of that name (or "role : name")
 * answers, and every handler listening to it. Ansible searches its handler
 * blocks last first (a play handler overrides a role handler of the same
 * name) and each block first to last (the bare handlers of one file are one
 * block): the first match of the file (and role) holding the last match.
 */
function handlersFor(pc: PlayContext, name: string): HandlerNode[] {
  const last = pc.handlers.findLast((h) => namedAs(h, name));
  const named = last && pc.handlers.find((h) => namedAs(h, name) && h.role === last.role && h.source.file === last.source.file);
  return pc.handlers.filter((h) => h === named || listensTo(h, name));
}

function namedAs(h: HandlerNode, name: string): boolean {
  const own = h.name ?? '';
  return own === name || (!!h.role && `${h.role.name} : ${own}` === name);
}

function listensTo(h: HandlerNode, name: string): boolean {
  const listen = h.listen ?? [];
  return listen.includes(name) || (!!h.role && listen.some((l) => `${h.role!.name} : ${l}` === name));
}
