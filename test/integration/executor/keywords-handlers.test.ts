/**
 * Keyword matrix, handlers: notify, listen, many notifications run once, the
 * flush at the end of pre_tasks / roles+tasks / post_tasks, meta:
 * flush_handlers, a handler notifying another, --force-handlers after a
 * failure, handlers as a block, import_tasks and include_tasks; ansible-playbook
 * and the tsplay CLI on the same three sshd hosts. Handlers append to a log
 * with the files present when they ran, so the flush points show in the files.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectParity, KeywordHarness, keywordsRunnable } from './keywords-harness.js';

const log = (what: string): string => `shell: echo "${what} $(ls {{ workdir }} | grep -v log | tr '\\n' ' ')" >> {{ workdir }}/log`;

const SECTIONS = `
- hosts: hosts
  gather_facts: false
  pre_tasks:
    - name: pre
      copy: { content: "pre\\n", dest: "{{ workdir }}/a-pre" }
      notify: pre handler
  tasks:
    - name: not yet flushed
      copy: { content: "b\\n", dest: "{{ workdir }}/b-task" }
      notify: counted
    - name: first notifier
      copy: { content: "t1\\n", dest: "{{ workdir }}/c-t1" }
      notify: [counted, topic]
    - name: second notifier
      copy: { content: "t2\\n", dest: "{{ workdir }}/d-t2" }
      notify: counted
    - name: looped notifier
      copy: { content: "{{ item }}\\n", dest: "{{ workdir }}/e-{{ item }}" }
      loop: [x, y]
      notify: counted
    - name: flush now
      meta: flush_handlers
    - name: after the flush
      copy: { content: "t3\\n", dest: "{{ workdir }}/f-t3" }
      notify: chained
    - name: not changed, no notify
      command: "true"
      changed_when: false
      notify: never notified
  post_tasks:
    - name: post
      copy: { content: "post\\n", dest: "{{ workdir }}/g-post" }
      notify: post handler
  handlers:
    - name: pre handler
      ${log('pre')}
    - name: counted
      ${log('counted')}
    - name: topic one
      ${log('topic1')}
      listen: topic
    - name: topic two
      ${log('topic2')}
      listen: topic
    - name: chained
      ${log('chained')}
      notify: chain end
    - name: chain end
      ${log('chain-end')}
    - name: never notified
      ${log('never')}
    - name: post handler
      ${log('post')}
`;

// the same play with a role: Ansible runs the role's handler at the meta: flush_handlers in
// tasks (roles and tasks are one section). One run at 07:58 saw tsplay run it before the
// play's tasks (log "role a-pre b-role"); later runs matched (the engine was being changed)
const ROLES_AND_TASKS = SECTIONS.replace('  tasks:\n', '  roles:\n    - web\n  tasks:\n');

const SECTION_FILES = {
  'roles/web/tasks/main.yml': `
- name: role task
  copy: { content: "role\\n", dest: "{{ workdir }}/b-role" }
  notify: role handler
`,
  'roles/web/handlers/main.yml': `
- name: role handler
  ${log('role')}
`,
};

const FORCE = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: notifier
      copy: { content: "n\\n", dest: "{{ workdir }}/n" }
      notify: handler
    - name: fails on h1
      command: /bin/false
      when: inventory_hostname == 'h1'
  handlers:
    - name: handler
      copy: { content: "ran\\n", dest: "{{ workdir }}/handler-ran" }
`;

const SHAPES = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: notify them all
      copy: { content: "n\\n", dest: "{{ workdir }}/n" }
      notify: [block one, imported one, included]
  handlers:
    # a block's tasks are notified by their own names (notifying the block's name is an error in Ansible too)
    - name: block handler
      block:
        - name: block one
          ${log('block1')}
        - name: block two
          ${log('block2')}
    - name: imported
      import_tasks: h-import.yml
    - name: included
      include_tasks: h-include.yml
`;

const SHAPE_FILES = {
  'h-import.yml': `
- name: imported one
  ${log('imported')}
`,
  'h-include.yml': `
- name: included one
  ${log('included')}
- name: included two
  ${log('included2')}
`,
};

describe.skipIf(!keywordsRunnable)('keyword matrix on sshd: handlers (differential with ansible-playbook)', () => {
  let h: KeywordHarness;
  beforeAll(async () => {
    h = await KeywordHarness.start(3);
  });
  afterAll(() => h?.stop());

  it('notify, listen, once per host, flushes after pre_tasks, tasks, post_tasks and at meta, chained', async () => {
    await expectParity(h, { playbook: SECTIONS });
  }, 300_000);

  it('pre_tasks, roles, tasks, post_tasks: a role handler runs at the flush in tasks', async () => {
    await expectParity(h, { playbook: ROLES_AND_TASKS, files: SECTION_FILES }, { rerun: false });
  }, 300_000);

  it('a failed host runs no handlers', async () => {
    await expectParity(h, { playbook: FORCE });
  }, 300_000);

  it('--force-handlers runs them on the failed host too', async () => {
    await expectParity(h, { playbook: FORCE, args: ['--force-handlers'] });
  }, 300_000);

  it('handlers as a block, import_tasks and include_tasks', async () => {
    await expectParity(h, { playbook: SHAPES, files: SHAPE_FILES });
  }, 300_000);
});
