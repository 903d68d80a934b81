/**
 * run_once (results copied, failures, rescue, serial) and handlers that are
 * blocks, import_tasks and include_tasks, run by ansible-playbook and by
 * tsplay on local-connection hosts: same debug output, same recap.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const THREE = ['h1', 'h2', 'h3'].map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`).join('\n');

async function both(c: ParityCase) {
  const a = caseDir(c);
  const t = caseDir(c);
  dirs.push(a, t);
  const [ansible, tsplay] = [runAnsible(a, c), await runTsplay(t, c)];
  return { ansible, tsplay };
}

describe.skipIf(!ansibleAvailable)('run_once and handler shapes: parity with ansible-playbook', () => {
  it('run_once: one result, copies, notify, a failure rescued by every host, serial batches', async () => {
    const { ansible, tsplay } = await both({
      inventory: `[web]\n${THREE}\n`,
      playbook: `
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - command: echo once
      run_once: true
      register: r
      notify: h
    - set_fact: { first: "{{ inventory_hostname }}" }
      run_once: true
    - name: seen
      debug: { msg: "{{ r.stdout }} {{ first }}" }
    - command: echo skipped
      run_once: true
      when: inventory_hostname == 'nobody'
      register: s
    - name: skipped seen
      debug: { msg: "{{ s.skipped | default(false) }}" }
    - block:
        - command: /bin/false
          run_once: true
      rescue:
        # not ansible_failed_result: ansible-playbook sets it on the host that
        # ran only (the others fail on it); tsplay gives it to every host at the task
        - name: rescued
          debug: { msg: rescued }
  handlers:
    - name: h
      debug: { msg: handler }
- hosts: web
  gather_facts: false
  tasks:
    - command: /bin/false
      run_once: true
    - name: never
      debug: { msg: never }
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);

  it('handler blocks, import_tasks and include_tasks handlers', async () => {
    const { ansible, tsplay } = await both({
      files: {
        'imp.yml': '- name: imp a\n  debug: { msg: "imp a" }\n- name: imp b\n  debug: { msg: "imp b" }\n  listen: topic b\n',
        'inc.yml': '- name: inc one\n  debug: { msg: "inc one {{ inventory_hostname }}" }\n- name: inc two\n  debug: { msg: "inc two" }\n',
      },
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - command: echo
      notify: [blk inner, imp a, topic b, dyn]
    - command: echo
      notify: [dyn topic]
      when: inventory_hostname == 'h2'
  handlers:
    - name: blk
      block:
        - name: blk inner
          debug: { msg: inner }
        - name: blk second
          debug: { msg: second }
    - import_tasks: imp.yml
    - name: dyn
      include_tasks: inc.yml
    - name: dyn again
      include_tasks: inc.yml
      listen: dyn topic
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);
});
