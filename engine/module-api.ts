/**
 * The module contract (pyinfra's split of facts and operations, Ansible's
 * argument spec). Check mode is "probe and plan, no apply": honest by
 * construction. Idempotence is testable without a host: plan(p, factsAfter)
 * must have no changes.
 */
import type { SchemaObject } from 'ajv';
import type { Connection, CommandResult, RunOptions, PutOptions, BecomeOptions } from './connection/types.js';
import type { FileDiff } from './results.js';
import type { SourcePos } from './errors.js';

export interface Plan<S = unknown> {
  /** human descriptions of what apply would do; empty: nothing to do */
  changes: string[];
  /** why nothing needs doing, or a summary */
  reason?: string;
  diff?: FileDiff[];
  /** return values known without applying (shown in check mode, registered) */
  data?: Record<string, unknown>;
  /** anything apply needs from the planning step */
  state?: S;
  /**
   * The outcome cannot be predicted without running (command, shell):
   * check mode reports `skipped` with this reason instead of guessing.
   */
  unpredictable?: string;
  /**
   * With `unpredictable`: the module knows the command would run (command or
   * shell whose creates/removes said so), so check mode reports `changed`
   * with these values instead of `skipped`, as Ansible does.
   */
  checkData?: Record<string, unknown>;
  /**
   * With `unpredictable` and no `checkData`: the data of the `skipped` check
   * mode result (command/shell register an empty stdout there, as Ansible's,
   * so `when: "'x' in r.stdout"` still works in check mode).
   */
  checkSkipData?: Record<string, unknown>;
  /**
   * The task is skipped with this reason, in check mode and in a normal run
   * (debug below its `verbosity`). Apply is not called.
   */
  skipped?: string;
}

export interface ApplyResult {
  changed: boolean;
  data?: Record<string, unknown>;
  diff?: FileDiff[];
  msg?: string;
  /** set to make the task fail (the executor turns it into a failed result) */
  failed?: { msg: string; command?: CommandResult };
}

/** The task and host a module runs for, with task-bound helpers. */
export interface ModuleContext {
  host: string;
  /** task variables (already merged by precedence) for rendering */
  vars: Record<string, unknown>;
  /** gathered facts for this host (ansible_facts), possibly empty */
  facts: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  noLog: boolean;
  /** the task's become settings, applied by run/put/get */
  become: BecomeOptions | false;
  conn: Connection;
  source?: SourcePos;
  /** run on the host with the task's become, environment and timeout */
  run(cmd: string | string[], opts?: RunOptions): Promise<CommandResult>;
  /** like run, but a non-zero exit throws a ModuleFailure with the command and stderr */
  runOk(cmd: string | string[], opts?: RunOptions): Promise<CommandResult>;
  put(content: string | Buffer, path: string, opts?: PutOptions): Promise<void>;
  get(path: string): Promise<Buffer>;
  /** renders a template string with the task's variables (nunjucks, Ansible filters) */
  render(template: string, extraVars?: Record<string, unknown>): string;
  /** finds a controller-side file: role files/ or templates/, then the playbook dir */
  findFile(kind: 'files' | 'templates' | 'vars', path: string): string;
  warn(message: string): void;
  /** values to mask wherever this task's output is shown */
  secrets: string[];
  signal?: AbortSignal;
}

export interface ModuleDoc {
  /** one line */
  short: string;
  description?: string;
  examples?: string;
  /** name -> description of each return value */
  returns?: Record<string, string>;
}

export interface ModuleDef<P = Record<string, unknown>, F = unknown, S = unknown> {
  name: string;
  /** FQCN aliases: ansible.builtin.copy, ansible.posix.sysctl, ... */
  aliases?: string[];
  doc: ModuleDoc;
  /** JSON Schema for ajv; every property has a description */
  params: SchemaObject;
  /** name of the parameter the free-form `module: text` goes to (command, shell) */
  freeForm?: string;
  /** runs on the controller only: no connection is opened for it (debug, set_fact, assert) */
  controllerOnly?: boolean;
  /** read-only: gathers what plan needs from the host */
  probe?(ctx: ModuleContext, p: P): Promise<F>;
  /** pure: the changes needed given the facts */
  plan(p: P, facts: F, ctx: PlanContext): Plan<S>;
  /** performs the plan; not called in check mode or when the plan is empty */
  apply?(ctx: ModuleContext, p: P, plan: Plan<S>): Promise<ApplyResult>;
}

/** The little a pure planner may know besides params and facts. */
export interface PlanContext {
  host: string;
  check: boolean;
  diff: boolean;
  noLog: boolean;
}

export function defineModule<P = Record<string, unknown>, F = unknown, S = unknown>(
  def: ModuleDef<P, F, S>,
): ModuleDef<P, F, S> {
  return def;
}

/** Thrown inside a module to fail the task with a clear message. */
export class ModuleFailure extends Error {
  readonly command?: CommandResult;
  readonly data?: Record<string, unknown>;
  constructor(message: string, opts: { command?: CommandResult; data?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ModuleFailure';
    this.command = opts.command;
    this.data = opts.data;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registries hold modules of every parameter type
export type AnyModule = ModuleDef<any, any, any>;
