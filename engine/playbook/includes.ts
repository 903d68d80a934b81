/**
 * import_tasks / import_role (static: expanded now, the import's keywords
 * pushed onto each task) and include_tasks / include_role (DynamicInclude
 * nodes resolved at run time; the static check still resolves static targets).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isScalar, type Node } from 'yaml';
import { report, reportAt, loadYaml, type FileScope, type LoadCtx } from './context.js';
import type { ApplyKeywords, DynamicInclude, TaskKeywords, TaskNode, VarsMap } from './model.js';
import { INCLUDE_KEYWORDS, includeActionOf } from './keywords.js';
import { baseKeywords, readCommonKeywords, readLoop, type LoopSpec } from './task-keywords.js';
import { asStringList } from './values.js';
import { applyAll, inheritable } from './inherit.js';
import { KvEscapeError, parseKv } from './kv.js';
import { isTemplated } from './module-args.js';
import { didYouMean } from './suggest.js';
import { deref, mapEntries, nodePos, toValue, type MapEntry } from './ynode.js';
import { parseTaskList } from './tasks.js';
import { instantiateRole, type RoleFrom } from './roles.js';
import { checkTaskTemplates } from './task-checks.js';

interface IncludeInput {
  node: Node;
  entries: MapEntry[];
  include: MapEntry;
}

interface IncludeParts {
  kw: TaskKeywords;
  loop: LoopSpec;
  notify: string[];
  apply?: ApplyKeywords;
  argsEntry?: MapEntry;
  listen?: string[];
}

const ROLE_OPTIONS = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'public', 'allow_duplicates', 'rolespec_validate', 'apply'];

export async function parseInclude(ctx: LoadCtx, scope: FileScope, input: IncludeInput): Promise<TaskNode[]> {
  const action = includeActionOf(input.include.key)!;
  const parts = readIncludeKeywords(ctx, scope, input, action.startsWith('include'));
  checkTaskTemplates(ctx, scope.y, input.entries);
  if (action.startsWith('import') && parts.loop.loopKind) reportAt(ctx, scope.y, input.entries.find((e) => e.key === parts.loop.loopKind)?.keyNode, 'TSPLAY_INCLUDE', `'${action}' cannot loop: it is expanded when the playbook is loaded`, { hint: `use ${action.replace('import', 'include')} to loop` });
  if (action === 'import_tasks') return importTasks(ctx, scope, input, parts);
  if (action === 'include_tasks') return [await includeTasks(ctx, scope, input, parts)];
  const options = roleOptions(ctx, scope, input.include, parts);
  if (!options) return [];
  if (action === 'import_role') return importRole(ctx, scope, options, parts);
  return [await includeRole(ctx, scope, options, parts)];
}

function readIncludeKeywords(ctx: LoadCtx, scope: FileScope, input: IncludeInput, dynamic: boolean): IncludeParts {
  const kw = baseKeywords(scope, input.node);
  const parts: IncludeParts = { kw, loop: {}, notify: [] };
  const others = input.entries.filter((e) => e !== input.include);
  const rest = readLoop(ctx, scope, readCommonKeywords(ctx, scope, kw, others), parts.loop);
  for (const e of rest) {
    if (e.key === 'notify') parts.notify = asStringList({ ctx, y: scope.y, node: e.value, key: e.key });
    else if (e.key === 'apply' && dynamic) parts.apply = readApply(ctx, scope, e.value);
    else if (e.key === 'args') parts.argsEntry = e;
    else if (e.key === 'register') continue;
    // an include_tasks handler answers to topics; on an import, checkHandlerShape reports it
    else if (e.key === 'listen' && scope.handlers) parts.listen = dynamic ? asStringList({ ctx, y: scope.y, node: e.value, key: e.key }) : undefined;
    else reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown keyword '${e.key}' on ${input.include.key}${didYouMean(e.key, Object.keys(INCLUDE_KEYWORDS))}`, { excerpt: e.key });
  }
  return parts;
}

function readApply(ctx: LoadCtx, scope: FileScope, node: Node | null): ApplyKeywords {
  const kw = baseKeywords(scope, node ?? scope.y.doc.contents!);
  kw.role = undefined;
  const rest = readCommonKeywords(ctx, scope, kw, mapEntries(scope.y, node));
  for (const e of rest) reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown keyword '${e.key}' in apply${didYouMean(e.key, Object.keys(INCLUDE_KEYWORDS))}`, { excerpt: e.key });
  const { source: _s, name: _n, baseDir: _b, ...apply } = kw;
  return apply;
}

/** `import_tasks: file.yml a=1` or `{file: file.yml}`: the file and free-form params. */
function taskFileOf(ctx: LoadCtx, scope: FileScope, include: MapEntry): { file?: string; params: VarsMap } {
  const v = toValue(scope.y, include.value);
  if (typeof v === 'string') {
    let kv: Record<string, string>;
    try {
      kv = parseKv(v);
    } catch (e) {
      const why = e instanceof KvEscapeError ? e.message : 'unbalanced quotes or Jinja block';
      reportAt(ctx, scope.y, include.value, 'TSPLAY_INCLUDE', `'${include.key}': ${why}`, { excerpt: v });
      return { params: {} };
    }
    const file = kv._raw_params;
    delete kv._raw_params;
    return { file, params: kv };
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as VarsMap).file === 'string') {
    for (const e of mapEntries(scope.y, include.value)) {
      if (e.key !== 'file' && e.key !== 'apply') reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown ${include.key} option '${e.key}'${didYouMean(e.key, ['file', 'apply'])}`, { hint: 'valid: file, apply', excerpt: e.key });
    }
    return { file: (v as VarsMap).file as string, params: {} };
  }
  reportAt(ctx, scope.y, include.value ?? include.keyNode, 'TSPLAY_INCLUDE', `'${include.key}' needs a file name`, { hint: `${include.key}: other.yml` });
  return { params: {} };
}

/** Where a task file named in an import/include is looked for. */
export function taskFileCandidates(file: string, at: { baseDir: string; rolePath?: string; playbookDir: string }): string[] {
  if (isAbsolute(file)) return [file];
  const dirs = [at.baseDir];
  if (at.rolePath) dirs.push(join(at.rolePath, 'tasks'));
  dirs.push(at.playbookDir);
  return [...new Set(dirs.map((d) => resolve(d, file)))];
}

async function importTasks(ctx: LoadCtx, scope: FileScope, input: IncludeInput, parts: IncludeParts): Promise<TaskNode[]> {
  const { file: written, params } = taskFileOf(ctx, scope, input.include);
  if (written === undefined) return [];
  const file = withMagicDirs(written, ctx, scope);
  if (isTemplated(file)) {
    reportAt(ctx, scope.y, input.include.value, 'TSPLAY_INCLUDE', `import_tasks needs a static file name, found '${file}'`, { hint: 'use include_tasks for a templated file name', excerpt: file });
    return [];
  }
  const found = findTaskFile(ctx, scope, { file, node: input.include.value ?? input.include.keyNode, what: 'import_tasks' });
  if (!found) return [];
  const tasks = await loadTasksOf(ctx, { ...scope, baseDir: dirname(found) }, found, nodePos(scope.y, input.include.value));
  return applyAll(tasks, { ...inheritable(parts.kw), vars: { ...params, ...parts.kw.vars }, notify: parts.notify });
}

/** `{{ playbook_dir }}` and `{{ role_path }}` are known when loading, as in Ansible's static imports. */
function withMagicDirs(file: string, ctx: LoadCtx, scope: FileScope): string {
  let out = file.replace(/\{\{\s*playbook_dir\s*\}\}/g, ctx.playbookDir);
  if (scope.role) out = out.replace(/\{\{\s*role_path\s*\}\}/g, scope.role.path);
  return out;
}

function findTaskFile(ctx: LoadCtx, scope: FileScope, at: { file: string; node: Node | null; what: string }): string | undefined {
  const candidates = taskFileCandidates(at.file, { baseDir: scope.baseDir, rolePath: scope.role?.path, playbookDir: ctx.playbookDir });
  const found = candidates.find((f) => existsSync(f));
  if (!found) reportAt(ctx, scope.y, at.node, 'TSPLAY_FILE_NOT_FOUND', `${at.what}: task file '${at.file}' not found`, { hint: `looked in: ${candidates.join(', ')}`, excerpt: at.file });
  return found;
}

/** Parses a task file; an import cycle is reported instead of recursing. */
export async function loadTasksOf(ctx: LoadCtx, scope: Omit<FileScope, 'y'>, file: string, from?: TaskKeywords['source']): Promise<TaskNode[]> {
  if (ctx.importStack.includes(file)) {
    report(ctx, 'TSPLAY_INCLUDE', `import cycle: ${[...ctx.importStack, file].join(' -> ')}`, { source: from });
    return [];
  }
  const y = await loadYaml(ctx, file, from);
  if (!y) return [];
  ctx.importStack.push(file);
  try {
    return await parseTaskList(ctx, { ...scope, y }, (y.doc.contents ?? null) as Node | null, file);
  } finally {
    ctx.importStack.pop();
  }
}

async function includeTasks(ctx: LoadCtx, scope: FileScope, input: IncludeInput, parts: IncludeParts): Promise<DynamicInclude> {
  const { file, params } = taskFileOf(ctx, scope, input.include);
  const inlineApply = mapEntries(scope.y, input.include.value).find((e) => e.key === 'apply');
  if (inlineApply && !parts.apply) parts.apply = readApply(ctx, scope, inlineApply.value);
  const node = dynamicNode(parts, { kind: 'include_tasks', target: file ?? '', params });
  if (ctx.checking && file !== undefined && !isTemplated(file)) {
    const found = findTaskFile(ctx, scope, { file, node: input.include.value ?? input.include.keyNode, what: 'include_tasks' });
    // read as the run-time loader reads it: the file of an include_tasks handler is run as tasks
    if (found) await loadTasksOf(ctx, { ...scope, baseDir: dirname(found), handlers: false }, found, nodePos(scope.y, input.include.value));
  }
  return node;
}

function dynamicNode(parts: IncludeParts, what: { kind: DynamicInclude['kind']; target: string; params: VarsMap; from?: RoleFrom; public?: boolean }): DynamicInclude {
  const { loop, loopKind, loopControl } = parts.loop;
  const node: DynamicInclude = { ...parts.kw, ...what, params: { ...what.params, ...parts.kw.vars }, loop, loopKind, loopControl, notify: parts.notify, apply: parts.apply };
  if (parts.listen) node.listen = parts.listen;
  return node;
}

interface RoleOptions {
  name: string;
  nameNode: Node | null;
  from?: RoleFrom;
  public?: boolean;
  allowDuplicates?: boolean;
}

function roleOptions(ctx: LoadCtx, scope: FileScope, include: MapEntry, parts: IncludeParts): RoleOptions | undefined {
  const entries = [...mapEntries(scope.y, include.value), ...(parts.argsEntry ? mapEntries(scope.y, parts.argsEntry.value) : [])];
  const v = deref(scope.y, include.value);
  if (isScalar(v) && typeof v.value === 'string') return { name: v.value, nameNode: include.value };
  const get = (k: string) => entries.find((e) => e.key === k);
  for (const e of entries) {
    if (!ROLE_OPTIONS.includes(e.key)) reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown ${include.key} option '${e.key}'${didYouMean(e.key, ROLE_OPTIONS)}`, { hint: `valid: ${ROLE_OPTIONS.join(', ')}`, excerpt: e.key });
    if (e.key === 'apply' && !parts.apply) parts.apply = readApply(ctx, scope, e.value);
  }
  const nameEntry = get('name');
  const name = nameEntry ? toValue(scope.y, nameEntry.value) : undefined;
  if (typeof name !== 'string') {
    reportAt(ctx, scope.y, include.value ?? include.keyNode, 'TSPLAY_INCLUDE', `'${include.key}' needs the role's name`, { hint: `${include.key}: {name: myrole}` });
    return undefined;
  }
  const str = (k: string) => (get(k) ? String(toValue(scope.y, get(k)!.value)) : undefined);
  const from: RoleFrom = { tasks: str('tasks_from'), vars: str('vars_from'), defaults: str('defaults_from'), handlers: str('handlers_from') };
  const bool = (k: string) => (get(k) ? Boolean(toValue(scope.y, get(k)!.value)) : undefined);
  return { name, nameNode: nameEntry!.value, from, public: bool('public'), allowDuplicates: bool('allow_duplicates') };
}

