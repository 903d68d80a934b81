/**
 * Facts a module returns with the ansible_ prefix (setup, as Ansible's) are
 * kept in the ansible_facts namespace without it; the registered result keeps
 * the module's keys (checked against ansible-playbook 2.14 in
 * test/integration/executor/parity-setup.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';

describe('facts namespace and registered facts', () => {
  it('ansible_foo returned: ansible_facts.foo and ansible_foo; the register keeps ansible_foo', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { data: { ansible_facts: { ansible_foo: 1, ansible_local: { x: 1 }, bar: 2, gather_subset: [all] } } }
      register: r
    - debug: { msg: "{{ ansible_facts.foo }} {{ ansible_foo }} {{ ansible_facts.bar }} {{ ansible_bar }} {{ ansible_local.x }} {{ r.ansible_facts.ansible_foo }} {{ r.ansible_facts.foo is defined }}" }
`, { inventory: '[web]\nh1\n' });
    const msgs = eventsOf(h.events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
    expect(msgs).toEqual(['1 1 2 2 1 1 False']);
  });
});
