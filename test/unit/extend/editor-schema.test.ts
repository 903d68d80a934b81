/**
 * `tsplay schema` for YAML editors: the shipped playbooks, roles' task files
 * and the good fixtures validate against it with ajv (as yaml-language-server
 * would); templated values are accepted where a number, boolean or choice is
 * expected; real mistakes are still flagged.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { editorSchema } from '../../../engine/extend/editor-schema.js';
import { loadCustomModules } from '../../../engine/extend/loader.js';
import { parseYaml } from '../../../engine/yaml.js';
import { registerTestModules } from '../playbook/helpers.js';

const REPO = resolve(import.meta.dirname, '../../..');
// the fixtures use the loader tests' modules; the example its own library/ module
registerTestModules();
await loadCustomModules({ playbookDir: join(REPO, 'docs/examples/custom-module') });
const ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false });
const validators: Record<'playbook' | 'tasks', ValidateFunction> = {
  playbook: ajv.compile(editorSchema('playbook')),
  tasks: ajv.compile({ ...editorSchema('tasks'), $id: 'https://tsplay.dev/schemas/tasks-test.json' }),
};

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(n) ? [p] : [];
  });
}

const isPlayLike = (item: unknown): boolean =>
  !!item && typeof item === 'object' && ['hosts', 'import_playbook', 'ansible.builtin.import_playbook'].some((k) => k in (item as object));

/** playbook, task file, or neither (vars files, inventories: mappings) */
function kindOf(value: unknown): 'playbook' | 'tasks' | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every(isPlayLike) ? 'playbook' : value.some(isPlayLike) ? 'playbook' : 'tasks';
}

function errorsOf(file: string): string[] {
  const value = parseYaml(readFileSync(file, 'utf8'), file).value;
  const kind = kindOf(value);
  if (!kind) return [];
  const validate = validators[kind];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${relative(REPO, file)} (${kind}) ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const shipped = [
  ...yamlFiles(join(REPO, 'playbooks')).filter((f) => !/\/(group_vars|host_vars)\//.test(f)),
  ...yamlFiles(join(REPO, 'roles')).filter((f) => /\/(tasks|handlers)\//.test(f)),
  ...yamlFiles(join(REPO, 'test/fixtures/playbooks/good')).filter((f) => !/\/(vars|group_vars|host_vars|defaults|meta)\//.test(f)),
  ...yamlFiles(join(REPO, 'docs/examples')),
];

describe('editor schema', () => {
  it('finds files to validate', () => {
    expect(shipped.length).toBeGreaterThan(5);
  });

  it.each(shipped.map((f) => [relative(REPO, f), f]))('%s validates', (_rel, file) => {
    expect(errorsOf(file)).toEqual([]);
  });

  it('accepts templates where numbers, booleans, choices and mappings are expected', () => {
    const play = [{ hosts: 'all', become: '{{ use_sudo }}', tasks: [{ wait_for: { port: '{{ pg_port }}', timeout: 5 } }, { file: { path: '/x', state: '{{ st }}' }, when: 'x' }, { copy: { dest: '/x', content: 'y' }, environment: '{{ env }}' }] }];
    expect(validators.playbook(play), JSON.stringify(validators.playbook.errors)).toBe(true);
  });

  it('still flags an unknown module, a bad choice and a wrong type', () => {
    expect(validators.playbook([{ hosts: 'all', tasks: [{ copyy: { dest: '/x' } }] }])).toBe(false);
    expect(validators.playbook([{ hosts: 'all', tasks: [{ file: { path: '/x', state: 'gone' } }] }])).toBe(false);
    expect(validators.playbook([{ hosts: 'all', tasks: [{ wait_for: { port: 'five' } }] }])).toBe(false);
    expect(validators.playbook([{ tasks: [] }])).toBe(false);
  });

  it('the tasks variant takes a list of tasks', () => {
    expect(validators.tasks([{ name: 'x', debug: { msg: 'hi' } }, { block: [{ command: 'true' }] }])).toBe(true);
    expect(validators.tasks([{ hosts: 'all' }])).toBe(false);
  });
});
