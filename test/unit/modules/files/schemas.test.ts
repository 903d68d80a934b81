import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fileModules } from '../../../../modules/files/index.js';
import { copy, planCopy } from '../../../../modules/files/copy.js';
import { missingStat } from '../../../../modules/lib/probe.js';

describe('file module definitions', () => {
  const ajv = new Ajv({ allowUnionTypes: true, strict: false });

  it.each(fileModules.map((m) => [m.name, m]))('%s: schema, aliases, doc', (name, mod) => {
    expect(mod.aliases).toContain(`ansible.builtin.${name}`);
    expect(mod.params.additionalProperties).toBe(false);
    for (const [prop, schema] of Object.entries(mod.params.properties as Record<string, { description?: string }>)) {
      expect(schema.description, `${name}.${prop}`).toBeTruthy();
    }
    expect(() => ajv.compile(mod.params)).not.toThrow();
    expect(mod.doc.short.length).toBeGreaterThan(5);
    expect(Array.isArray(parse(mod.doc.examples!))).toBe(true);
    expect(Object.keys(mod.doc.returns ?? {}).length).toBeGreaterThan(0);
    // tempfile has nothing to look at first: its name is random (check mode skips it, as Ansible)
    if (name !== 'tempfile') expect(mod.probe).toBeTypeOf('function');
  });

  it('rejects unknown and mistyped parameters', () => {
    const v = ajv.compile(copy.params);
    expect(v({ dest: '/x', content: 'a', bogus: 1 })).toBe(false);
    expect(v({ dest: '/x', content: 'a', mode: 420, owner: 1000 })).toBe(true);
    expect(v({ dest: '/x' })).toBe(false);
  });

  it('reports owner/group of a new file as the user the module runs as', () => {
    const plan = planCopy(
      { dest: '/x', content: 'a' },
      { umask: 0o022, runAs: { user: 'deploy', group: 'staff' }, items: [{ dest: '/x', desired: Buffer.from('a'), current: missingStat('/x') }], dirs: [] },
      false,
    );
    expect(plan.data).toMatchObject({ owner: 'deploy', group: 'staff', mode: '0644' });
  });
});
