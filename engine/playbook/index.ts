/**
 * The playbook loader's public API: load a playbook (or a task file, or a role
 * at run time), check one statically, validate module arguments, and publish
 * the playbook JSON Schema.
 */
import { dirname, resolve } from 'node:path';
import { TsplayError, TsplayErrors, type SourcePos } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { newLoadCtx, rolesPathFrom, type LoadCtx, type TemplateChecker } from './context.js';
import type { ApplyKeywords, DynamicInclude, Playbook, RoleInstance, TaskNode, VarsMap } from './model.js';
import { loadPlays } from './plays.js';
import { loadTasksOf, taskFileCandidates } from './includes.js';
import { instantiateRole } from './roles.js';
import { applyAll } from './inherit.js';
import { collectKnownVars } from './known-vars.js';
import { existsSync } from 'node:fs';

export { validateModuleArgs } from './module-args.js';
export { playbookJsonSchema } from './schema.js';
/** converts argument values to the module's declared types (yes -> true, "80" -> 80): call before validateModuleArgs at run time */
export { coerceModuleArgs } from './coerce.js';
export type { TemplateChecker } from './context.js';

export interface LoadOptions {
  /** role directories searched after roles/ beside the playbook (TSPLAY_ROLES_PATH, colon separated, is added) */
  rolesPath?: string[];
}

export interface CheckOptions extends LoadOptions {
  /** host patterns are checked against it when given */
  inventory?: Inventory;
  /** template syntax is checked when given (the Templar from engine/vars) */
  templar?: TemplateChecker;
  /** --extra-vars: they can provide a role's required arguments */
  extraVars?: VarsMap;
}

/** Same problem reached twice (a file imported twice) is reported once. */
function unique(errors: TsplayError[]): TsplayError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.code}|${e.message}|${e.source?.file}:${e.source?.line}:${e.source?.col}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function throwIfErrors(ctx: LoadCtx): void {
  if (ctx.errors.length > 0) throw new TsplayErrors(unique(ctx.errors));
}

export async function loadPlaybook(file: string, opts: LoadOptions = {}): Promise<Playbook> {
  const abs = resolve(file);
  const ctx = newLoadCtx({ playbookDir: dirname(abs), rolesPath: rolesPathFrom(opts) });
  const plays = await loadPlays(ctx, abs);
  throwIfErrors(ctx);
  return { file: abs, dir: dirname(abs), plays, warnings: unique(ctx.warnings) };
}

/**
 * Every problem found without contacting a host. A play whose pattern matches
 * no host comes back as a TSPLAY_NO_HOSTS warning.
 */
export async function checkPlaybook(file: string, opts: CheckOptions = {}): Promise<TsplayError[]> {
  const abs = resolve(file);
  const ctx = newLoadCtx({ playbookDir: dirname(abs), rolesPath: rolesPathFrom(opts), checking: true, templar: opts.templar, inventory: opts.inventory });
  collectKnownVars(ctx.playbookDir, opts.inventory, ctx.knownVars);
  for (const k of Object.keys(opts.extraVars ?? {})) ctx.knownVars.add(k);
  await loadPlays(ctx, abs);
  for (const pending of ctx.pendingRequired) pending.check();
  return unique([...ctx.errors, ...ctx.warnings.filter((w) => w.code === 'TSPLAY_NO_HOSTS')]);
}

export interface TaskFileParent {
  role?: RoleInstance;
  baseDir: string;
  source: SourcePos;
  rolesPath?: string[];
  /** the playbook's directory (roles/ beside it); baseDir when absent */
  playbookDir?: string;
  /** the include's `apply:` keywords, pushed onto every task */
  apply?: ApplyKeywords;
}

/** include_tasks at run time: the tasks of a file (relative to baseDir, the role's tasks/, then the playbook dir). */
export async function loadTaskFile(file: string, parent: TaskFileParent): Promise<TaskNode[]> {
  const playbookDir = parent.playbookDir ?? parent.baseDir;
  const ctx = newLoadCtx({ playbookDir, rolesPath: rolesPathFrom(parent) });
  const candidates = taskFileCandidates(file, { baseDir: parent.baseDir, rolePath: parent.role?.path, playbookDir });
  const found = candidates.find((f) => existsSync(f));
  if (!found) {
    throw new TsplayErrors([new TsplayError('TSPLAY_FILE_NOT_FOUND', `include_tasks: task file '${file}' not found`, { source: parent.source, hint: `looked in: ${candidates.join(', ')}`, excerpt: file })]);
  }
  const tasks = await loadTasksOf(ctx, { baseDir: dirname(found), role: parent.role, handlers: false }, found, parent.source);
  throwIfErrors(ctx);
  return applyAll(tasks, parent.apply);
}

export interface LoadRoleOptions {
  rolesPath?: string[];
  playbookDir: string;
  from?: DynamicInclude['from'];
  params: VarsMap;
  source: SourcePos;
  /** the include's `apply:` keywords, pushed onto every task */
  apply?: ApplyKeywords;
}

/** include_role at run time: the role with its dependencies' tasks first, and its handlers. */
export async function loadRole(name: string, opts: LoadRoleOptions): Promise<{ role: RoleInstance; tasks: TaskNode[]; handlers: TaskNode[] }> {
  const ctx = newLoadCtx({ playbookDir: opts.playbookDir, rolesPath: rolesPathFrom(opts) });
  const loaded = await instantiateRole(ctx, { name, from: opts.from, params: opts.params, source: opts.source, dedup: false });
  throwIfErrors(ctx);
  if (!loaded) throw new TsplayErrors([new TsplayError('TSPLAY_ROLE_NOT_FOUND', `role '${name}' not found`, { source: opts.source })]);
  return { role: loaded.role, tasks: applyAll(loaded.tasks, opts.apply), handlers: loaded.handlers };
}
