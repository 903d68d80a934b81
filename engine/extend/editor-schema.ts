/**
 * The playbook JSON Schema as editors need it (yaml-language-server): a
 * value written as a template ("{{ port }}", "{% if %}") is accepted wherever
 * a number, boolean, list, mapping or fixed choice is expected, since it is
 * only known at run time; and a variant for task files (roles/X/tasks/*.yml,
 * handlers, include_tasks files), which are lists of tasks, not plays.
 */
import { playbookJsonSchema } from '../playbook/index.js';

type Schema = Record<string, unknown>;

export type SchemaKind = 'playbook' | 'tasks';

/** Matches a string holding a Jinja expression or statement. */
export const TEMPLATE_STRING: Schema = { type: 'string', pattern: '\\{\\{|\\{%', description: 'a template, rendered at run time' };

function acceptsString(s: Schema): boolean {
  const t = s.type;
  if (t === undefined) return s.enum === undefined && s.const === undefined;
  return t === 'string' || (Array.isArray(t) && t.includes('string'));
}

const SUBSCHEMA_MAPS = ['properties', 'definitions', 'patternProperties'];
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'propertyNames'];

/** Walks a schema and lets template strings through every typed or enumerated value. */
function relax(node: unknown, wrap: boolean): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const s: Schema = { ...(node as Schema) };
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key] as Record<string, unknown> | undefined;
    if (map && typeof map === 'object') s[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, relax(v, key !== 'definitions')]));
  }
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((v) => relax(v, false));
  for (const key of SUBSCHEMAS) if (s[key] && typeof s[key] === 'object') s[key] = relax(s[key], key !== 'propertyNames' && key !== 'not');
  if (!wrap || acceptsString(s)) return s;
  return { description: s.description, anyOf: [s, TEMPLATE_STRING] };
}

/** Play `vars:` may also be a list of mappings (Ansible's older form, which the loader reads). */
function playVarsAsList(schema: Schema): void {
  const play = (schema.definitions as Record<string, Schema> | undefined)?.play;
  const props = play?.properties as Record<string, Schema> | undefined;
  const vars = props?.vars;
  if (!props || !vars) return;
  const list = { type: 'array', items: { type: 'object' }, description: 'a list of mappings, merged in order' };
  props.vars = { description: vars.description, anyOf: [...((vars.anyOf as Schema[] | undefined) ?? [vars]), list] };
}

/** What `tsplay schema` prints; `tasks` for task files. */
export function editorSchema(kind: SchemaKind = 'playbook'): Schema {
  const relaxed = relax(playbookJsonSchema(), false) as Schema;
  playVarsAsList(relaxed);
  if (kind === 'playbook') return relaxed;
  return {
    ...relaxed,
    $id: 'https://tsplay.dev/schemas/tasks.json',
    title: 'tsplay task file',
    description: 'A list of tasks (roles/NAME/tasks/*.yml, handlers/*.yml, files for import_tasks/include_tasks).',
    items: { $ref: '#/definitions/task' },
  };
}
