/**
 * What a task inherits from the blocks, includes and role around it: vars,
 * `when` conditions, tags and keywords (nearest one wins).
 */
import type { Block, DynamicInclude, Play, Task, TaskKeywords, VarsMap } from '../playbook/model.js';

export interface Scope {
  /** block vars, outer first */
  blockVars: VarsMap[];
  /** include_tasks / include_role params (and rescue's ansible_failed_*) */
  includeParams: VarsMap;
  /** block `when`s: evaluated with each task, as Ansible does */
  when: string[];
  tags: string[];
  /** enclosing blocks and includes, outer first */
  keywords: TaskKeywords[];
  /** a failure here is caught by a rescue section */
  rescuable: boolean;
}

export function rootScope(play: Play): Scope {
  return { blockVars: [], includeParams: {}, when: [], tags: [...play.tags], keywords: [], rescuable: false };
}

export function blockScope(parent: Scope, block: Block, rescuable: boolean): Scope {
  return {
    blockVars: [...parent.blockVars, block.vars],
    includeParams: parent.includeParams,
    when: [...parent.when, ...block.when],
    tags: [...parent.tags, ...block.tags],
    keywords: [...parent.keywords, block],
    rescuable,
  };
}

/** Scope of tasks pulled in by a dynamic include: its own tags do not pass down (Ansible). */
export function includeScope(parent: Scope, inc: DynamicInclude, params: VarsMap): Scope {
  return {
    blockVars: [...parent.blockVars, inc.vars],
    includeParams: { ...parent.includeParams, ...params },
    when: [...parent.when, ...inc.when],
    tags: parent.tags,
    keywords: [...parent.keywords, inc],
    rescuable: parent.rescuable,
  };
}

/** A keyword's value from the task, else the nearest enclosing block, else undefined. */
export function inherited<K extends keyof TaskKeywords>(task: TaskKeywords, scope: Scope, key: K): TaskKeywords[K] {
  if (task[key] !== undefined) return task[key];
  for (let i = scope.keywords.length - 1; i >= 0; i--) {
    const v = scope.keywords[i]![key];
    if (v !== undefined) return v;
  }
  return undefined as TaskKeywords[K];
}

/** The task's full tag set: its own, enclosing blocks', its role's (set by the loader on tasks) and the play's. */
export function effectiveTags(task: Task | DynamicInclude, scope: Scope): string[] {
  return [...new Set([...scope.tags, ...task.tags])];
}

/** environment layers: play, then blocks, then task (later keys win); a layer may be a template */
export function environmentLayers(play: Play, task: TaskKeywords, scope: Scope): (Record<string, unknown> | string | undefined)[] {
  return [play.environment, ...scope.keywords.map((k) => k.environment), task.environment];
}
