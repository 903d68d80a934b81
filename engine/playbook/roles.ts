/**
 * Roles: found in roles/ beside the playbook, the roles path, then the
 * playbook dir; defaults, vars, tasks, handlers and meta dependencies read;
 * dependencies expanded first and deduplicated per play as Ansible does.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { isScalar, type Node } from 'yaml';
import type { SourcePos } from '../errors.js';
import type { YamlDoc } from '../yaml.js';
import { loadYaml, report, reportAt, type LoadCtx } from './context.js';
import type { RoleInstance, TaskKeywords, TaskNode, VarsMap } from './model.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { baseKeywords, readCommonKeywords } from './task-keywords.js';
import { applyAll, inheritable } from './inherit.js';
import { loadTasksOf } from './includes.js';
import { checkRoleArgs } from './role-args.js';
import { checkTaskTemplates } from './task-checks.js';
import { deref, describeType, mapEntries, nodePos, seqItems, toValue, type MapEntry } from './ynode.js';

export type RoleFrom = { tasks?: string; defaults?: string; vars?: string; handlers?: string };

export interface RoleRequest {
  name: string;
  from?: RoleFrom;
  params: VarsMap;
  /** where the role is named, for error positions */
  y?: YamlDoc;
  nameNode?: Node | null;
  source: SourcePos;
  /** `roles:` and dependencies run once per play for the same params */
  dedup: boolean;
  /** the role entry's params, for argument errors at the right key */
  paramEntries?: MapEntry[];
  /** directory of the (imported) playbook naming the role: its roles/ is searched first */
  searchDir?: string;
}

export interface LoadedRole {
  role: RoleInstance;
  tasks: TaskNode[];
  handlers: TaskNode[];
}

