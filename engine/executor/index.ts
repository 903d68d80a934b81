/**
 * The executor: runs a loaded Playbook over the inventory's hosts.
 *
 * How it fits together: run.ts runs the plays; play-runner.ts picks a play's
 * hosts, splits them into `serial` batches and starts one walker per host
 * (walker.ts, an async generator over the task tree that decides blocks,
 * rescue/always, includes and handler flush points). strategy.ts decides
 * when each host's next step runs (linear: lock-step by tree position; free:
 * each host on its own); task-step.ts runs one task for a group of hosts
 * (tags, --step, throttle, forks, stats, register, notify; run_once in
 * run-once.ts); handlers.ts flushes handlers (tasks, and include_tasks
 * handlers walked like an included file);
 * task-runner.ts / item-runner.ts / module-runner.ts run it on one host
 * (when, loops, until, result rules, probe → plan → apply).
 */
export { runPlaybook } from './run.js';
export { listPlaybook, listHosts, listTasks, listTags, collectHosts, collectTasks, collectTags } from './listing.js';
export type { PlayHosts, PlayTasks, PlayTags, ListedTask, ListOptions, ListWhat } from './listing.js';
export type {
  RunPlaybookOptions,
  RunSummary,
  StepAnswer,
  PoolLike,
  ExecutorServices,
  TemplarLike,
  TaskVarsInput,
  InventoryApi,
  IncludedRole,
  IncludeRoleRequest,
  IncludeParent,
} from './types.js';
export { loadDefaultServices } from './services.js';
export { shouldRunByTags, makeTagFilter } from './tags.js';
export { splitBatches, orderHosts, exceedsMaxFail } from './batches.js';
export { NO_LOG_MESSAGE } from './loop-vars.js';