async function importRole(ctx: LoadCtx, scope: FileScope, options: RoleOptions, parts: IncludeParts): Promise<TaskNode[]> {
  if (isTemplated(options.name)) {
    reportAt(ctx, scope.y, options.nameNode, 'TSPLAY_INCLUDE', `import_role needs a static role name, found '${options.name}'`, { hint: 'use include_role for a templated name' });
    return [];
  }
  const loaded = await instantiateRole(ctx, { name: options.name, from: options.from, params: parts.kw.vars, y: scope.y, nameNode: options.nameNode, source: parts.kw.source, dedup: false });
  if (!loaded) return [];
  ctx.roleHandlers.push(...loaded.handlers);
  const { vars: _v, role: _r, ...outer } = inheritable(parts.kw);
  return applyAll(loaded.tasks, { ...outer, notify: parts.notify });
}

async function includeRole(ctx: LoadCtx, scope: FileScope, options: RoleOptions, parts: IncludeParts): Promise<DynamicInclude> {
  if (ctx.checking && !isTemplated(options.name)) {
    await instantiateRole(ctx, { name: options.name, from: options.from, params: parts.kw.vars, y: scope.y, nameNode: options.nameNode, source: parts.kw.source, dedup: false });
  }
  const from = Object.values(options.from ?? {}).some((x) => x !== undefined) ? options.from : undefined;
  return dynamicNode(parts, { kind: 'include_role', target: options.name, params: {}, from, public: options.public });
}
