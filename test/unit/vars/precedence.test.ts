import { describe, expect, it } from 'vitest';
import { buildTaskVars, PRECEDENCE_TABLE, type TaskVarsInput } from '../../../engine/vars/index.js';
import type { VarsMap } from '../../../engine/playbook/model.js';

function emptyInput(): TaskVarsInput {
  return {
    roleDefaults: [],
    host: { inventoryGroupVars: {}, inventoryHostVars: {}, playbookGroupVars: {}, playbookHostVars: {} },
  };
}

/** Puts `vars` at one level of the table, by its `source` name. */
function setLevel(input: TaskVarsInput, source: string, vars: VarsMap): void {
  const rec = input as unknown as Record<string, unknown>;
  if (source.startsWith('host.')) {
    (input.host as unknown as Record<string, VarsMap>)[source.slice(5)] = vars;
  } else if (['roleDefaults', 'varsFiles', 'roleVars', 'blockVars'].includes(source)) {
    rec[source] = [vars];
  } else if (source === 'facts') {
    // facts carry no prefix; they reach the task as ansible_<name>
    rec.facts = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
  } else {
    rec[source] = vars;
  }
}

describe('PRECEDENCE_TABLE', () => {
  it('numbers its levels 1..n', () => {
    expect(PRECEDENCE_TABLE.map((l) => l.level)).toEqual(PRECEDENCE_TABLE.map((_l, i) => i + 1));
  });
  // one test per level: it wins over the level below it, and loses to the one above
  for (const [i, level] of PRECEDENCE_TABLE.entries()) {
    it(`level ${level.level} (${level.source}) wins over the levels below it`, () => {
      const input = emptyInput();
      for (const lower of PRECEDENCE_TABLE.slice(0, i + 1)) setLevel(input, lower.source, { ansible_x: lower.source });
      expect(buildTaskVars(input).ansible_x).toBe(level.source);
      const above = PRECEDENCE_TABLE[i + 1];
      if (above) {
        setLevel(input, above.source, { ansible_x: above.source });
        expect(buildTaskVars(input).ansible_x).toBe(above.source);
      }
    });
  }
});

describe('buildTaskVars', () => {
  it('uses the inventory\'s merged host layers when given (Ansible interleaves them)', () => {
    const input = emptyInput();
    input.host = { inventoryGroupVars: { p: 1 }, inventoryHostVars: { p: 2 }, playbookGroupVars: { p: 3 }, playbookHostVars: {}, merged: { p: 2 } };
    expect(buildTaskVars(input).p).toBe(2);
  });
  it('playbook group_vars rank below inventory host vars (ansible_port on a host line wins)', () => {
    const input = emptyInput();
    input.host = { inventoryGroupVars: {}, inventoryHostVars: { ansible_port: 2201 }, playbookGroupVars: { ansible_port: 22 }, playbookHostVars: {} };
    expect(buildTaskVars(input).ansible_port).toBe(2201);
  });
  it("the task's own role defaults (last) win over other roles' defaults", () => {
    const input = { ...emptyInput(), roleDefaults: [{ port: 1, a: 1 }, { port: 2 }] };
    expect(buildTaskVars(input)).toEqual({ port: 2, a: 1 });
  });
  it('inner blocks win over outer ones, later vars_files over earlier', () => {
    const input = { ...emptyInput(), blockVars: [{ b: 'outer', o: 1 }, { b: 'inner' }], varsFiles: [{ f: 1 }, { f: 2 }] };
    expect(buildTaskVars(input)).toMatchObject({ b: 'inner', o: 1, f: 2 });
    expect(buildTaskVars({ ...emptyInput(), varsFiles: { f: 3 } }).f).toBe(3);
  });
  it('facts appear as ansible_facts.x and as ansible_x', () => {
    const v = buildTaskVars({ ...emptyInput(), facts: { hostname: 'n1', distribution: 'Debian' } });
    expect(v.ansible_hostname).toBe('n1');
    expect(v.ansible_distribution).toBe('Debian');
    expect(v.ansible_facts).toEqual({ hostname: 'n1', distribution: 'Debian' });
  });
  it('merging replaces dicts whole (hash_behaviour=replace)', () => {
    const input = { ...emptyInput(), roleDefaults: [{ cfg: { a: 1, b: 2 } }], playVars: { cfg: { a: 9 } } };
    expect(buildTaskVars(input).cfg).toEqual({ a: 9 });
  });
  it('never enumerates a lazy hostvars', () => {
    const hostvars = new Proxy({}, { ownKeys: () => { throw new Error('enumerated'); } });
    const v = buildTaskVars({ ...emptyInput(), magic: { hostvars, inventory_hostname: 'n1' } });
    expect(v.hostvars).toBe(hostvars);
  });
  it('does not modify its inputs', () => {
    const defaults = { a: 1 };
    buildTaskVars({ ...emptyInput(), roleDefaults: [defaults], extraVars: { a: 2 } });
    expect(defaults).toEqual({ a: 1 });
  });
});
