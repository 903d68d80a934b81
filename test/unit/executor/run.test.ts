import { describe, expect, it } from 'vitest';
import { defineModule } from '../../../engine/module-api.js';
import { registerModule } from '../../../modules/registry.js';
import { eventsOf, FakePool, probeOrder, runYaml } from './harness.js';
import { listHosts, listTags, listTasks } from '../../../engine/executor/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { join } from 'node:path';

const ONE = '[web]\nh1\n';

// a stand-in fact gatherer: the real one needs a host
registerModule(
  defineModule({
    name: 'setup',
    doc: { short: 'fake facts' },
    params: { type: 'object', properties: {} },
    async probe(ctx) {
      await ctx.conn.run(['uname']);
      return undefined;
    },
    plan: (_p, _f, ctx) => ({ changes: [], data: { ansible_facts: { hostname: `${ctx.host}-box` } } }),
  }),
);

const TAGGED = `
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: plain }
    - fake: { name: web }
      tags: [web]
    - fake: { name: always }
      tags: [always]
    - fake: { name: never }
      tags: [never]
    - fake: { name: never-debug }
      tags: [never, debug]
    - block:
        - fake: { name: inherited }
      tags: [db]
`;

describe('tags', () => {
  it('default: everything but never', async () => {
    await runYaml(TAGGED, { inventory: ONE });
    expect(probeOrder()).toEqual(['plain@h1', 'web@h1', 'always@h1', 'inherited@h1']);
  });

  it('--tags selects tagged tasks (inherited from blocks), always still runs, never only when named', async () => {
    await runYaml(TAGGED, { inventory: ONE, tags: ['db', 'debug'] });
    expect(probeOrder()).toEqual(['always@h1', 'never-debug@h1', 'inherited@h1']);
  });

  it('--skip-tags skips, including always when named', async () => {
    await runYaml(TAGGED, { inventory: ONE, skipTags: ['web', 'always'] });
    expect(probeOrder()).toEqual(['plain@h1', 'inherited@h1']);
  });

  it('tagged / untagged', async () => {
    await runYaml(TAGGED, { inventory: ONE, tags: ['untagged'] });
    expect(probeOrder()).toEqual(['plain@h1', 'always@h1']);
    await runYaml(TAGGED, { inventory: ONE, tags: ['tagged'] });
    expect(probeOrder()).toEqual(['web@h1', 'always@h1', 'inherited@h1']);
  });

  it('--list-tasks and --list-tags follow the same rules', async () => {
    const h = await runYaml(TAGGED, { inventory: ONE });
    const playbook = await loadPlaybook(join(h.dir, 'site.yml'));
    const tasks = await listTasks({ playbook, tags: ['db'] });
    expect(tasks).toContain('fake\tTAGS: [always]');
    expect(tasks).toContain('fake\tTAGS: [db]');
    expect(tasks).not.toContain('TAGS: [web]');
    // as ansible-playbook: the tags of the tasks a run would select (never tasks only when asked for)
    expect(await listTags({ playbook })).toContain('TASK TAGS: [always, db, web]');
    expect(await listTags({ playbook, tags: ['debug'] })).toContain('TASK TAGS: [always, debug, never]');
    const inventory = await loadInventory([join(h.dir, 'hosts.ini')]);
    expect(await listHosts({ playbook, inventory })).toContain('hosts (1):\n      h1');
  });
});

describe('run control', () => {
  it('--start-at-task skips the tasks before it', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - { name: one, fake: { name: one } }
    - { name: two, fake: { name: two } }
    - { name: three, fake: { name: three } }
`, { inventory: ONE, startAtTask: 'two' });
    expect(probeOrder()).toEqual(['two@h1', 'three@h1']);
  });

  it('--start-at-task takes a glob', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - { name: one, fake: { name: one } }
    - { name: install things, fake: { name: two } }
`, { inventory: ONE, startAtTask: 'inst*' });
    expect(probeOrder()).toEqual(['two@h1']);
  });

  it('--step asks once per task; no skips, continue stops asking', async () => {
    const asked: string[] = [];
    const answers = ['no', 'yes', 'continue'] as const;
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - { name: one, fake: { name: one } }
    - { name: two, fake: { name: two } }
    - { name: three, fake: { name: three } }
    - { name: four, fake: { name: four } }
`, { step: (name) => answers[asked.push(name) - 1]! });
    expect(asked).toEqual(['one', 'two', 'three']);
    expect(probeOrder()).toEqual(['two@h1', 'two@h2', 'two@h3', 'three@h1', 'three@h2', 'three@h3', 'four@h1', 'four@h2', 'four@h3']);
  });

  it('an unreachable host leaves the play, is reported, the others go on; exit 3', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a }
    - fake: { name: b }
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c }
`, { unreachable: ['h2'] });
    expect(probeOrder()).toEqual(['a@h1', 'a@h3', 'b@h1', 'b@h3', 'c@h1', 'c@h3']);
    expect(h.results.filter((r) => r.includes('|h2|'))).toEqual(['fake|h2|unreachable']);
    expect(h.summary).toMatchObject({ exitCode: 3, unreachableHosts: ['h2'], failedHosts: [] });
    expect(h.summary.stats.h2).toMatchObject({ unreachable: 1, ok: 0 });
  });

  it('ignore_unreachable keeps the host in the play', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a }
      ignore_unreachable: true
    - fake_local: { data: {} }
