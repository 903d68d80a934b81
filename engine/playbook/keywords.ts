/**
 * The keywords of plays, tasks, blocks and handlers, with a description and a
 * JSON Schema fragment each: the loader checks keys against these tables and
 * playbookJsonSchema() publishes them for editors.
 */

export interface KeywordSpec {
  description: string;
  schema: Record<string, unknown>;
}

type Table = Record<string, KeywordSpec>;

const str = { type: 'string' };
const bool = { type: 'boolean' };
const boolOrTemplate = { anyOf: [bool, str] };
const intOrTemplate = { anyOf: [{ type: 'integer' }, str] };
const strList = { anyOf: [str, { type: 'array', items: str }] };
const condition = { anyOf: [str, bool, { type: 'array', items: { anyOf: [str, bool] } }] };
const mapping = { type: 'object' };

/** Keywords valid on tasks, blocks, includes and plays alike. */
const COMMON: Table = {
  name: { description: 'Name shown in the output.', schema: str },
  become: { description: 'Run as another user (sudo by default).', schema: boolOrTemplate },
  become_user: { description: 'User to become (root by default).', schema: str },
  become_method: { description: 'How to become: sudo or su.', schema: { enum: ['sudo', 'su'] } },
  tags: { description: 'Tags selecting this with --tags/--skip-tags: a list or a comma separated string.', schema: strList },
  vars: { description: 'Variables scoped to this and what it contains.', schema: mapping },
  environment: { description: 'Environment variables for the commands run on the host.', schema: { anyOf: [mapping, str] } },
  check_mode: { description: 'Force check mode on (true) or off (false) whatever --check says.', schema: boolOrTemplate },
  diff: { description: 'Force showing diffs on or off.', schema: boolOrTemplate },
  ignore_errors: { description: 'Carry on after a failure of this task.', schema: boolOrTemplate },
  ignore_unreachable: { description: 'Carry on when the host is unreachable.', schema: boolOrTemplate },
  no_log: { description: 'Hide the arguments and results in the output.', schema: boolOrTemplate },
  any_errors_fatal: { description: 'A failure on any host ends the play for all hosts.', schema: boolOrTemplate },
  timeout: { description: 'Seconds after which the task is failed.', schema: intOrTemplate },
  remote_user: { description: 'User to log in as over SSH.', schema: str },
  connection: { description: 'Connection type: ssh or local.', schema: str },
  collections: { description: 'Collections searched for short names (accepted and ignored).', schema: { type: 'array', items: str } },
  module_defaults: { description: 'Module default arguments (not supported: a warning is shown).', schema: mapping },
  debugger: { description: 'Ansible debugger setting (accepted and ignored).', schema: str },
  throttle: { description: 'Most hosts running this task at once.', schema: intOrTemplate },
  run_once: { description: 'Run on the first host of the batch only; the result is shared.', schema: boolOrTemplate },
  delegate_to: { description: 'Run on this host instead of the current one.', schema: str },
  delegate_facts: { description: 'Facts gathered by a delegated task go to the delegated host.', schema: boolOrTemplate },
  when: { description: 'Condition (a Jinja expression without braces), or a list of them that must all hold.', schema: condition },
};

const LOOP_KINDS = ['with_items', 'with_list', 'with_dict', 'with_fileglob', 'with_sequence', 'with_together', 'with_nested', 'with_subelements', 'with_indexed_items', 'with_random_choice', 'with_first_found'] as const;

const LOOPS: Table = {
  loop: { description: 'List to run the task over; each item is `item` (see loop_control).', schema: { anyOf: [str, { type: 'array' }] } },
  loop_control: {
    description: 'Loop settings: loop_var, index_var, label, pause, extended.',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        loop_var: { type: 'string', description: 'Name of the loop variable (item by default).' },
        index_var: { type: 'string', description: 'Variable holding the 0-based index.' },
        label: { type: 'string', description: 'What to show for each item in the output.' },
        pause: { anyOf: [{ type: 'number' }, str], description: 'Seconds to wait between items.' },
        extended: { anyOf: [bool, str], description: 'Provide ansible_loop with first/last/index/... .' },
      },
    },
  },
  ...Object.fromEntries(LOOP_KINDS.map((k) => [k, { description: `Ansible's ${k} loop.`, schema: {} }])),
};

export const TASK_KEYWORDS: Table = {
  ...COMMON,
  ...LOOPS,
  register: { description: 'Variable receiving the result of the task.', schema: str },
  notify: { description: 'Handlers (names or listen topics) to run when the task changes something.', schema: strList },
  changed_when: { description: 'Condition deciding whether the task reports changed.', schema: condition },
  failed_when: { description: 'Condition deciding whether the task failed.', schema: condition },
  until: { description: 'Retry the task until this condition holds.', schema: condition },
  retries: { description: 'How many times to retry with until.', schema: intOrTemplate },
  delay: { description: 'Seconds between retries.', schema: intOrTemplate },
  args: { description: 'Module arguments (merged under the inline ones).', schema: mapping },
  action: { description: 'The module and its arguments: `action: copy src=a dest=b` or `{module: copy, ...}`.', schema: { anyOf: [str, mapping] } },
  local_action: { description: 'Like action, delegated to localhost.', schema: { anyOf: [str, mapping] } },
};

