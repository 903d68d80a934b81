/**
 * When handlers flush, compared with ansible-playbook 2.14: after pre_tasks,
 * after roles and tasks together (not between them), after post_tasks.
 * Every task and handler appends its name to a log file; one host, so the
 * order of the lines is the order of the run.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ONE_HOST = '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';
const log = (what: string) => `shell: echo ${what} >> "{{ playbook_dir }}/order.log"`;

async function orderOf(c: ParityCase): Promise<{ ansible: string; tsplay: string }> {
  const a = caseDir(c);
  const t = caseDir(c);
  dirs.push(a, t);
  runAnsible(a, c);
  await runTsplay(t, c);
  const read = (d: string) => readFileSync(join(d, 'order.log'), 'utf8');
  return { ansible: read(a), tsplay: read(t) };
}

describe.skipIf(!ansibleAvailable)('handler flush points as ansible-playbook', () => {
  it('pre_tasks, then roles and tasks together, then post_tasks', async () => {
    const { ansible, tsplay } = await orderOf({
      inventory: ONE_HOST,
      files: {
        'roles/r1/tasks/main.yml': `- name: role task\n  ${log('role-task')}\n  notify: role handler\n`,
        'roles/r1/handlers/main.yml': `- name: role handler\n  ${log('role-handler')}\n`,
      },
      playbook: `
- hosts: web
  gather_facts: false
  pre_tasks:
    - name: pre
      ${log('pre')}
      notify: play handler
  roles: [r1]
  tasks:
    - name: task
      ${log('task')}
      notify: play handler
  post_tasks:
    - name: post
      ${log('post')}
      notify: role handler
  handlers:
    - name: play handler
      ${log('play-handler')}
`,
    });
    expect(tsplay).toBe('pre\nplay-handler\nrole-task\ntask\nrole-handler\nplay-handler\npost\nrole-handler\n');
    expect(tsplay).toBe(ansible);
  }, 120_000);

  it('a name answered once: the play handler over a role handler, the first of the same file', async () => {
    const { ansible, tsplay } = await orderOf({
      inventory: ONE_HOST,
      files: {
        'roles/r1/tasks/main.yml': `- name: role task\n  ${log('role-task')}\n  notify: shared\n`,
        'roles/r1/handlers/main.yml': `- name: shared\n  ${log('role-shared')}\n- name: role only\n  ${log('role-only')}\n  listen: shared\n`,
      },
      playbook: `
- hosts: web
  gather_facts: false
  roles: [r1]
  tasks:
    - name: task
      ${log('task')}
      notify: [shared, "r1 : shared"]
  handlers:
    - name: shared
      ${log('play-shared-1')}
    - name: shared
      ${log('play-shared-2')}
`,
    });
    expect(tsplay).toBe(ansible);
  }, 120_000);
});
