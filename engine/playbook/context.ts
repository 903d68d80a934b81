/** State shared while loading one playbook (or one run-time include). */
import { readFile } from 'node:fs/promises';
import type { Node } from 'yaml';
import { TsplayError, TsplayErrors, isTsplayError, type ErrorCode, type SourcePos } from '../errors.js';
import { parseYaml, type YamlDoc } from '../yaml.js';
import type { Inventory } from '../inventory/types.js';
import type { RoleInstance, TaskNode } from './model.js';
import { lineExcerpt, nodePos, rememberSource } from './ynode.js';
import type { RuntimeGroups } from './runtime-groups.js';

export interface TemplateChecker {
  checkSyntax(text: string, ctx?: { source?: SourcePos }): TsplayError[];
  checkExpression(expr: string, ctx?: { source?: SourcePos }): TsplayError[];
}

export interface LoadCtx {
  errors: TsplayError[];
  warnings: TsplayError[];
  playbookDir: string;
  /** extra role directories: LoadOptions.rolesPath then TSPLAY_ROLES_PATH */
  rolesPath: string[];
  templar?: TemplateChecker;
  inventory?: Inventory;
  /** the static check also reads template files and role argument specs */
  checking: boolean;
  files: Map<string, Promise<YamlDoc | undefined>>;
  /** handlers of roles pulled in while loading the current play */
  roleHandlers: TaskNode[];
  /** role instances already expanded in the current play (dedup key -> instance) */
  rolesSeen: Map<string, RoleInstance>;
  /** files being imported, to report import cycles */
  importStack: string[];
  /** variable names defined outside roles (play vars, group_vars, inventory): a required role argument may come from them */
  knownVars: Set<string>;
  /** some task defines variables whose names cannot be known statically (include_vars without name) */
  dynamicVars: boolean;
  /** required role arguments, judged once the whole playbook is read (set_fact/register may define them) */
  pendingRequired: { check: () => void }[];
  /** groups earlier plays may create at run time (add_host, group_by), for the check of later plays' hosts */
  runtimeGroups?: RuntimeGroups;
}

/** What a task list is being read from. */
export interface FileScope {
  y: YamlDoc;
  /** directory for relative lookups of imports */
  baseDir: string;
  role?: RoleInstance;
  /** reading handlers: `listen` is allowed */
  handlers: boolean;
}

export function newLoadCtx(init: Pick<LoadCtx, 'playbookDir' | 'rolesPath'> & Partial<LoadCtx>): LoadCtx {
  return { errors: [], warnings: [], checking: false, files: new Map(), roleHandlers: [], rolesSeen: new Map(), importStack: [], knownVars: new Set(), dynamicVars: false, pendingRequired: [], ...init };
}

export function rolesPathFrom(opts: { rolesPath?: string[] }): string[] {
  const env = (process.env.TSPLAY_ROLES_PATH ?? '').split(':').filter(Boolean);
  return [...(opts.rolesPath ?? []), ...env];
}

export interface Problem {
  source?: SourcePos;
  hint?: string;
  excerpt?: string;
}

export function report(ctx: LoadCtx, code: ErrorCode, message: string, p: Problem = {}): void {
  ctx.errors.push(new TsplayError(code, message, p));
}

export function warn(ctx: LoadCtx, code: ErrorCode, message: string, p: Problem = {}): void {
  ctx.warnings.push(new TsplayError(code, message, p));
}

/** Error at a YAML node, with its line as excerpt. */
export function reportAt(ctx: LoadCtx, y: YamlDoc, node: Node | null | undefined, code: ErrorCode, message: string, extra: { hint?: string; excerpt?: string; fallback?: SourcePos } = {}): void {
  report(ctx, code, message, { source: nodePos(y, node, extra.fallback), hint: extra.hint, excerpt: extra.excerpt ?? lineExcerpt(y, node) });
}

/** Reads and parses a YAML file once per load; problems go to ctx.errors. */
export function loadYaml(ctx: LoadCtx, file: string, from?: SourcePos): Promise<YamlDoc | undefined> {
  let p = ctx.files.get(file);
  if (!p) {
    p = readAndParse(ctx, file, from);
    ctx.files.set(file, p);
  }
  return p;
}

async function readAndParse(ctx: LoadCtx, file: string, from?: SourcePos): Promise<YamlDoc | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
    report(ctx, 'TSPLAY_FILE_NOT_FOUND', `cannot read ${file}: ${why}`, { source: from });
    return undefined;
  }
  try {
    const y = parseYaml(text, file);
    rememberSource(y, text);
    return y;
  } catch (e) {
    if (e instanceof TsplayErrors) ctx.errors.push(...e.errors);
    else if (isTsplayError(e)) ctx.errors.push(e);
    else report(ctx, 'TSPLAY_YAML_SYNTAX', `cannot parse ${file}: ${String(e)}`, { source: { file, line: 1, col: 1 } });
    return undefined;
  }
}
