/**
 * `--start-at-task NAME` that names no task (user audit, section 12): it used
 * to run nothing and exit 0 without a word. ansible-playbook prints
 * `ERROR! No matching task "NAME" found. Note: --start-at-task can only
 * follow static includes.` after a run that ran nothing. tsplay says so
 * before anything runs, exit 5 (bad options).
 *
 * tsplay also finds the task inside include_tasks/include_role (it runs the
 * includes to look inside them). When the static tasks do not match and the
 * playbook has dynamic includes, the run goes ahead and StartAtWatch tells,
 * from the run's events, whether the task was found in the end.
 */
import { TsplayError } from '../errors.js';
import type { RunEvent } from '../output/index.js';
import type { Playbook, TaskNode } from '../playbook/model.js';
import { startAtMatches } from '../executor/task-step.js';

/** The executor's own rule, so the pre-run check and the run agree. */
export { startAtMatches } from '../executor/task-step.js';

interface StaticTasks {
  /** each task's name and "role : name" (unnamed tasks cannot be started at) */
  names: string[];
  dynamicIncludes: boolean;
}

function collect(nodes: readonly TaskNode[], out: StaticTasks): void {
  for (const node of nodes) {
    if (node.kind === 'block') {
      // rescue runs only after a failure, and nothing runs before the start task
      collect(node.block, out);
      collect(node.always, out);
      continue;
    }
    if (node.kind !== 'task') out.dynamicIncludes = true;
    if (node.name) out.names.push(node.name, ...(node.role ? [`${node.role.name} : ${node.name}`] : []));
  }
}

export function staticTasks(playbook: Playbook): StaticTasks {
  const out: StaticTasks = { names: [], dynamicIncludes: false };
  for (const play of playbook.plays) for (const section of play.sections) collect(section.tasks, out);
  return out;
}

export function noMatchingTask(wanted: string, names: readonly string[]): TsplayError {
  const shown = [...new Set(names.filter((n) => !n.includes(' : ')))].slice(0, 8);
  return new TsplayError('TSPLAY_OPTIONS', `No matching task "${wanted}" found for --start-at-task`, {
    hint: shown.length
      ? `give a task's name, "ROLE : name" or a glob; the playbook's tasks include: ${shown.map((n) => JSON.stringify(n)).join(', ')}`
      : 'the playbook has no named task to start at',
  });
}

/**
 * Before the run: undefined when a static task matches, a watch when only
 * the dynamic includes may hold it; throws when nothing can match.
 */
export function checkStartAtTask(playbook: Playbook, wanted: string | undefined): StartAtWatch | undefined {
  if (wanted === undefined) return undefined;
  const found = staticTasks(playbook);
  if (found.names.some((n) => startAtMatches(n, wanted))) return undefined;
  if (!found.dynamicIncludes) throw noMatchingTask(wanted, found.names);
  return new StartAtWatch(wanted, found.names);
}

/** Whether a task the run started (outside handlers) is the one --start-at-task names. */
export class StartAtWatch {
  private matched = false;

  constructor(
    readonly wanted: string,
    private readonly staticNames: readonly string[],
  ) {}

  seen(e: RunEvent): void {
    if (this.matched || e.type !== 'task_start' || e.handler) return;
    const name = e.task.name;
    const own = e.task.role && name.startsWith(`${e.task.role} : `) ? name.slice(e.task.role.length + 3) : name;
    this.matched = startAtMatches(name, this.wanted) || startAtMatches(own, this.wanted);
  }

  get found(): boolean {
    return this.matched;
  }

  error(): TsplayError {
    return noMatchingTask(this.wanted, this.staticNames);
  }
}
