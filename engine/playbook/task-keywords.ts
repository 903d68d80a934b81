/** The keywords shared by tasks, blocks and includes, read into TaskKeywords. */
import type { Node } from 'yaml';
import type { LoadCtx, FileScope } from './context.js';
import type { LoopControl, Task, TaskKeywords } from './model.js';
import { reportAt, warn } from './context.js';
import { asBool, asBoolOrTemplate, asConditions, asMapping, asNumber, asNumberOrTemplate, asString, asStringList, type ValueSite } from './values.js';
import { mapEntries, nodePos, toValue, type MapEntry } from './ynode.js';
import { didYouMean } from './suggest.js';

type Setter = (kw: TaskKeywords, s: ValueSite) => void;

const BECOME_METHODS = ['sudo', 'su'] as const;

function becomeMethod(s: ValueSite): 'sudo' | 'su' | undefined {
  const v = asString(s);
  if (v === undefined) return undefined;
  if ((BECOME_METHODS as readonly string[]).includes(v)) return v as 'sudo' | 'su';
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `become_method '${v}' is not supported${didYouMean(v, BECOME_METHODS)}`, { hint: 'supported: sudo, su' });
  return undefined;
}

const SETTERS: Record<string, Setter> = {
  name: (kw, s) => (kw.name = asString(s)),
  when: (kw, s) => (kw.when = asConditions(s)),
  tags: (kw, s) => (kw.tags = asStringList(s, true)),
  become: (kw, s) => (kw.become = asBool(s)),
  become_user: (kw, s) => (kw.becomeUser = asString(s)),
  become_method: (kw, s) => (kw.becomeMethod = becomeMethod(s)),
  vars: (kw, s) => (kw.vars = readVars(s)),
  environment: (kw, s) => (kw.environment = mappingOrTemplate(s)),
  ignore_errors: (kw, s) => (kw.ignoreErrors = asBoolOrTemplate(s)),
  ignore_unreachable: (kw, s) => (kw.ignoreUnreachable = asBool(s)),
  no_log: (kw, s) => (kw.noLog = asBoolOrTemplate(s)),
  check_mode: (kw, s) => (kw.checkMode = asBool(s)),
  diff: (kw, s) => (kw.diff = asBool(s)),
  delegate_to: (kw, s) => (kw.delegateTo = asString(s)),
  delegate_facts: (kw, s) => (kw.delegateFacts = asBool(s)),
  run_once: (kw, s) => (kw.runOnce = asBool(s)),
  throttle: (kw, s) => (kw.throttle = asNumber(s)),
  any_errors_fatal: (kw, s) => (kw.anyErrorsFatal = asBool(s)),
  timeout: (kw, s) => (kw.timeout = asNumberOrTemplate(s)),
};

/** environment: a mapping, or one template naming a mapping (`"{{ proxy_env }}"`). */
function mappingOrTemplate(s: ValueSite): Record<string, unknown> | string | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'string' && v.includes('{{')) return v;
  return asMapping(s);
}

/** `vars:` is a mapping, or (as Ansible still accepts) a list of mappings merged in order. */
function readVars(s: ValueSite): Record<string, unknown> {
  const v = toValue(s.y, s.node);
  if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) return Object.assign({}, ...(v as object[])) as Record<string, unknown>;
  return asMapping(s) ?? {};
}

/** Keywords accepted and ignored (documented as such in the schema). */
export const IGNORED_KEYWORDS = new Set(['collections', 'debugger', 'remote_user', 'connection', 'module_defaults']);

export function baseKeywords(scope: FileScope, node: Node): TaskKeywords {
  return { source: nodePos(scope.y, node), when: [], tags: [], vars: {}, role: scope.role, baseDir: scope.baseDir };
}

/** Reads the common keywords among `entries`; returns the entries it did not consume. */
export function readCommonKeywords(ctx: LoadCtx, scope: FileScope, kw: TaskKeywords, entries: MapEntry[]): MapEntry[] {
  const rest: MapEntry[] = [];
  for (const e of entries) {
    const setter = SETTERS[e.key];
    if (setter) setter(kw, { ctx, y: scope.y, node: e.value, key: e.key });
    else if (IGNORED_KEYWORDS.has(e.key)) {
      if (e.key === 'module_defaults') warn(ctx, 'TSPLAY_UNKNOWN_KEY', "'module_defaults' is not supported and is ignored", { source: nodePos(scope.y, e.keyNode) });
    } else rest.push(e);
  }
  return rest;
}

const LOOP_CONTROL_KEYS = ['loop_var', 'index_var', 'label', 'pause', 'extended'];

export function readLoopControl(ctx: LoadCtx, scope: FileScope, node: Node | null): LoopControl {
  const lc: LoopControl = { loopVar: 'item' };
  for (const e of mapEntries(scope.y, node)) {
    const s: ValueSite = { ctx, y: scope.y, node: e.value, key: `loop_control.${e.key}` };
    if (e.key === 'loop_var') lc.loopVar = asString(s) ?? 'item';
    else if (e.key === 'index_var') lc.indexVar = asString(s);
    else if (e.key === 'label') lc.label = toLabel(toValue(scope.y, e.value));
    else if (e.key === 'pause') lc.pause = asNumber(s);
    else if (e.key === 'extended') lc.extended = asBool(s);
    else reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown loop_control keyword '${e.key}'${didYouMean(e.key, LOOP_CONTROL_KEYS)}`, { hint: `valid: ${LOOP_CONTROL_KEYS.join(', ')}` });
  }
  return lc;
}

function toLabel(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface LoopSpec {
  loop?: unknown;
  loopKind?: Task['loopKind'];
  loopControl?: LoopControl;
}

/** loop / with_* / loop_control among entries; returns the rest. */
export function readLoop(ctx: LoadCtx, scope: FileScope, entries: MapEntry[], out: LoopSpec): MapEntry[] {
  const rest: MapEntry[] = [];
  for (const e of entries) {
    if (e.key === 'loop' || e.key.startsWith('with_')) {
      if (!isLoopKind(e.key)) {
        rest.push(e);
        continue;
      }
      if (out.loopKind) reportAt(ctx, scope.y, e.keyNode, 'TSPLAY_SCHEMA', `'${e.key}' conflicts with '${out.loopKind}': a task has one loop`);
      out.loop = toValue(scope.y, e.value);
      out.loopKind = e.key;
    } else if (e.key === 'loop_control') out.loopControl = readLoopControl(ctx, scope, e.value);
    else rest.push(e);
  }
  return rest;
}

const LOOP_KIND_LIST = ['loop', 'with_items', 'with_list', 'with_dict', 'with_fileglob', 'with_sequence', 'with_together', 'with_nested', 'with_subelements', 'with_indexed_items', 'with_random_choice', 'with_first_found'] as const;

function isLoopKind(k: string): k is NonNullable<Task['loopKind']> {
  return (LOOP_KIND_LIST as readonly string[]).includes(k);
}
