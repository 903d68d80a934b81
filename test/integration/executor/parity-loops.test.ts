/**
 * Jinja's integer attribute (item.0, item.1.name) on the items of
 * with_together / with_subelements / with_nested, by ansible-playbook and tsplay.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.skipIf(!ansibleAvailable)('loop items parity with ansible-playbook', () => {
  it('item.0 / item.1.name / l.1 in templates and conditions', async () => {
    const c: ParityCase = {
      inventory: '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
      playbook: `
- hosts: web
  gather_facts: false
  vars:
    users:
      - { name: ann, ks: [k1, k2] }
      - { name: bob, ks: [k3] }
    l: [10, 20, 30]
  tasks:
    - name: together
      debug: { msg: "{{ item.0 }}-{{ item.1 }}" }
      with_together: [[a, b], [1, 2]]
    - name: subelements
      debug: { msg: "{{ item.0.name }}:{{ item.1 }}" }
      with_subelements: ["{{ users }}", ks]
    - name: nested
      debug: { msg: "{{ item.0 }}{{ item.1 }}" }
      with_nested: [[x, y], [1]]
      when: item.1 == 1
    - name: list index
      debug: { msg: "{{ l.1 + l.2 }} {{ users.1.ks.0 }}" }
`,
    };
    const a = caseDir(c);
    const t = caseDir(c);
    dirs.push(a, t);
    const ansible = runAnsible(a, c);
    const tsplay = await runTsplay(t, c);
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 90_000);
});
