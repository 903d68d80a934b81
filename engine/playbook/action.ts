/**
 * Which module a task calls and with what arguments: `module: {args}`,
 * `module: key=value ...` (free form), `action:` / `local_action:`, `args:`.
 */
import { isScalar, type Node } from 'yaml';
import type { LoadCtx, FileScope } from './context.js';
import { reportAt } from './context.js';
import { getModule, allModuleNames } from '../../modules/registry.js';
import type { AnyModule } from '../module-api.js';
import type { SourcePos } from '../errors.js';
import type { VarsMap } from './model.js';
import { parseKv, SplitArgsError } from './kv.js';
import { coerceModuleArgs } from './coerce.js';
import { closestMatch } from './suggest.js';
import { deref, describeType, mapEntries, nodePos, toValue, type MapEntry } from './ynode.js';
import { META_ACTIONS } from './keywords.js';

export interface ResolvedAction {
  module: string;
  moduleAs: string;
  mod?: AnyModule;
  args: VarsMap;
  argsSource: SourcePos;
  /** the YAML node holding the arguments (mapping form), for argument positions */
  argsNode: Node | null;
  /** `args:` mapping node, when given */
  extraArgsNode: Node | null;
  localAction: boolean;
}

const META_NAMES = new Set(['meta', 'ansible.builtin.meta']);

export function isModuleName(name: string): boolean {
  return META_NAMES.has(name) || getModule(name) !== undefined;
}

export function moduleCandidates(): string[] {
  return [...allModuleNames(), 'meta'];
}

/** Splits the non-keyword entries of a task into the action and the unknown keys. */
export function findAction(entries: MapEntry[]): { action?: MapEntry; extra: MapEntry[]; unknown: MapEntry[] } {
  const actions = entries.filter((e) => e.key === 'action' || e.key === 'local_action' || isModuleName(e.key));
  const unknown = entries.filter((e) => !actions.includes(e) && e.key !== 'args');
  return { action: actions[0], extra: actions.slice(1), unknown };
}

/** True when an unknown key is more likely a misspelt module than a misspelt keyword. */
export function looksLikeModule(key: string, keywords: string[]): boolean {
  const kw = closestMatch(key, keywords);
  if (!kw) return true;
  const mod = closestMatch(key, moduleCandidates());
  return mod !== undefined && mod.distance < kw.distance;
}

interface ActionInput {
  ctx: LoadCtx;
  scope: FileScope;
  entry: MapEntry;
  argsEntry?: MapEntry;
  taskPos: SourcePos;
}

/** `action: copy src=a` / `action: {module: copy, src: a}` name and argument node. */
function unwrapAction(input: ActionInput): { name?: string; value: Node | null; text?: string } {
  const { scope, entry } = input;
  const v = deref(scope.y, entry.value);
  if (isScalar(v) && typeof v.value === 'string') {
    const text = v.value.trim();
    const sp = text.search(/\s/);
    return sp < 0 ? { name: text, value: null } : { name: text.slice(0, sp), value: entry.value, text: text.slice(sp + 1) };
  }
  const moduleEntry = mapEntries(scope.y, v).find((e) => e.key === 'module');
  if (!moduleEntry) {
    reportAt(input.ctx, scope.y, entry.value, 'TSPLAY_SCHEMA', `'${entry.key}' needs a module: '${entry.key}: copy src=a dest=b' or '${entry.key}: {module: copy, ...}'`, { fallback: input.taskPos });
    return { value: null };
  }
  return { name: String(toValue(scope.y, moduleEntry.value)), value: entry.value };
}

