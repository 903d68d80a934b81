import { describe, expect, it } from 'vitest';
import { eventsOf, probeOrder, runYaml } from './harness.js';

describe('handlers that are blocks, import_tasks or include_tasks', () => {
  it('a handler block: each task is a handler notified by its own name, with the block keywords', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: second
  handlers:
    - block:
        - name: first
          fake: { name: F }
        - name: second
          fake: { name: S }
      when: inventory_hostname != 'h3'
`);
    expect(probeOrder().filter((x) => !x.startsWith('c@'))).toEqual(['S@h1', 'S@h2']);
    expect(h.results.filter((r) => r.startsWith('second|')).sort()).toEqual(['second|h1|ok', 'second|h2|ok', 'second|h3|skipped']);
  });

  it('import_tasks handlers: the imported tasks answer to their names and listen topics', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: [imported a, topic b]
  handlers:
    - import_tasks: handlers/more.yml
`, { files: { 'handlers/more.yml': '- name: imported a\n  fake: { name: A }\n- name: imported b\n  fake: { name: B }\n  listen: topic b\n- name: imported c\n  fake: { name: C }\n' } });
    expect(probeOrder().filter((x) => !x.startsWith('c@'))).toEqual(['A@h1', 'A@h2', 'A@h3', 'B@h1', 'B@h2', 'B@h3']);
  });

  it('an include_tasks handler runs its whole file once per notified host, by name or listen', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: "{{ inventory_hostname != 'h3' }}" }
      notify: restart all
    - fake: { name: d, changed: true }
      notify: everything
      when: inventory_hostname == 'h1'
  handlers:
    - name: restart all
      include_tasks: restart.yml
      listen: everything
`, {
      files: {
        'restart.yml': `
- name: stop
  fake: { name: "stop-{{ inventory_hostname }}" }
- block:
    - name: start
      fake: { name: start, fail: "{{ inventory_hostname == 'h2' }}" }
  rescue:
    - name: recover
      fake: { name: recover }
`,
      },
    });
    expect(probeOrder().filter((x) => !/^[cd]@/.test(x))).toEqual(['stop-h1@h1', 'stop-h2@h2', 'start@h1', 'start@h2', 'recover@h2']);
    const handlerResults = eventsOf(h.events, 'host_result').filter((e) => e.handler).map((e) => `${e.task.name}|${e.host}|${e.result.status}`);
    expect(handlerResults.sort()).toEqual([
      'recover|h2|ok',
      'restart all|h1|ok', 'restart all|h2|ok',
      'start|h1|ok', 'start|h2|failed',
      'stop|h1|ok', 'stop|h2|ok',
    ]);
    expect(eventsOf(h.events, 'task_start').filter((e) => e.handler).map((e) => e.task.name)).toEqual(['restart all', 'stop', 'start', 'recover']);
    expect(h.summary.stats.h2).toMatchObject({ rescued: 1, failed: 0 });
    expect(h.summary.exitCode).toBe(0);
  });

  it('a failure inside an include_tasks handler fails that host only', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: h
  handlers:
    - name: h
      include_tasks: h.yml
`, { files: { 'h.yml': '- fake: { name: x, fail: "{{ inventory_hostname == \'h1\' }}" }\n- fake: { name: y }\n' } });
    expect(probeOrder().filter((p) => p.startsWith('y@'))).toEqual(['y@h2', 'y@h3']);
    expect(h.summary.failedHosts).toEqual(['h1']);
  });

  it('an include_tasks handler in a role finds its file beside the role handlers, also when the role is included', async () => {
    const role = {
      'roles/r/tasks/main.yml': '- fake: { name: rc, changed: true }\n  notify: role restart\n',
      'roles/r/handlers/main.yml': '- name: role restart\n  include_tasks: restart.yml\n',
      'roles/r/handlers/restart.yml': '- fake: { name: "R{{ inventory_hostname }}" }\n',
    };
    await runYaml('- hosts: web\n  gather_facts: false\n  roles: [r]\n', { files: role });
    expect(probeOrder().filter((p) => p.startsWith('R'))).toEqual(['Rh1@h1', 'Rh2@h2', 'Rh3@h3']);
    await runYaml('- hosts: web\n  gather_facts: false\n  tasks:\n    - include_role: { name: r }\n', { files: role });
    expect(probeOrder().filter((p) => p.startsWith('R'))).toEqual(['Rh1@h1', 'Rh2@h2', 'Rh3@h3']);
  });

  it('free strategy: an include_tasks handler runs per host', async () => {
    await runYaml(`
- hosts: web
  strategy: free
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: h
  handlers:
    - name: h
      include_tasks: h.yml
`, { files: { 'h.yml': '- fake: { name: x }\n- fake: { name: y }\n' } });
    expect(probeOrder().filter((p) => !p.startsWith('c@')).sort()).toEqual(['x@h1', 'x@h2', 'x@h3', 'y@h1', 'y@h2', 'y@h3']);
  });
});
