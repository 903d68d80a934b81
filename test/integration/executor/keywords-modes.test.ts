/**
 * Keyword matrix, run modes and variables: --check (registered results exist),
 * --diff, --tags/--skip-tags with always/never, --start-at-task, --limit, -e,
 * become, environment, vars precedence (play, vars_files, block, task,
 * include_vars, set_fact), include/import of tasks and roles with vars,
 * add_host, group_by, setup with gather_subset/filter; ansible-playbook and the
 * tsplay CLI on the same three sshd hosts, fresh directories per tool.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectParity, KeywordHarness, keywordsRunnable } from './keywords-harness.js';

const FILES_PLAY = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: command with creates
      command: touch {{ workdir }}/made
      args: { creates: "{{ workdir }}/made" }
      register: c
    - name: copy
      copy: { content: "copied {{ inventory_hostname }}\\n", dest: "{{ workdir }}/copied", mode: "0600" }
      register: cp
    - name: template
      template: { src: t.j2, dest: "{{ workdir }}/templated" }
      register: tp
    - name: directory
      file: { path: "{{ workdir }}/dir", state: directory, mode: "0750" }
      register: f
    - name: registered
      debug: { msg: "{{ c is changed }} {{ cp is changed }} {{ tp is changed }} {{ f is changed }} {{ c.rc | default('none') }}" }
`;
const FILES_FILES = { 't.j2': 'host {{ inventory_hostname }}\nitems {{ [1, 2] | join(",") }}\n' };

const DIFF_PLAY = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: copy
      copy: { content: "one {{ inventory_hostname }}\\n", dest: "{{ workdir }}/copied" }
    - name: template
      template: { src: t.j2, dest: "{{ workdir }}/templated" }
    - name: lineinfile
      lineinfile: { path: "{{ workdir }}/copied", line: "two" }
    - name: secret copy
      copy: { content: "s\\n", dest: "{{ workdir }}/secret" }
      no_log: true
`;

const TAGS = `
- hosts: hosts
  gather_facts: false
  tasks:
    - { name: tag a, copy: { content: "a\\n", dest: "{{ workdir }}/a" }, tags: [a] }
    - { name: tag b, copy: { content: "b\\n", dest: "{{ workdir }}/b" }, tags: [b] }
    - { name: always, copy: { content: "always\\n", dest: "{{ workdir }}/always" }, tags: [always] }
    - { name: never, copy: { content: "never\\n", dest: "{{ workdir }}/never" }, tags: [never] }
    - { name: never b, copy: { content: "never b\\n", dest: "{{ workdir }}/never-b" }, tags: [never, b] }
    - { name: untagged, copy: { content: "untagged\\n", dest: "{{ workdir }}/untagged" } }
    - name: tagged block
      tags: [blk]
      block:
        - { name: in block, copy: { content: "blk\\n", dest: "{{ workdir }}/blk" } }
    - name: run tags
      debug: { msg: "{{ ansible_run_tags | sort }} {{ ansible_skip_tags | sort }}" }
      tags: [always]
`;

const START_LIMIT = `
- hosts: hosts
  gather_facts: false
  vars: { v: play }
  tasks:
    - name: before the start
      copy: { content: "before\\n", dest: "{{ workdir }}/before" }
    - name: start here
      copy: { content: "{{ v }} {{ ansible_limit | default('no limit') }}\\n", dest: "{{ workdir }}/start" }
    - name: task vars lose to -e
      copy: { content: "{{ v }}\\n", dest: "{{ workdir }}/task-vars" }
      vars: { v: task }
`;

const VARS = `
- hosts: hosts
  gather_facts: false
  vars: { a: play, b: play, c: play, d: play }
  vars_files: [vf.yml]
  tasks:
    - name: block and task vars
      vars: { b: block, c: block }
      block:
        - name: precedence one
          copy: { content: "{{ a }} {{ b }} {{ c }} {{ d }} {{ inv }}\\n", dest: "{{ workdir }}/prec1" }
          vars: { c: task }
    - name: include_vars
      include_vars: iv.yml
    - name: set_fact
      set_fact: { b: fact, inv: fact }
    - name: precedence two
      copy: { content: "{{ a }} {{ b }} {{ c }} {{ d }} {{ inv }}\\n", dest: "{{ workdir }}/prec2" }
    - name: environment
      shell: echo "$FOO $BAR"
      environment: { FOO: "foo {{ inventory_hostname }}", BAR: "{{ a }}" }
      register: env
      changed_when: false
    - name: include_tasks with vars
      include_tasks: inc.yml
      vars: { x: included }
    - name: import_tasks with vars
      import_tasks: inc.yml
      vars: { x: imported }
    - name: include_role with vars
      include_role: { name: r }
      vars: { rp: included }
    - name: import_role with vars
      import_role: { name: r }
      vars: { rp: imported }
    - name: env result
      copy: { content: "{{ env.stdout }}\\n", dest: "{{ workdir }}/env" }
`;
const VARS_FILES = {
  'vf.yml': 'd: vars_file\n',
  'iv.yml': 'a: include_vars\nc: include_vars\n',
  'inc.yml': '- name: included copy\n  copy: { content: "{{ x }} {{ a }}\\n", dest: "{{ workdir }}/inc-{{ x }}" }\n',
  'roles/r/defaults/main.yml': 'rp: default\nrd: role-default\n',
  'roles/r/vars/main.yml': 'rv: role-var\n',
  'roles/r/tasks/main.yml': '- name: role copy\n  copy: { content: "{{ rp }} {{ rd }} {{ rv }}\\n", dest: "{{ workdir }}/role-{{ rp }}" }\n',
};

const INVENTORY_AND_FACTS = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: add a host
      add_host:
        name: extra0
        groups: added
        ansible_host: 127.0.0.1
        ansible_port: "{{ hostvars['h0'].ansible_port }}"
        ansible_user: root
        ansible_ssh_private_key_file: "{{ hostvars['h0'].ansible_ssh_private_key_file }}"
        ansible_ssh_known_hosts_file: "{{ hostvars['h0'].ansible_ssh_known_hosts_file }}"
        ansible_python_interpreter: /usr/bin/python3
        workdir: "{{ hostvars['h0'].workdir }}/added"
    - name: group by
      group_by: { key: "grp_{{ 'odd' if inventory_hostname == 'h1' else 'even' }}" }
    - name: setup with a filter
      setup: { gather_subset: ['!all', 'min'], filter: ['ansible_distribution*', 'ansible_system'] }
    - name: facts
      copy: { content: "{{ ansible_distribution }} {{ ansible_distribution_major_version }} {{ ansible_system }} {{ ansible_hostname is defined }}\\n", dest: "{{ workdir }}/facts" }
    - name: become
      command: id -un
      become: true
      register: who
      changed_when: false
    - name: who
      copy: { content: "{{ who.stdout }}\\n", dest: "{{ workdir }}/who" }

- hosts: added
  gather_facts: false
  tasks:
    - name: on the added host
      file: { path: "{{ workdir }}", state: directory }
    - name: its file
      copy: { content: "{{ inventory_hostname }} {{ groups['added'] }}\\n", dest: "{{ workdir }}/added-host" }

- hosts: grp_odd
  gather_facts: false
  tasks:
    - name: odd group
      copy: { content: "odd {{ groups['grp_even'] | sort | join(',') }}\\n", dest: "{{ workdir }}/odd" }
`;

// Ansible turns a template result that reads as a list literal back into a list, and copy
// writes a list content as JSON: ["h0", "h2"] with no newline; tsplay writes the string
const LIST_CONTENT = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: list literal
      copy: { content: "{{ ansible_play_hosts | sort }}\\n", dest: "{{ workdir }}/list" }
`;

describe.skipIf(!keywordsRunnable)('keyword matrix on sshd: modes and variables (differential with ansible-playbook)', () => {
  let h: KeywordHarness;
  beforeAll(async () => {
    h = await KeywordHarness.start(3);
  });
  afterAll(() => h?.stop());

  it('--check changes nothing and registers results', async () => {
    await expectParity(h, { playbook: FILES_PLAY, files: FILES_FILES, args: ['--check'] }, { rerun: false });
  }, 300_000);

  it('a real run, then --check reports nothing to change', async () => {
    await expectParity(h, { playbook: FILES_PLAY, files: FILES_FILES }, { rerunArgs: ['--check'], debug: false });
  }, 300_000);

  it('--diff --check lists the same changed files', async () => {
    await expectParity(h, { playbook: DIFF_PLAY, files: FILES_FILES, args: ['--diff', '--check'] }, { rerun: false, diffs: true });
  }, 300_000);

  it('--tags with always and never', async () => {
    await expectParity(h, { playbook: TAGS, args: ['--tags', 'b,blk'] });
  }, 300_000);

  it('--skip-tags always', async () => {
    await expectParity(h, { playbook: TAGS, args: ['--skip-tags', 'always,a'] });
  }, 300_000);

  it('--start-at-task, --limit and -e over task vars', async () => {
    await expectParity(h, { playbook: START_LIMIT, args: ['--start-at-task', 'start here', '--limit', 'h0,h2', '-e', 'v=extra'] });
  }, 300_000);

  it('vars precedence: play, vars_files, block, task, include_vars, set_fact, inventory; environment; includes and roles with vars', async () => {
    await expectParity(h, { playbook: VARS, files: VARS_FILES, hostVars: 'inv=inventory' });
  }, 300_000);

  // a documented difference (README, "Where tsplay differs"): Ansible literal_evals rendered text that looks like a list
  it.fails('copy content templating to a list literal is written as JSON by Ansible', async () => {
    await expectParity(h, { playbook: LIST_CONTENT }, { rerun: false });
  }, 300_000);

  it('add_host, group_by, setup with gather_subset and filter, become', async () => {
    // add_host and group_by change the run's inventory on every run: changed on the rerun too, in both tools
    await expectParity(h, { playbook: INVENTORY_AND_FACTS }, { rerunChanged: 'any' });
  }, 300_000);
});
