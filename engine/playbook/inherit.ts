/**
 * Keywords of an enclosing block, import, role entry or `apply:` pushed down
 * to every task under it: `when` is ANDed (outer first), tags merged, vars and
 * environment layered, every other keyword inherited unless the task sets it.
 */
import type { TaskKeywords, TaskNode } from './model.js';

export type InheritedKeywords = Partial<Omit<TaskKeywords, 'source' | 'name' | 'baseDir'>> & { notify?: string[] };

const SCALAR_KEYS = [
  'become', 'becomeUser', 'becomeMethod', 'ignoreErrors', 'ignoreUnreachable', 'noLog', 'checkMode', 'diff',
  'delegateTo', 'delegateFacts', 'runOnce', 'throttle', 'anyErrorsFatal', 'timeout', 'role',
] as const satisfies readonly (keyof TaskKeywords)[];

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** The inheritable part of a node's keywords. */
export function inheritable(kw: TaskKeywords & { notify?: string[] }): InheritedKeywords {
  const out: InheritedKeywords = { when: kw.when, tags: kw.tags, vars: kw.vars, environment: kw.environment };
  for (const k of SCALAR_KEYS) if (kw[k] !== undefined) (out as Record<string, unknown>)[k] = kw[k];
  if (kw.notify?.length) out.notify = kw.notify;
  return out;
}

/** Applies `outer` to a node and, for blocks, to every node inside it. */
export function applyKeywords(node: TaskNode, outer: InheritedKeywords): TaskNode {
  node.when = [...(outer.when ?? []), ...node.when];
  node.tags = union(outer.tags ?? [], node.tags);
  node.vars = { ...(outer.vars ?? {}), ...node.vars };
  if (outer.environment) node.environment = mergeEnvironment(outer.environment, node.environment);
  const target = node as unknown as Record<string, unknown>;
  for (const k of SCALAR_KEYS) if (target[k] === undefined && outer[k] !== undefined) target[k] = outer[k];
  if (node.kind === 'task' && outer.notify) node.notify = union(node.notify, outer.notify);
  if (node.kind === 'block') for (const child of [...node.block, ...node.rescue, ...node.always]) applyKeywords(child, outer);
  return node;
}

export function applyAll(nodes: TaskNode[], outer: InheritedKeywords | undefined): TaskNode[] {
  if (outer) for (const n of nodes) applyKeywords(n, outer);
  return nodes;
}

/**
 * Mappings merge (inner keys win). A templated environment (`"{{ env }}"`) is
 * only known at run time: the inner one is kept whole when both are set.
 */
function mergeEnvironment(outer: Record<string, unknown> | string, inner: Record<string, unknown> | string | undefined): Record<string, unknown> | string {
  if (inner === undefined) return outer;
  if (typeof outer === 'string' || typeof inner === 'string') return inner;
  return { ...outer, ...inner };
}