export const HANDLER_KEYWORDS: Table = {
  ...TASK_KEYWORDS,
  listen: { description: 'Topics this handler also answers to in notify.', schema: strList },
};

export const BLOCK_KEYWORDS: Table = {
  ...COMMON,
  block: { description: 'Tasks run in order; keywords on the block apply to each of them.', schema: { type: 'array' } },
  rescue: { description: 'Tasks run when a task of the block failed.', schema: { type: 'array' } },
  always: { description: 'Tasks run after the block and rescue, whatever happened.', schema: { type: 'array' } },
  notify: { description: 'Handlers notified by tasks of the block.', schema: strList },
};

export const INCLUDE_ACTIONS = ['include_tasks', 'import_tasks', 'include_role', 'import_role'] as const;
export type IncludeAction = (typeof INCLUDE_ACTIONS)[number];

/** The action names (short and ansible.builtin.) of the include/import forms. */
export function includeActionOf(key: string): IncludeAction | undefined {
  const short = key.startsWith('ansible.builtin.') ? key.slice('ansible.builtin.'.length) : key;
  return (INCLUDE_ACTIONS as readonly string[]).includes(short) ? (short as IncludeAction) : undefined;
}

export const INCLUDE_KEYWORDS: Table = {
  ...COMMON,
  ...LOOPS,
  notify: TASK_KEYWORDS.notify!,
  apply: { description: 'Keywords (tags, become, ...) applied to every included task.', schema: mapping },
  register: TASK_KEYWORDS.register!,
  args: TASK_KEYWORDS.args!,
};

export const PLAY_KEYWORDS: Table = {
  ...COMMON,
  hosts: { description: 'Host pattern the play targets (groups, hosts, :&, :!, wildcards).', schema: strList },
  vars_files: { description: 'Variable files loaded for the play, relative to the playbook.', schema: { type: 'array', items: strList } },
  vars_prompt: { description: 'Not supported.', schema: {} },
  roles: { description: 'Roles applied, in order: names or {role: name, ...params}.', schema: { type: 'array' } },
  pre_tasks: { description: 'Tasks run before the roles.', schema: { type: 'array' } },
  tasks: { description: 'Tasks run after the roles.', schema: { type: 'array' } },
  post_tasks: { description: 'Tasks run after tasks.', schema: { type: 'array' } },
  handlers: { description: 'Tasks run once at the end of a section when notified.', schema: { type: 'array' } },
  gather_facts: { description: 'Gather facts before the first task (true by default).', schema: boolOrTemplate },
  gather_subset: { description: 'Fact subsets to gather (accepted and ignored).', schema: strList },
  fact_path: { description: 'Local facts path (accepted and ignored).', schema: str },
  serial: { description: 'Batch size: a number, a percentage ("30%") or a list of them.', schema: { anyOf: [{ type: 'integer' }, str, { type: 'array', items: { anyOf: [{ type: 'integer' }, str] } }] } },
  strategy: { description: 'linear (task by task over all hosts) or free (each host at its pace).', schema: { enum: ['linear', 'free'] } },
  max_fail_percentage: { description: 'Abort the play when more than this percentage of a batch failed.', schema: { anyOf: [{ type: 'number' }, str] } },
  order: { description: 'Order in which hosts are run.', schema: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] } },
  force_handlers: { description: 'Run notified handlers even after a failure.', schema: boolOrTemplate },
};

export const IMPORT_PLAYBOOK_KEYWORDS: Table = {
  import_playbook: { description: 'Another playbook whose plays are inserted here.', schema: str },
  'ansible.builtin.import_playbook': { description: 'Another playbook whose plays are inserted here.', schema: str },
  name: COMMON.name!,
  when: COMMON.when!,
  vars: COMMON.vars!,
  tags: COMMON.tags!,
};

export const ROLE_ENTRY_KEYWORDS: Table = {
  role: { description: 'Name or path of the role.', schema: str },
  name: { description: 'Name or path of the role (same as role).', schema: str },
  when: COMMON.when!,
  tags: COMMON.tags!,
  vars: COMMON.vars!,
  become: COMMON.become!,
  become_user: COMMON.become_user!,
  become_method: COMMON.become_method!,
  environment: COMMON.environment!,
  delegate_to: COMMON.delegate_to!,
  ignore_errors: COMMON.ignore_errors!,
  no_log: COMMON.no_log!,
  check_mode: COMMON.check_mode!,
  any_errors_fatal: COMMON.any_errors_fatal!,
};

export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'clear_facts', 'clear_host_errors', 'noop', 'end_batch', 'refresh_inventory', 'reset_connection', 'end_role'];

export const LOOP_KIND_NAMES: readonly string[] = ['loop', ...LOOP_KINDS];
