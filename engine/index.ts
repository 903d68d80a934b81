/**
 * tsplay's public API: `import { ... } from 'tsplay'`.
 *
 * A deliberate surface, each name re-exported by hand (no wildcard
 * re-exports): what a custom module needs (defineModule, ModuleFailure, the
 * module and connection types, shellQuote), what a program that runs
 * playbooks needs (loadInventory, loadPlaybook, checkPlaybook, runPlaybook,
 * the event and result types), and the registry for custom modules.
 * Everything else under engine/ is internal and may change without notice.
 * docs/extending.md shows how the pieces are used.
 */

// --- writing modules ---
export { defineModule, ModuleFailure } from './module-api.js';
export type { ModuleDef, ModuleDoc, ModuleContext, PlanContext, Plan, ApplyResult, AnyModule } from './module-api.js';

// --- errors ---
export { TsplayError, TsplayErrors, ExitCode, formatPos, isTsplayError } from './errors.js';
export type { ErrorCode, SourcePos, TsplayErrorInit } from './errors.js';

// --- results ---
export { toRegistered } from './results.js';
export type { TaskResult, TaskStatus, OkResult, ChangedResult, SkippedResult, FailedResult, UnreachableResult, FileDiff, CommandInfo } from './results.js';

// --- connections ---
export { SshConnection, type SshConnectionOptions } from './connection/ssh.js';
export { LocalConnection } from './connection/local.js';
export { shellQuote, shellJoin, maskSecrets } from './connection/types.js';
export type { Connection, CommandResult, RunOptions, PutOptions, BecomeOptions, ConnectionStats } from './connection/types.js';

// --- inventory and configuration ---
export { loadInventory, matchHosts, loadConfig } from './inventory/index.js';
export type { Inventory, InventoryGroup, InventoryHost, TsplayConfig, LoadConfigOptions } from './inventory/index.js';

// --- playbooks ---
export { loadPlaybook, checkPlaybook, validateModuleArgs, playbookJsonSchema } from './playbook/index.js';
export type { LoadOptions, CheckOptions } from './playbook/index.js';
export type { Playbook, Play, Task, Block, DynamicInclude, TaskNode, RoleInstance, VarsMap } from './playbook/model.js';

// --- templating ---
export { Templar, type TemplarOptions } from './vars/index.js';

// --- running ---
export { runPlaybook } from './executor/index.js';
export type { RunPlaybookOptions, RunSummary, StepAnswer } from './executor/index.js';
export type { RunEvent, EventSink, HostStats, TaskRef } from './output/events.js';
export { createRenderer, type OutputOptions, type OutputMode } from './output/index.js';

// --- modules registry and custom modules ---
export { getModule, listModules, registerModule } from '../modules/registry.js';
export { loadCustomModules, type CustomModuleOptions, type CustomModulesResult, type LoadedModule } from './extend/loader.js';
export { scaffoldRole, type ScaffoldRoleOptions } from './extend/role-init.js';
