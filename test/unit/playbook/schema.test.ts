import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { good, registerTestModules } from './helpers.js';
import { playbookJsonSchema } from '../../../engine/playbook/index.js';

type Json = Record<string, unknown>;

let schema: Json;

beforeAll(() => {
  registerTestModules();
  schema = playbookJsonSchema() as Json;
});

function load(file: string): unknown {
  return parse(readFileSync(file, 'utf8'), { version: '1.1' });
}

/** Every object under `properties` must carry a description. */
function undocumented(node: unknown, path: string, out: string[]): string[] {
  if (!node || typeof node !== 'object') return out;
  const obj = node as Json;
  if (obj.properties && typeof obj.properties === 'object') {
    for (const [k, v] of Object.entries(obj.properties as Json)) {
      if (!(v as Json).description) out.push(`${path}.${k}`);
    }
  }
  for (const [k, v] of Object.entries(obj)) undocumented(v, `${path}.${k}`, out);
  return out;
}

describe('playbook JSON Schema', () => {
  it('is a draft-07 schema ajv compiles, accepting the good fixtures', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const f of ['site.yml', 'other.yml', 'dedup.yml']) {
      const ok = validate(load(good(f)));
      expect(validate.errors ?? [], f).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects an unknown task keyword and a bad module argument', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate([{ hosts: 'all', tasks: [{ tdebug: { msg: 'x' }, whn: 'x' }] }])).toBe(false);
    expect(validate([{ hosts: 'all', tasks: [{ tcopy: { dset: '/x' } }] }])).toBe(false);
    expect(validate([{ hosts: 'all', tasks: [{ tcopy: { dest: '/x' } }] }])).toBe(true);
  });

  it('has an entry per module name, aliases included, and describes every property', () => {
    const task = (schema.definitions as Json).task as Json;
    const props = task.properties as Json;
    for (const name of ['tcopy', 'tsplay.test.tcopy', 'tcmd', 'meta', 'when', 'loop_control', 'block', 'import_tasks', 'ansible.builtin.include_role']) expect(props, name).toHaveProperty(name);
    expect((props['tsplay.test.tcopy'] as Json).description).toContain('alias of tcopy');
    expect(undocumented(schema, '#', [])).toEqual([]);
  });
});