export function roleSearchDirs(ctx: Pick<LoadCtx, 'playbookDir' | 'rolesPath'>, searchDir?: string): string[] {
  const local = searchDir && resolve(searchDir) !== resolve(ctx.playbookDir) ? [join(searchDir, 'roles')] : [];
  const dirs = [...local, join(ctx.playbookDir, 'roles'), ...ctx.rolesPath.map((p) => resolve(ctx.playbookDir, p)), ctx.playbookDir];
  if (local.length) dirs.push(searchDir!);
  return dirs;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The role directory, or the places looked at. */
export function resolveRoleDir(ctx: Pick<LoadCtx, 'playbookDir' | 'rolesPath'>, name: string, searchDir?: string): { path?: string; searched: string[] } {
  if (isAbsolute(name) || name.startsWith('.') || name.includes('/')) {
    const p = resolve(searchDir ?? ctx.playbookDir, name);
    return isDir(p) ? { path: p, searched: [p] } : { searched: [p] };
  }
  // a collection role (ns.coll.role) is looked for by its last part too
  const names = name.split('.').length === 3 ? [name, name.split('.')[2]!] : [name];
  const searched: string[] = [];
  for (const dir of roleSearchDirs(ctx, searchDir)) {
    for (const n of names) {
      const p = join(dir, n);
      searched.push(p);
      if (isDir(p)) return { path: p, searched };
    }
  }
  return { searched };
}

/** tasks/main.yml, main.yaml, main (or the `*_from` name). */
export function roleFile(rolePath: string, dir: string, base: string): string | undefined {
  for (const ext of ['', '.yml', '.yaml', '.json']) {
    const f = join(rolePath, dir, base + ext);
    if ((ext !== '' || /\.(ya?ml|json)$/.test(base) || base === 'main') && existsSync(f) && !isDir(f)) return f;
  }
  return undefined;
}

async function readRoleVars(ctx: LoadCtx, rolePath: string, dir: string, base = 'main'): Promise<VarsMap> {
  const file = roleFile(rolePath, dir, base);
  if (!file) return {};
  const y = await loadYaml(ctx, file);
  if (!y || y.value === null || y.value === undefined) return {};
  if (typeof y.value !== 'object' || Array.isArray(y.value)) {
    reportAt(ctx, y, y.doc.contents as Node, 'TSPLAY_SCHEMA', `${dir}/${base} of a role must be a mapping of variables, found ${describeType(y.value)}`);
    return {};
  }
  checkTaskTemplates(ctx, y, mapEntries(y, y.doc.contents as Node));
  return y.value as VarsMap;
}

interface RoleMeta {
  y?: YamlDoc;
  dependencies: Node[];
  allowDuplicates: boolean;
}

async function readRoleMeta(ctx: LoadCtx, rolePath: string): Promise<RoleMeta> {
  const file = roleFile(rolePath, 'meta', 'main');
  const y = file ? await loadYaml(ctx, file) : undefined;
  if (!y) return { dependencies: [], allowDuplicates: false };
  const entries = mapEntries(y, y.doc.contents as Node);
  const deps = entries.find((e) => e.key === 'dependencies');
  const allow = entries.find((e) => e.key === 'allow_duplicates');
  return { y, dependencies: seqItems(y, deps?.value), allowDuplicates: toValue(y, allow?.value) === true };
}

export async function instantiateRole(ctx: LoadCtx, req: RoleRequest): Promise<LoadedRole | undefined> {
  const found = resolveRoleDir(ctx, req.name, req.searchDir);
  if (!found.path) {
    const source = req.y && req.nameNode ? nodePos(req.y, req.nameNode) : req.source;
    report(ctx, 'TSPLAY_ROLE_NOT_FOUND', `role '${req.name}' not found`, { source, hint: `looked in: ${found.searched.join(', ')}`, excerpt: req.name });
    return undefined;
  }
  const path = found.path;
  const meta = await readRoleMeta(ctx, path);
  const key = `${path}|${JSON.stringify(req.params)}|${JSON.stringify(req.from ?? {})}`;
  const seen = ctx.rolesSeen.get(key);
  if (req.dedup && seen && !meta.allowDuplicates) return { role: seen, tasks: [], handlers: [] };
  if (ctx.importStack.includes(path)) {
    reportAt(ctx, req.y ?? meta.y!, req.nameNode ?? null, 'TSPLAY_INCLUDE', `role dependency cycle: ${[...ctx.importStack.filter((p) => isDir(p)), path].join(' -> ')}`, { fallback: req.source });
    return undefined;
  }
  const role: RoleInstance = {
    name: req.name,
    path,
    defaults: await readRoleVars(ctx, path, 'defaults', req.from?.defaults),
    vars: await readRoleVars(ctx, path, 'vars', req.from?.vars),
    params: req.params,
    dependencies: [],
    source: req.source,
  };
  if (req.dedup) ctx.rolesSeen.set(key, role);
  await checkRoleArgs(ctx, { role, request: req, entryPoint: req.from?.tasks ?? 'main' });
  ctx.importStack.push(path);
  try {
    const deps = await loadDependencies(ctx, role, meta);
    const own = await loadRoleLists(ctx, role, req.from);
    return { role, tasks: [...deps.tasks, ...own.tasks], handlers: [...deps.handlers, ...own.handlers] };
  } finally {
    ctx.importStack.pop();
  }
}

async function loadRoleLists(ctx: LoadCtx, role: RoleInstance, from?: RoleFrom): Promise<{ tasks: TaskNode[]; handlers: TaskNode[] }> {
  const lists = { tasks: [] as TaskNode[], handlers: [] as TaskNode[] };
  for (const kind of ['tasks', 'handlers'] as const) {
    const base = from?.[kind] ?? 'main';
    const file = roleFile(role.path, kind, base);
    if (!file) {
      if (base !== 'main') report(ctx, 'TSPLAY_FILE_NOT_FOUND', `role '${role.name}': ${kind}/${base} not found`, { source: role.source });
      continue;
    }
    lists[kind] = await loadTasksOf(ctx, { baseDir: join(role.path, kind), role, handlers: kind === 'handlers' }, file);
  }
  return lists;
}

async function loadDependencies(ctx: LoadCtx, role: RoleInstance, meta: RoleMeta): Promise<{ tasks: TaskNode[]; handlers: TaskNode[] }> {
  const out = { tasks: [] as TaskNode[], handlers: [] as TaskNode[] };
  if (!meta.y) return out;
  for (const node of meta.dependencies) {
    const entry = parseRoleEntry(ctx, meta.y, node, join(role.path, 'meta'));
    if (!entry) continue;
    const dep = await instantiateRole(ctx, { ...entry.request, dedup: true });
    if (!dep) continue;
    role.dependencies.push(dep.role);
    out.tasks.push(...applyAll(dep.tasks, entry.outer));
    out.handlers.push(...dep.handlers);
  }
  return out;
}

export interface RoleEntry {
  request: Omit<RoleRequest, 'dedup'>;
  /** when/tags/become... of the entry, pushed onto the role's tasks */
  outer: ReturnType<typeof inheritable>;
  keywords: TaskKeywords;
}

/** A `roles:` or `dependencies:` item: `name` or `{role: name, when, tags, ..., params}`. */
export function parseRoleEntry(ctx: LoadCtx, y: YamlDoc, node: Node, baseDir: string, searchDir?: string): RoleEntry | undefined {
  const kw = baseKeywords({ y, baseDir, handlers: false }, node);
  const v = deref(y, node);
  if (isScalar(v) && typeof v.value === 'string') return { request: { name: v.value, params: {}, y, nameNode: node, source: kw.source, searchDir }, outer: {}, keywords: kw };
  const entries = mapEntries(y, node);
  const nameEntry = entries.find((e) => e.key === 'role') ?? entries.find((e) => e.key === 'name');
  const name = toValue(y, nameEntry?.value);
  if (typeof name !== 'string') {
    reportAt(ctx, y, node, 'TSPLAY_SCHEMA', `a role entry needs the role's name: '- myrole' or '- role: myrole', found ${describeType(toValue(y, node))}`);
    return undefined;
  }
  const keywordEntries = entries.filter((e) => e !== nameEntry && e.key in ROLE_ENTRY_KEYWORDS);
  const paramEntries = entries.filter((e) => e !== nameEntry && !(e.key in ROLE_ENTRY_KEYWORDS));
  readCommonKeywords(ctx, { y, baseDir, handlers: false }, kw, keywordEntries);
  const params: VarsMap = { ...kw.vars };
  for (const e of paramEntries) params[e.key] = toValue(y, e.value);
  const varsEntry = entries.find((e) => e.key === 'vars');
  const { vars: _v, ...outer } = inheritable(kw);
  const allParams = [...paramEntries, ...mapEntries(y, varsEntry?.value)];
  return { request: { name, params, y, nameNode: nameEntry!.value, source: kw.source, paramEntries: allParams, searchDir }, outer, keywords: kw };
}
