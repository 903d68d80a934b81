/**
 * A JSON Schema (draft-07) of playbook files for editors (yaml-language-server):
 * plays and import_playbook, tasks with every keyword, and one entry per
 * module name (aliases included) built from each module's `params` schema.
 */
import { allModuleNames, getModule } from '../../modules/registry.js';
import { BLOCK_KEYWORDS, INCLUDE_KEYWORDS, IMPORT_PLAYBOOK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS, META_ACTIONS, type KeywordSpec } from './keywords.js';

type Schema = Record<string, unknown>;

function props(table: Record<string, KeywordSpec>, override: Record<string, Schema> = {}): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [k, spec] of Object.entries(table)) out[k] = { ...spec.schema, ...(override[k] ?? {}), description: spec.description };
  return out;
}

/** Every property gets a description (editors show it); modules should give their own. */
function described(schema: Schema, owner: string): Schema {
  const props = schema.properties as Record<string, Schema> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v && typeof v === 'object') {
      if (!v.description) v.description = `${k} (argument of ${owner})`;
      described(v, owner);
    }
  }
  for (const key of ['items', 'additionalProperties']) {
    const sub = schema[key];
    if (sub && typeof sub === 'object' && !Array.isArray(sub)) described(sub as Schema, owner);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const sub of list) if (sub && typeof sub === 'object') described(sub as Schema, owner);
  }
  return schema;
}

function moduleProperties(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const name of allModuleNames().sort()) {
    const mod = getModule(name)!;
    const params = described(structuredClone(mod.params) as Schema, mod.name);
    delete params.$schema;
    delete params.$id;
    const alias = name === mod.name ? '' : ` (alias of ${mod.name})`;
    const forms: Schema[] = [params, { type: 'null' }];
    forms.push({ type: 'string', description: mod.freeForm ? `free-form text (${mod.freeForm}) and key=value options` : 'key=value arguments' });
    out[name] = { description: `${mod.doc.short}${alias}`, anyOf: forms };
  }
  out.meta = { description: 'Engine actions: flush_handlers, end_play, end_host, ...', enum: META_ACTIONS };
  out['ansible.builtin.meta'] = out.meta;
  return out;
}

const includeTarget = (what: string): Schema => ({
  description: `${what}: a file name, or {file: name}`,
  anyOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string', description: 'the task file' }, apply: { type: 'object', description: 'keywords applied to every included task (include_tasks)' } } }],
});

const roleTarget = (what: string): Schema => ({
  description: `${what}: the role's name and options`,
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'role name or path' },
    tasks_from: { type: 'string', description: 'tasks/ file to run instead of main' },
    vars_from: { type: 'string', description: 'vars/ file to load instead of main' },
    defaults_from: { type: 'string', description: 'defaults/ file to load instead of main' },
    handlers_from: { type: 'string', description: 'handlers/ file to load instead of main' },
    public: { type: 'boolean', description: 'expose the role vars to the rest of the play' },
    allow_duplicates: { type: 'boolean', description: 'run again with the same params' },
    apply: { type: 'object', description: 'keywords applied to every task of the role' },
    rolespec_validate: { type: 'boolean', description: 'validate the argument specs' },
  },
});

function includeProperties(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const prefix of ['', 'ansible.builtin.']) {
    out[`${prefix}import_tasks`] = includeTarget('Tasks of another file, inserted when the playbook is loaded');
    out[`${prefix}include_tasks`] = includeTarget('Tasks of another file, read when the task runs (may loop)');
    out[`${prefix}import_role`] = roleTarget("A role's tasks inserted when the playbook is loaded");
    out[`${prefix}include_role`] = roleTarget('A role run when the task runs (may loop)');
  }
  return out;
}

export function playbookJsonSchema(): object {
  const task: Schema = {
    description: 'A task: one module with its arguments, plus keywords; or a block; or an include/import.',
    type: 'object',
    properties: { ...props(TASK_KEYWORDS), ...props(INCLUDE_KEYWORDS), ...props(BLOCK_KEYWORDS, { block: { items: { $ref: '#/definitions/task' } }, rescue: { items: { $ref: '#/definitions/task' } }, always: { items: { $ref: '#/definitions/task' } } }), listen: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'handlers only: topics this handler also answers to' }, ...includeProperties(), ...moduleProperties() },
    additionalProperties: false,
  };
  const taskList = { type: 'array', items: { $ref: '#/definitions/task' } };
  const roleEntry = { description: "A role: its name, or {role: name, when, tags, ...params}", anyOf: [{ type: 'string' }, { type: 'object', properties: { role: { type: 'string', description: 'name or path of the role' } } }] };
  const play: Schema = {
    description: 'A play: hosts and what to run on them.',
    type: 'object',
    required: ['hosts'],
    properties: props(PLAY_KEYWORDS, { pre_tasks: taskList, tasks: taskList, post_tasks: taskList, handlers: taskList, roles: { type: 'array', items: roleEntry } }),
    additionalProperties: false,
  };
  const importPlaybook: Schema = {
    description: 'Plays of another playbook.',
    type: 'object',
    properties: props(IMPORT_PLAYBOOK_KEYWORDS),
    anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }],
    additionalProperties: false,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://tsplay.dev/schemas/playbook.json',
    title: 'tsplay playbook',
    description: 'A list of plays and import_playbook entries (Ansible compatible).',
    type: 'array',
    items: { anyOf: [{ $ref: '#/definitions/import_playbook' }, { $ref: '#/definitions/play' }] },
    definitions: { play, task, import_playbook: importPlaybook },
  };
}
