/** Task lists: tasks, blocks, and (via includes.ts) imports and includes. */
import type { Node } from 'yaml';
import type { FileScope, LoadCtx } from './context.js';
import { reportAt } from './context.js';
import type { Block, Task, TaskNode } from './model.js';
import { BLOCK_KEYWORDS, HANDLER_KEYWORDS, TASK_KEYWORDS, includeActionOf } from './keywords.js';
import { baseKeywords, readCommonKeywords, readLoop, type LoopSpec } from './task-keywords.js';
import { asConditions, asConditionsOrBool, asNumber, asNumberOrTemplate, asString, asStringList, type ValueSite } from './values.js';
import { findAction, looksLikeModule, resolveAction, type ResolvedAction } from './action.js';
import { applyAll, inheritable } from './inherit.js';
import { parseInclude } from './includes.js';
import { checkHandlerShape } from './handler-shapes.js';
import { checkModuleArgsAt, checkTaskTemplates, checkTemplateSource } from './task-checks.js';
import { describeType, isMapNode, isSeqNode, mapEntries, seqItems, toValue, type MapEntry } from './ynode.js';
import { didYouMean } from './suggest.js';
import { getModule } from '../../modules/registry.js';

export async function parseTaskList(ctx: LoadCtx, scope: FileScope, node: Node | null, what: string): Promise<TaskNode[]> {
  if (node === null || toValue(scope.y, node) === null) return [];
  if (!isSeqNode(scope.y, node)) {
    reportAt(ctx, scope.y, node, 'TSPLAY_SCHEMA', `'${what}' must be a list of tasks, found ${describeType(toValue(scope.y, node))}`);
    return [];
  }
  const out: TaskNode[] = [];
  for (const item of seqItems(scope.y, node)) out.push(...(await parseTaskNode(ctx, scope, item)));
  return out;
}

export async function parseTaskNode(ctx: LoadCtx, scope: FileScope, node: Node): Promise<TaskNode[]> {
  if (!isMapNode(scope.y, node)) {
    reportAt(ctx, scope.y, node, 'TSPLAY_SCHEMA', `a task must be a mapping (module: arguments, name: ...), found ${describeType(toValue(scope.y, node))}`);
    return [];
  }
  const entries = mapEntries(scope.y, node);
  const include = entries.find((e) => includeActionOf(e.key));
  checkHandlerShape(ctx, scope, entries, include);
  if (entries.some((e) => e.key === 'block')) return [await parseBlock(ctx, scope, node, entries)];
  if (include) return parseInclude(ctx, scope, { node, entries, include });
  const task = parseTask(ctx, scope, node, entries);
  return task ? [task] : [];
}

async function parseBlock(ctx: LoadCtx, scope: FileScope, node: Node, entries: MapEntry[]): Promise<Block> {
  const kw = baseKeywords(scope, node);
  const rest = readCommonKeywords(ctx, scope, kw, entries);
  const lists: Record<'block' | 'rescue' | 'always', TaskNode[]> = { block: [], rescue: [], always: [] };
  let notify: string[] = [];
  for (const e of rest) {
    if (e.key === 'block' || e.key === 'rescue' || e.key === 'always') lists[e.key] = await parseTaskList(ctx, scope, e.value, e.key);
    else if (e.key === 'notify') notify = asStringList({ ctx, y: scope.y, node: e.value, key: e.key });
    else {
      const where = e.key in TASK_KEYWORDS || e.key.startsWith('with_') ? ` ('${e.key}' is not valid on a block)` : didYouMean(e.key, Object.keys(BLOCK_KEYWORDS));
      reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown block keyword '${e.key}'${where}`, { excerpt: e.key });
    }
  }
  checkTaskTemplates(ctx, scope.y, entries);
  const block: Block = { ...kw, kind: 'block', ...lists };
  applyAll([...lists.block, ...lists.rescue, ...lists.always], { ...inheritable(kw), notify });
  return block;
}

interface TaskExtras {
  register?: string;
  notify: string[];
  listen: string[];
  changedWhen?: string[] | boolean;
  failedWhen?: string[] | boolean;
  until?: string[];
  retries?: number | string;
  delay?: number | string;
}

/** register, notify, listen, changed_when, ...: returns the remaining entries. */
function readTaskExtras(ctx: LoadCtx, scope: FileScope, entries: MapEntry[], out: TaskExtras): MapEntry[] {
  const rest: MapEntry[] = [];
  for (const e of entries) {
    const s: ValueSite = { ctx, y: scope.y, node: e.value, key: e.key };
    if (e.key === 'register') out.register = readRegister(s);
    else if (e.key === 'notify') out.notify = asStringList(s);
    else if (e.key === 'listen' && scope.handlers) out.listen = asStringList(s);
    else if (e.key === 'changed_when') out.changedWhen = asConditionsOrBool(s);
    else if (e.key === 'failed_when') out.failedWhen = asConditionsOrBool(s);
    else if (e.key === 'until') out.until = asConditions(s);
    else if (e.key === 'retries') out.retries = asNumberOrTemplate(s);
    else if (e.key === 'delay') out.delay = asNumberOrTemplate(s);
    else rest.push(e);
  }
  return rest;
}

function readRegister(s: ValueSite): string | undefined {
  const name = asString(s);
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'register' needs a variable name (letters, digits, _), found '${name}'`, { excerpt: name });
    return undefined;
  }
  return name;
}