`, { inventory: ONE, unreachable: ['h1'] });
    expect(h.results).toEqual(['fake|h1|unreachable', 'fake_local|h1|ok']);
    expect(h.summary.exitCode).toBe(0);
  });

  it('failed hosts give exit 2 and are listed', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h3' }}" }
`);
    expect(h.summary).toMatchObject({ exitCode: 2, failedHosts: ['h3'] });
    expect(eventsOf(h.events, 'run_end')[0]).toMatchObject({ exitCode: 2 });
    expect(eventsOf(h.events, 'recap')[0]!.stats.h3!.failed).toBe(1);
  });

  it('an abort (SIGINT) ends in-flight tasks, closes connections and returns 99', async () => {
    const abort = new AbortController();
    const pool = new FakePool();
    setTimeout(() => abort.abort(), 100);
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: slow, sleep: 5000 }
    - fake: { name: after }
`, { signal: abort.signal, pool });
    expect(h.summary.exitCode).toBe(99);
    expect(h.summary.durationMs).toBeLessThan(3000);
    expect(pool.closed).toBe(1);
    expect(probeOrder()).toEqual(['slow@h1', 'slow@h2', 'slow@h3']);
    // every host that started the task got a result
    expect(h.results).toEqual(['fake|h1|failed', 'fake|h2|failed', 'fake|h3|failed']);
    expect(eventsOf(h.events, 'run_end')[0]).toMatchObject({ exitCode: 99, interrupted: true });
  });
});

describe('play setup', () => {
  it('gather_facts runs setup once per host at play start', async () => {
    const h = await runYaml(`
- hosts: web
  tasks:
    - debug: { msg: "{{ ansible_facts.hostname }}" }
`, { tags: ['nothing'] });
    // setup is tagged always; debug is filtered out by --tags
    expect(h.results).toEqual(['Gathering Facts|h1|ok', 'Gathering Facts|h2|ok', 'Gathering Facts|h3|ok']);
    const h2 = await runYaml(`
- hosts: web
  tasks:
    - debug: { msg: "{{ ansible_facts.hostname }}" }
`, { inventory: ONE });
    expect(eventsOf(h2.events, 'host_result').map((e) => e.result.data.msg)).toEqual([undefined, 'h1-box']);
  });

  it('vars_files are rendered per host and loaded', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  vars: { env: prod }
  vars_files: ["vars/{{ env }}.yml"]
  tasks:
    - debug: { msg: "{{ port }}" }
`, { inventory: ONE, files: { 'vars/prod.yml': 'port: 5432\n' } });
    expect(eventsOf(h.events, 'host_result')[0]!.result.data.msg).toBe(5432);
  });

  it('include_tasks with a loop, per host; hosts stay in step', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      loop: [1, 2]
    - fake: { name: end }
`, { inventory: '[web]\nh1\nh2\n', files: { 'inc.yml': '- fake: { name: "inc{{ item }}-{{ p | default(0) }}" }\n' } });
    expect(probeOrder()).toEqual(['inc1-0@h1', 'inc1-0@h2', 'inc2-0@h1', 'inc2-0@h2', 'end@h1', 'end@h2']);
    expect(h.summary.stats.h1!.failed).toBe(0);
  });

  it('roles: params beat defaults, each role sees its own values, role handlers flush after roles and tasks together (as Ansible)', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  roles:
    - role: a
      port: 8080
    - role: b
  tasks:
    - fake: { name: "play-{{ role_name | default('none') }}" }
`, {
      inventory: ONE,
      files: {
        'roles/a/defaults/main.yml': 'port: 80\ncolour: red\n',
        'roles/a/tasks/main.yml': '- fake: { name: "a-{{ port }}-{{ colour }}-{{ role_name }}", changed: true }\n  notify: a handler\n',
        'roles/a/handlers/main.yml': '- name: a handler\n  fake: { name: a-handler }\n',
        'roles/b/defaults/main.yml': 'colour: blue\n',
        'roles/b/tasks/main.yml': '- fake: { name: "b-{{ colour }}-{{ role_path | basename }}" }\n',
      },
    });
    expect(probeOrder()).toEqual(['a-8080-red-a@h1', 'b-blue-b@h1', 'play-none@h1', 'a-handler@h1']);
    expect(h.summary.exitCode).toBe(0);
  });

  it('include_role runs the role tasks with its defaults and handlers', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - include_role: { name: r1 }
`, {
      inventory: ONE,
      files: {
        'roles/r1/tasks/main.yml': '- fake: { name: "role-{{ colour }}", changed: true }\n  notify: role handler\n',
        'roles/r1/defaults/main.yml': 'colour: green\n',
        'roles/r1/handlers/main.yml': '- name: role handler\n  fake: { name: rh }\n',
      },
    });
    expect(probeOrder()).toEqual(['role-green@h1', 'rh@h1']);
    expect(h.summary.exitCode).toBe(0);
  });

  it('two include_role of the same role with other vars each get their own (bug: the second saw the first one\'s vars)', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - include_role: { name: r1, tasks_from: tag }
      vars: { tag_state: set }
    - include_role: { name: r1, tasks_from: tag }
      vars: { tag_state: restore }
`, {
      inventory: ONE,
      files: { 'roles/r1/tasks/tag.yml': '- fake: { name: "tag-{{ tag_state }}" }\n', 'roles/r1/tasks/main.yml': '[]\n' },
    });
    expect(probeOrder()).toEqual(['tag-set@h1', 'tag-restore@h1']);
  });
});
