/** The executor: runs a loaded Playbook over the inventory's hosts. */
export { runPlaybook } from './run.js';
export { listHosts, listTasks, listTags, collectHosts, collectTasks, collectTags } from './listing.js';
export type { PlayHosts, PlayTasks, PlayTags, ListedTask, ListOptions } from './listing.js';
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
  TaskBecome,
} from './types.js';
export { shouldRunByTags, makeTagFilter } from './tags.js';
export { splitBatches, orderHosts, exceedsMaxFail } from './batches.js';
export { NO_LOG_MESSAGE } from './loop-vars.js';
