/** Every system module honours the module contract's conventions and is reachable through the registry. */
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { systemModules } from '../../../../modules/system/index.js';
import { getModule } from '../../../../modules/registry.js';

describe.each(systemModules.map((m) => [m.name, m] as const))('module %s', (name, mod) => {
  it('has a strict-valid closed schema, every property described', () => {
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(mod.params)).not.toThrow();
    const props = (mod.params.properties ?? {}) as Record<string, { description?: string }>;
    for (const [key, prop] of Object.entries(props)) expect({ key, described: typeof prop.description === 'string' && prop.description.length > 3 }).toEqual({ key, described: true });
    expect(mod.params.additionalProperties).toBe(false);
  });
  it('has docs with YAML examples, returns, and an FQCN alias found by the registry', () => {
    expect(mod.doc.short.length).toBeGreaterThan(5);
    expect(Array.isArray(parse(mod.doc.examples!))).toBe(true);
    expect(Object.keys(mod.doc.returns ?? {}).length).toBeGreaterThan(0);
    const fqcn = mod.aliases?.find((a) => a.includes('.'));
    expect(fqcn).toBeDefined();
    expect(getModule(fqcn!)).toBe(mod);
    expect(getModule(name)).toBe(mod);
  });
});

it('aliases asked for in the brief resolve', () => {
  for (const a of ['systemd_service', 'ansible.builtin.systemd_service', 'seboolean', 'ansible.posix.seboolean', 'ansible.posix.firewalld', 'community.general.ufw']) {
    expect(getModule(a)?.name).toBeTruthy();
  }
});
