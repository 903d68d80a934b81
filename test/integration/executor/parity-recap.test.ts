/**
 * Recap counts as ansible-playbook 2.14 counts them: ignored failures that
 * changed something, add_host/group_by, include_role/include_tasks,
 * ignore_unreachable. Same playbook, local-connection hosts, both tools.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function both(c: ParityCase) {
  const a = caseDir(c);
  const t = caseDir(c);
  dirs.push(a, t);
  return { ansible: runAnsible(a, c), tsplay: await runTsplay(t, c) };
}

describe.skipIf(!ansibleAvailable)('recap parity with ansible-playbook', () => {
  it('ignored failures that changed something, until, add_host, group_by', async () => {
    const { ansible, tsplay } = await both({
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - name: failed_when on a command that ran
      command: echo bad
      register: fw
      failed_when: "'bad' in fw.stdout"
      ignore_errors: true
    - name: failing command ignored
      command: /bin/false
      ignore_errors: true
    - name: until never met
      command: echo x
      register: u
      until: false
      retries: 1
      delay: 0
      ignore_errors: true
    - name: show
      debug: { msg: "{{ fw is changed }} {{ fw is failed }} {{ u.attempts }} {{ u is changed }}" }
    - add_host: { name: extra1, groups: added, v: 1 }
      run_once: true
    - add_host: { name: extra1, groups: added, v: 1 }
      run_once: true
    - add_host: { name: extra1, groups: added, v: 2 }
      run_once: true
    - add_host: { name: "{{ item }}", groups: added }
      loop: [n1, n2]
      run_once: true
    - group_by: { key: "grp_{{ inventory_hostname }}" }
    - group_by: { key: "grp_{{ inventory_hostname }}" }
    - group_by: { key: "grp_{{ inventory_hostname }}", parents: [top] }
    - group_by: { key: "grp_{{ inventory_hostname }}", parents: [top] }
    - name: groups
      debug: { msg: "{{ groups.added }} {{ groups.top | default([]) | sort }} {{ hostvars.extra1.v }}" }
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);

  // include_role is not counted at all, include_tasks once per included file
  it('include_role and looped include_tasks', async () => {
    const { ansible, tsplay } = await both({
      files: {
        'roles/r1/tasks/main.yml': '- name: in role\n  debug: { msg: "role {{ inventory_hostname }}" }\n',
        'inc.yml': '- name: in include\n  debug: { msg: "inc {{ item | default(0) }}" }\n',
      },
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - include_role: { name: r1 }
    - include_tasks: inc.yml
      loop: [1, 2, 3]
    - include_tasks: inc.yml
      when: false
    - include_tasks: inc.yml
      loop: [4, 5, 6]
      when: item != 5
    - include_tasks: inc.yml
      loop: [7, 8]
      when: item > 8
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);

  // add_host bypasses the host loop (BYPASS_HOST_LOOP): the first host of the
  // batch runs it, and its register stays with that host (no run_once copy)
  it('add_host without run_once runs for the first host only', async () => {
    const { ansible, tsplay } = await both({
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - add_host: { name: "{{ item }}", groups: added }
      loop: [n1, n2]
    - add_host: { name: "n3", groups: added }
      register: r
    - name: show
      debug: { msg: "{{ 'registered' if r is defined else 'none' }} {{ groups.added }}" }
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);

  it('ignore_unreachable counts ignored, not skipped', async () => {
    const { ansible, tsplay } = await both({
      inventory: '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\ndown ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n',
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - name: reach
      command: "true"
      ignore_unreachable: true
    - name: after
      debug: { msg: "still here" }
`,
    });
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);
});
