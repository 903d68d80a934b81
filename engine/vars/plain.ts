/**
 * Variable scopes as data. `hostvars[h]` and `vars` are lazy: their
 * templated values render on access, in their own scope, and a host's
 * variables hold `hostvars` again (a cycle). Whatever turns a value into text
 * or keeps it (to_json, to_yaml, a task argument that is one `{{ }}`, debug)
 * first takes it as data, as Ansible shows it:
 * - `vars` (the task's scope) shows `hostvars` once;
 * - a host's variables (hostvars[h]) show no `hostvars`, `vars` nor the
 *   play's magic variables (Ansible builds them without the play);
 * - each value is rendered in its scope; one that does not render is kept as
 *   written (a dump should not fail on a variable nobody uses).
 */
import { isMapping } from './pyvalues.js';
import { isHostvars, isTaskScope, isUndefined, isVarsScope, markScope } from './strict.js';

/** obj[key], templated when obj is a scope (CallEnv.member) */
export type MemberReader = (obj: Record<string, unknown>, key: string) => unknown;

/** Play-level magic variables: not among a host's variables in Ansible's hostvars. */
const PLAY_ONLY = new Set([
  'hostvars', 'vars', 'play_hosts', 'ansible_play_batch', 'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_name',
  'role_name', 'role_path', 'role_names', 'ansible_role_names', 'ansible_play_role_names', 'ansible_dependent_role_names', 'environment',
]);

const MAX_DEPTH = 64;
const SKIP = Symbol('skip');

interface Walk {
  member: MemberReader;
  /** mappings being copied (a cycle is left out) */
  path: Set<object>;
  depth: number;
}

/** Whether a value is, or holds near its top, a lazy scope (the cheap test before plainData). */
export function holdsScope(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isVarsScope(value) || isHostvars(value)) return true;
  if (depth >= 3) return false;
  if (Array.isArray(value)) return value.some((v) => holdsScope(v, depth + 1));
  return isMapping(value) && Object.values(value).some((v) => holdsScope(v, depth + 1));
}

export function plainData(value: unknown, member: MemberReader): unknown {
  const out = toPlain(value, { member, path: new Set(), depth: 0 });
  return out === SKIP ? null : out;
}

function toPlain(value: unknown, w: Walk): unknown {
  if (value === null || typeof value !== 'object' || isUndefined(value)) return value;
  if (w.path.has(value) || w.depth > MAX_DEPTH) return SKIP;
  const inner = { ...w, depth: w.depth + 1 };
  if (Array.isArray(value)) return value.map((v) => toPlain(v, inner)).filter((v) => v !== SKIP);
  if (!isMapping(value)) return value;
  w.path.add(value);
  try {
    return isHostvars(value) ? hostsOf(value, inner) : mappingOf(value, inner);
  } finally {
    w.path.delete(value);
  }
}

type Kind = 'task' | 'host' | 'data';

function kindOf(value: object): Kind {
  return isTaskScope(value) ? 'task' : isVarsScope(value) ? 'host' : 'data';
}

function mappingOf(value: Record<string, unknown>, w: Walk, kind: Kind = kindOf(value)): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (kind === 'host' && PLAY_ONLY.has(key)) continue;
    const raw = kind === 'data' ? value[key] : read(value, key, w.member);
    // the task scope's hostvars is the executor's map, not the templates' view
    const v = kind === 'task' && key === 'hostvars' && isMapping(raw) ? hostsOf(raw, w) : toPlain(raw, w);
    if (v !== SKIP) out[key] = v;
  }
  return out;
}

/** Each host's variables, as a host scope (without hostvars: no way back to a cycle). */
function hostsOf(hostvars: Record<string, unknown>, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const inner = { ...w, depth: w.depth + 1 };
  for (const host of Object.keys(hostvars)) {
    const vars = hostvars[host];
    out[host] = isMapping(vars) ? mappingOf(markScope(vars), inner, 'host') : vars;
  }
  return out;
}

function read(scope: Record<string, unknown>, key: string, member: MemberReader): unknown {
  try {
    return member(scope, key);
  } catch {
    return scope[key];
  }
}
