/**
 * Public options and results of the executor, and the collaborators it uses
 * (templar, inventory, loader, connections), typed structurally so unit tests
 * can hand in small fakes.
 */
import type { AnyModule } from '../module-api.js';
import type { BecomeOptions, Connection } from '../connection/types.js';
import type { EventSink, HostStats } from '../output/events.js';
import type { Inventory, HostVarLayers } from '../inventory/types.js';
import type { DynamicInclude, Playbook, RoleInstance, TaskNode, VarsMap } from '../playbook/model.js';
import type { TemplateContext } from '../vars/types.js';
import type { SourcePos, TsplayError } from '../errors.js';

/** Answer of the `--step` prompt for one task. */
export type StepAnswer = 'yes' | 'no' | 'continue';

/** What the executor needs from a connection pool. */
export interface PoolLike {
  get(host: string, vars: VarsMap): Promise<Connection>;
  closeAll(): Promise<void>;
  /** optional: drop the host's connection so the next task reconnects (meta: reset_connection) */
  reset?(host: string): Promise<void>;
}

export interface RunPlaybookOptions {
  playbook: Playbook;
  inventory: Inventory;
  extraVars?: VarsMap;
  check?: boolean;
  diff?: boolean;
  /** --limit host pattern */
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  /** --step: asked once per task (with its name) before it runs */
  step?: (taskName: string) => Promise<StepAnswer> | StepAnswer;
  /** -b / --become-user / -K: become for plays and tasks that do not say */
  become?: BecomeOptions;
  becomePassword?: string;
  /** --strategy: overrides the plays' strategy */
  strategy?: 'linear' | 'free';
  /** the CLI's redactor: a Redactor is held by the run's emitter (one secret set); anything else is told each new secret */
  redactor?: { add(secret: string | undefined): void };
  /** parallel hosts; default 50 */
  forks?: number;
  forceHandlers?: boolean;
  /** passed to the ConnectionPool when the executor creates one */
  connectionConfig?: unknown;
  emit: EventSink;
  /** SIGINT/SIGTERM from the CLI */
  signal?: AbortSignal;
  verbosity?: number;
  /** applied to every string emitted */
  redact?: (s: string) => string;
  pool?: PoolLike;
  /** default per-task timeout in seconds (the `timeout` keyword wins) */
  timeoutS?: number;
  /** collaborators; defaults to the real engine modules */
  services?: ExecutorServices;
}

export interface RunSummary {
  stats: Record<string, HostStats>;
  exitCode: number;
  failedHosts: string[];
  unreachableHosts: string[];
  durationMs: number;
}

/** The Templar of engine/vars, as the executor uses it. */
export interface TemplarLike {
  render(value: unknown, vars: VarsMap, ctx?: TemplateContext): unknown;
  renderString(text: string, vars: VarsMap, ctx?: TemplateContext): string;
  evaluate(expr: string, vars: VarsMap, ctx?: TemplateContext): unknown;
  evalCondition(cond: string, vars: VarsMap, ctx?: TemplateContext): boolean;
  isTemplated(v: unknown): boolean;
}

/** Input of buildTaskVars (engine/vars), lowest precedence first. */
export interface TaskVarsInput {
  roleDefaults: VarsMap[];
  host: HostVarLayers;
  facts: VarsMap;
  /** facts returned without the ansible_ prefix (getent_passwd), also variables of that name */
  plainFacts?: VarsMap;
  playVars: VarsMap;
  varsFiles: VarsMap[];
  roleVars: VarsMap[];
  roleParams: VarsMap;
  blockVars: VarsMap[];
  taskVars: VarsMap;
  includeParams: VarsMap;
  includeVars: VarsMap;
  setFacts: VarsMap;
  registered: VarsMap;
  extraVars: VarsMap;
  magic: VarsMap;
}

/** A role pulled in by include_role. */
export interface IncludedRole {
  role: RoleInstance;
  tasks: TaskNode[];
  handlers: TaskNode[];
}

export interface IncludeRoleRequest {
  name: string;
  from?: { tasks?: string; defaults?: string; vars?: string; handlers?: string };
  playbookDir: string;
  source: SourcePos;
  params: VarsMap;
  apply?: DynamicInclude['apply'];
}

export interface InventoryApi {
  matchHosts(inv: Inventory, pattern: string, opts: { source?: SourcePos }): string[];
  hostVarLayers(inv: Inventory, host: string, playbookDir: string): Promise<HostVarLayers> | HostVarLayers;
  groupsMap(inv: Inventory): Record<string, string[]>;
  groupNamesOf(inv: Inventory, host: string): string[];
  limitHosts(inv: Inventory, hosts: string[], pattern: string): string[];
  addHost(inv: Inventory, name: string, groups: string[], vars: VarsMap): unknown;
  addGroup(inv: Inventory, name: string, parent?: string | string[]): unknown;
}

export interface ExecutorServices {
  templar: TemplarLike;
  inventory: InventoryApi;
  buildTaskVars(input: TaskVarsInput): VarsMap;
  /** undefined: from ansible_become*; false: off; options: on, with vars filling the gaps */
  becomeFromVars(vars: VarsMap, taskBecome?: boolean | BecomeOptions): BecomeOptions | false;
  getModule(name: string): AnyModule | undefined;
  /** converts rendered values to the module's declared types (yes -> true, "80" -> 80) */
  coerceModuleArgs?(mod: AnyModule, args: VarsMap): VarsMap;
  /** problems with the rendered arguments (none: valid) */
  validateModuleArgs(moduleName: string, args: VarsMap, source: SourcePos): TsplayError[];
  loadTaskFile(file: string, parent: IncludeParent): Promise<TaskNode[]>;
  includeRole(req: IncludeRoleRequest): Promise<IncludedRole>;
  readVarsFile(file: string): Promise<VarsMap>;
  createPool(config: unknown): PoolLike;
}

/** Where a dynamic include_tasks is: for relative paths, role scope and `apply:`. */
export interface IncludeParent {
  source: SourcePos;
  role?: RoleInstance;
  playbookDir: string;
  baseDir: string;
  apply?: DynamicInclude['apply'];
}
