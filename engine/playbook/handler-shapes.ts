/**
 * What a handler may be. As in Ansible: a task; a `block:` whose tasks are
 * handlers, each notified by its own name; `import_tasks`, expanded when
 * loading (the imported tasks are handlers, notified by their own names);
 * `include_tasks`, notified by its name or `listen`, running the whole file.
 * Shapes Ansible accepts but runs in surprising ways are errors here:
 * rescue/always in a handler block (Ansible never runs them), `listen` on
 * import_tasks (Ansible drops it), and roles included or imported as handlers.
 */
import type { FileScope, LoadCtx } from './context.js';
import { reportAt } from './context.js';
import { includeActionOf } from './keywords.js';
import type { MapEntry } from './ynode.js';

export function checkHandlerShape(ctx: LoadCtx, scope: FileScope, entries: MapEntry[], include?: MapEntry): void {
  if (!scope.handlers) return;
  const action = include ? includeActionOf(include.key) : undefined;
  if (entries.some((e) => e.key === 'block')) {
    for (const e of entries.filter((x) => x.key === 'rescue' || x.key === 'always')) {
      reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_SCHEMA', `'${e.key}' is not supported in a handler block: a handler block only groups handlers`, {
        hint: 'move the rescue into a task file run by an include_tasks handler',
        excerpt: e.key,
      });
    }
    return;
  }
  if (action === 'include_role' || action === 'import_role') {
    reportAt(ctx, scope.y, include!.keyNode, 'TSPLAY_INCLUDE', `a handler cannot be '${action}'`, {
      hint: "list the role in the play's roles (its handlers come with it), or use an include_tasks handler",
      excerpt: include!.key,
    });
  }
  if (action === 'import_tasks') {
    const listen = entries.find((e) => e.key === 'listen');
    if (listen) {
      reportAt(ctx, scope.y, listen.keyNode, 'TSPLAY_SCHEMA', "'listen' on import_tasks is not passed to the imported handlers", {
        hint: "put 'listen' on the imported tasks, or use include_tasks to run the whole file on one topic",
        excerpt: 'listen',
      });
    }
  }
}
