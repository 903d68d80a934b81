/**
 * A registered setup result as ansible-playbook 2.14 has it: ansible_facts
 * keys with the ansible_ prefix (but gather_subset, module_setup), while the
 * ansible_facts variable has them without it.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.skipIf(!ansibleAvailable)('registered setup parity with ansible-playbook', () => {
  it('r.ansible_facts.ansible_hostname, ansible_facts.hostname, ansible_hostname', async () => {
    const c: ParityCase = {
      inventory: '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - setup: { filter: ["ansible_hostname", "ansible_os_family"] }
      register: r
    - name: registered
      debug: { msg: "{{ r.ansible_facts.ansible_hostname == ansible_hostname }} {{ r.ansible_facts.hostname is defined }} {{ ansible_facts.hostname == ansible_hostname }} {{ ansible_facts.ansible_hostname is defined }} {{ r.ansible_facts.ansible_os_family }} {{ r.ansible_facts.keys() | select('match', 'ansible_(hostname|os_family)$') | sort }}" }
    - setup:
      register: r2
    - name: unprefixed
      debug: { msg: "{{ r2.ansible_facts.gather_subset }} {{ r2.ansible_facts.module_setup }} {{ r2.ansible_facts.ansible_distribution == ansible_facts.distribution }}" }
`,
    };
    const a = caseDir(c);
    const t = caseDir(c);
    dirs.push(a, t);
    const ansible = runAnsible(a, c);
    const tsplay = await runTsplay(t, c);
    expect(ansible.debug).toHaveLength(2);
    expect(tsplay.debug).toEqual(ansible.debug);
  }, 90_000);
});
