/** Every command and utility module honours the module contract's conventions. */
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commandModules } from '../../../../modules/commands/index.js';
import { utilityModules } from '../../../../modules/utility/index.js';

const all = [...commandModules, ...utilityModules];
/** modules whose parameters are free variable names, as in Ansible */
const OPEN_PARAMS = ['set_fact', 'add_host'];

describe.each(all.map((m) => [m.name, m] as const))('module %s', (name, mod) => {
  it('has a strict-valid schema, every property described, closed unless it takes variables', () => {
    expect(() => new Ajv({ strict: true }).compile(mod.params)).not.toThrow();
    const props = (mod.params.properties ?? {}) as Record<string, { description?: string }>;
    for (const [key, prop] of Object.entries(props)) expect({ key, described: typeof prop.description === 'string' && prop.description.length > 3 }).toEqual({ key, described: true });
    expect(mod.params.additionalProperties).toBe(OPEN_PARAMS.includes(name));
    if (mod.freeForm) expect(props[mod.freeForm]).toBeDefined();
  });
  it('has docs with YAML examples and an FQCN alias', () => {
    expect(mod.doc.short.length).toBeGreaterThan(5);
    expect(mod.doc.examples).toBeTruthy();
    expect(Array.isArray(parse(mod.doc.examples!))).toBe(true);
    expect(mod.aliases?.some((a) => a === `ansible.builtin.${name}` || a === `ansible.posix.${name}`)).toBe(true);
  });
});

it('module names are unique', () => {
  const names = all.flatMap((m) => [m.name, ...(m.aliases ?? [])]);
  expect(new Set(names).size).toBe(names.length);
});