export function resolveAction(input: ActionInput): ResolvedAction | undefined {
  const { ctx, scope, entry } = input;
  const isWrapped = entry.key === 'action' || entry.key === 'local_action';
  const wrapped = isWrapped ? unwrapAction(input) : { name: entry.key, value: entry.value, text: undefined };
  if (!wrapped.name) return undefined;
  const moduleAs = wrapped.name;
  if (!isModuleName(moduleAs)) {
    const short = moduleAs.split('.').pop()!;
    const m = closestMatch(moduleAs, moduleCandidates()) ?? (short !== moduleAs ? closestMatch(short, moduleCandidates()) : undefined);
    const hint = short !== moduleAs && getModule(short) ? `tsplay has '${short}' but not under the name '${moduleAs}'` : undefined;
    reportAt(ctx, scope.y, isWrapped ? entry.value : entry.keyNode, 'TSPLAY_UNKNOWN_MODULE', `unknown module '${moduleAs}'${m ? ` (did you mean '${m.match}'?)` : ''}`, { excerpt: moduleAs, hint });
    return undefined;
  }
  const mod = META_NAMES.has(moduleAs) ? undefined : getModule(moduleAs);
  const raw = readArgs({ ...input, mod, moduleAs, node: wrapped.value, text: wrapped.text, wrapped: isWrapped });
  const args = mod ? coerceModuleArgs(mod, raw) : raw;
  return {
    module: mod?.name ?? 'meta',
    moduleAs,
    mod,
    args,
    argsSource: nodePos(scope.y, entry.value ?? entry.keyNode),
    argsNode: wrapped.value,
    extraArgsNode: input.argsEntry?.value ?? null,
    localAction: entry.key === 'local_action',
  };
}

interface ArgsInput extends ActionInput {
  mod?: AnyModule;
  moduleAs: string;
  node: Node | null;
  /** free-form text after the module name in `action: name text` */
  text?: string;
  wrapped: boolean;
}

function readArgs(input: ArgsInput): VarsMap {
  const { ctx, scope } = input;
  let extra: VarsMap = {};
  if (input.argsEntry) {
    const base = toValue(scope.y, input.argsEntry.value);
    if (base && typeof base === 'object' && !Array.isArray(base)) extra = { ...(base as VarsMap) };
    else if (base !== null) reportAt(ctx, scope.y, input.argsEntry.value, 'TSPLAY_SCHEMA', `'args' must be a mapping, found ${describeType(base)}`);
  }
  const value = input.text !== undefined ? input.text : toValue(scope.y, input.node);
  let own: VarsMap;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') own = freeFormArgs(input, String(value));
  else if (value === null || value === undefined) own = {};
  else if (typeof value === 'object' && !Array.isArray(value)) {
    own = { ...(value as VarsMap) };
    if (input.wrapped) delete own.module;
  } else {
    reportAt(ctx, scope.y, input.node, 'TSPLAY_MODULE_ARGS', `module '${input.moduleAs}': arguments must be a mapping or key=value text, found ${describeType(value)}`);
    own = {};
  }
  return { ...extra, ...own };
}

function freeFormArgs(input: ArgsInput, text: string): VarsMap {
  const { ctx, scope } = input;
  if (!input.mod) return metaArgs(input, text);
  const freeForm = input.mod.freeForm;
  let parsed: VarsMap;
  try {
    parsed = parseKv(text, isRawCommand(input.mod));
  } catch (e) {
    if (!(e instanceof SplitArgsError)) throw e;
    reportAt(ctx, scope.y, input.node, 'TSPLAY_MODULE_ARGS', `module '${input.moduleAs}': unbalanced quotes or Jinja block in the arguments`, { hint: 'close the quote or {{ }}, or quote the whole line' });
    return {};
  }
  const raw = parsed._raw_params;
  delete parsed._raw_params;
  if (raw !== undefined) {
    if (freeForm) parsed[freeForm] = raw;
    else reportAt(ctx, scope.y, input.node, 'TSPLAY_MODULE_ARGS', `module '${input.moduleAs}' takes key=value arguments, not free text`, { excerpt: String(raw), hint: `write '${input.moduleAs}: key=value ...' or a mapping of arguments` });
  }
  return parsed;
}

/** Ansible keeps `k=v` words in the command text only for its raw-command modules (check_raw). */
const RAW_COMMAND_MODULES = new Set(['command', 'shell', 'raw', 'script']);

function isRawCommand(mod: AnyModule): boolean {
  return RAW_COMMAND_MODULES.has(mod.name) || mod.freeForm === 'cmd';
}

function metaArgs(input: ArgsInput, text: string): VarsMap {
  const action = text.trim();
  if (!META_ACTIONS.includes(action)) {
    const m = closestMatch(action, META_ACTIONS);
    reportAt(input.ctx, input.scope.y, input.node, 'TSPLAY_MODULE_ARGS', `module 'meta': unknown action '${action}'${m ? ` (did you mean '${m.match}'?)` : ''}`, { hint: `allowed: ${META_ACTIONS.join(', ')}`, excerpt: action });
  }
  return { free_form: action };
}
