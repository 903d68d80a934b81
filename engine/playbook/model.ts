/**
 * The loaded, validated form of playbooks, plays, roles and tasks. Produced by
 * the loader (engine/playbook), consumed by the executor. Templated values are
 * kept as strings and rendered per host at run time.
 */
import type { SourcePos, TsplayError } from '../errors.js';

export type VarsMap = Record<string, unknown>;

export interface Playbook {
  file: string;
  /** directory of the playbook: base for roles/, group_vars/, files/, templates/ */
  dir: string;
  plays: Play[];
  /** problems that do not stop a run (unsupported keywords ignored, ...) */
  warnings?: TsplayError[];
}

export interface RoleInstance {
  name: string;
  /** absolute path of the role directory */
  path: string;
  defaults: VarsMap;
  vars: VarsMap;
  /** params given where the role is used (roles: - role: x, param: 1) */
  params: VarsMap;
  /** roles this one depends on (meta/main.yml dependencies), already expanded in task lists */
  dependencies: RoleInstance[];
  source: SourcePos;
}

export interface Play {
  name: string;
  /** host pattern, possibly templated */
  hosts: string;
  source: SourcePos;
  vars: VarsMap;
  /** paths (possibly templated), relative to the playbook dir */
  varsFiles: string[];
  /** roles of the play, in order, with dependencies first */
  roles: RoleInstance[];
  /** pre_tasks, then role tasks (in order), then tasks, then post_tasks: handlers flush after pre_tasks, after roles and tasks together, after post_tasks */
  sections: TaskSection[];
  /** handlers of `roles:`, then the play's, then those of import_role (Ansible's order; the last one of a name answers it) */
  handlers: TaskNode[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  gatherFacts: boolean;
  /** number, percentage string, or a list of them */
  serial?: (number | string)[];
  strategy: 'linear' | 'free';
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  tags: string[];
  environment: Record<string, unknown> | string;
  checkMode?: boolean;
  diff?: boolean;
  ignoreUnreachable: boolean;
  ignoreErrors: boolean;
  order: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  forceHandlers?: boolean;
  noLog?: boolean;
  timeout?: number | string;
  /** remote_user at play level */
  remoteUser?: string;
  connection?: string;
  /** the play came from import_playbook of this file */
  importedFrom?: string;
}

export interface TaskSection {
  name: 'pre_tasks' | 'roles' | 'tasks' | 'post_tasks';
  tasks: TaskNode[];
}

export interface LoopControl {
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
}

/** Keywords shared by tasks, blocks and includes. */
export interface TaskKeywords {
  source: SourcePos;
  name?: string;
  /** all must hold (a `when:` list); expressions without {{ }} */
  when: string[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  vars: VarsMap;
  /** a mapping, or one template (`"{{ proxy_env }}"`) rendered at run time */
  environment?: Record<string, unknown> | string;
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  noLog?: boolean | string;
  checkMode?: boolean;
  diff?: boolean;
  delegateTo?: string;
  delegateFacts?: boolean;
  runOnce?: boolean;
  throttle?: number;
  anyErrorsFatal?: boolean;
  /** seconds, or a template rendered at run time */
  timeout?: number | string;
  /** the role this task belongs to, for variable scope and role files/templates lookup */
  role?: RoleInstance;
  /** set on tasks of a file pulled in by include/import: directory used for relative lookups */
  baseDir?: string;
}

export interface Task extends TaskKeywords {
  kind: 'task';
  /** canonical module name (aliases resolved) */
  module: string;
  /** the name as written (for messages): ansible.builtin.copy */
  moduleAs: string;
  /** arguments; `args:` merged in; free form `key=value` parsed */
  args: VarsMap;
  argsSource: SourcePos;
  /** loop expression or list (loop: / with_items: / with_list: / with_dict:...) */
  loop?: unknown;
  /** which with_* form, for its flattening rules */
  loopKind?: 'loop' | 'with_items' | 'with_list' | 'with_dict' | 'with_fileglob' | 'with_sequence' | 'with_together' | 'with_nested' | 'with_subelements' | 'with_indexed_items' | 'with_random_choice' | 'with_first_found';
  loopControl?: LoopControl;
  register?: string;
  notify: string[];
  /** handlers only: topics this handler also answers to */
  listen: string[];
  changedWhen?: string[] | boolean;
  failedWhen?: string[] | boolean;
  until?: string[];
  /** a number, or a template rendered at run time */
  retries?: number | string;
  delay?: number | string;
}

export interface Block extends TaskKeywords {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** include_tasks / include_role: resolved at run time, per host. */
export interface DynamicInclude extends TaskKeywords {
  kind: 'include_tasks' | 'include_role';
  /** include_tasks: the file (may be templated); include_role: the role name */
  target: string;
  /** include_role: tasks_from, defaults_from, vars_from, handlers_from */
  from?: { tasks?: string; defaults?: string; vars?: string; handlers?: string };
  /** include_role: public (expose role vars to the play) */
  public?: boolean;
  /** parameters given as vars to the included tasks/role */
  params: VarsMap;
  loop?: unknown;
  loopKind?: Task['loopKind'];
  loopControl?: LoopControl;
  /** handlers names notify targets */
  notify: string[];
  /** an include_tasks handler: topics it also answers to (it runs the whole file when notified) */
  listen?: string[];
  /** `apply:` keywords, applied to every included task (pass to loadTaskFile/loadRole) */
  apply?: ApplyKeywords;
}

/** Keywords an include's `apply:` pushes down to the included tasks. */
export type ApplyKeywords = Partial<Omit<TaskKeywords, 'source' | 'name' | 'baseDir'>>;

export type TaskNode = Task | Block | DynamicInclude;
