/**
 * Static check: every `notify` names a handler (by name or listen topic) of
 * its play. Skipped for plays whose handler set is only known at run time
 * (include_role anywhere) and for templated names.
 */
import { report, type LoadCtx } from './context.js';
import type { Play, Task, TaskNode } from './model.js';
import { closestMatch } from './suggest.js';

function walk(nodes: TaskNode[], visit: (n: TaskNode) => void): void {
  for (const n of nodes) {
    visit(n);
    if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always], visit);
  }
}

/**
 * Names a notify may use: handler tasks (also inside handler blocks and from
 * import_tasks) and include_tasks handlers, by name or listen topic. A block's
 * name is not one (Ansible cannot notify a block), nor are the tasks of an
 * include_tasks handler's file.
 */
function handlerNames(play: Play): Set<string> | undefined {
  const names = new Set<string>();
  let dynamic = false;
  walk(play.handlers, (n) => {
    if (n.kind === 'include_role') dynamic = true;
    if (n.kind === 'block') return;
    const own = [...(n.name ? [n.name] : []), ...(n.kind === 'task' ? n.listen : (n.listen ?? []))];
    for (const name of own) {
      names.add(name);
      // a role handler is also known as "role : name"
      if (n.role) names.add(`${n.role.name} : ${name}`);
    }
  });
  return dynamic ? undefined : names;
}

export function checkNotify(ctx: LoadCtx, play: Play): void {
  const all = [...play.sections.flatMap((s) => s.tasks), ...play.handlers];
  let includesRole = false;
  walk(all, (n) => {
    if (n.kind === 'include_role') includesRole = true;
  });
  const names = handlerNames(play);
  if (!names || includesRole) return;
  walk(all, (n) => {
    if (n.kind === 'block') return;
    for (const target of (n as Task).notify) {
      if (names.has(target) || target.includes('{{')) continue;
      const m = closestMatch(target, names);
      report(ctx, 'TSPLAY_SCHEMA', `notify '${target}' names no handler of the play${m ? ` (did you mean '${m.match}'?)` : ''}`, {
        source: n.source,
        hint: names.size ? `handlers: ${[...names].sort().join(', ')}` : 'the play has no handlers',
        excerpt: target,
      });
    }
  });
}