function parseTask(ctx: LoadCtx, scope: FileScope, node: Node, entries: MapEntry[]): Task | undefined {
  const kw = baseKeywords(scope, node);
  const loop: LoopSpec = {};
  const extras: TaskExtras = { notify: [], listen: [] };
  const rest = readTaskExtras(ctx, scope, readLoop(ctx, scope, readCommonKeywords(ctx, scope, kw, entries), loop), extras);
  const action = pickAction(ctx, scope, { rest, entries, source: kw.source });
  checkTaskTemplates(ctx, scope.y, entries);
  if (!action) return undefined;
  const task: Task = { ...kw, kind: 'task', module: action.module, moduleAs: action.moduleAs, args: action.args, argsSource: action.argsSource, ...loop, ...extras };
  if (action.localAction && task.delegateTo === undefined) task.delegateTo = 'localhost';
  noteDefinedVars(ctx, task);
  if (action.mod) checkModuleArgsAt(ctx, scope.y, action);
  if (ctx.checking && action.mod?.name === 'template') checkTemplateSource(ctx, scope, action);
  return task;
}

interface PickInput {
  rest: MapEntry[];
  entries: MapEntry[];
  source: Task['source'];
}

/** The module of the task; unknown keys and a misspelt module are reported. */
function pickAction(ctx: LoadCtx, scope: FileScope, input: PickInput): ResolvedAction | undefined {
  const keywords = Object.keys(scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS);
  const { action, extra, unknown } = findAction(input.rest);
  for (const e of extra) reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_SCHEMA', `conflicting actions: '${action!.key}' and '${e.key}' (a task calls one module)`, { excerpt: e.key });
  let candidate = action;
  if (!candidate) candidate = unknown.find((e) => looksLikeModule(e.key, keywords)) ?? (unknown.length === 1 ? unknown[0] : undefined);
  const moduleArgs = Object.keys(((candidate && getModule(candidate.key)?.params.properties) ?? {}) as Record<string, unknown>);
  for (const e of unknown) {
    if (e === candidate) continue;
    const listenHint = e.key === 'listen' ? " ('listen' is only valid on handlers)" : didYouMean(e.key, keywords);
    const hint = moduleArgs.includes(e.key) ? `'${e.key}' is an argument of module '${candidate!.key}': indent it under the module` : undefined;
    reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown keyword '${e.key}'${listenHint}`, { excerpt: e.key, hint });
  }
  if (!candidate) {
    reportAt(ctx, scope.y, null, 'TSPLAY_SCHEMA', 'task has no module to run', { fallback: input.source, hint: "add a module, e.g. 'debug: msg=hello'" });
    return undefined;
  }
  const argsEntry = input.rest.find((e) => e.key === 'args');
  return resolveAction({ ctx, scope, entry: candidate, argsEntry, taskPos: input.source });
}

/** Variables a task defines for later ones (for the required role argument check). */
function noteDefinedVars(ctx: LoadCtx, task: Task): void {
  if (task.register) ctx.knownVars.add(task.register);
  if (task.module === 'set_fact') for (const k of Object.keys(task.args)) ctx.knownVars.add(k);
  if (task.module === 'include_vars') {
    if (typeof task.args.name === 'string') ctx.knownVars.add(task.args.name);
    else ctx.dynamicVars = true;
  }
}
