import { describe, expect, it } from 'vitest';
import { eventsOf, probeOrder, runYaml } from './harness.js';

const FOUR = '[web]\nh1\nh2\nh3\nh4\n';

function debugMsgs(events: Awaited<ReturnType<typeof runYaml>>['events']): Record<string, unknown> {
  return Object.fromEntries(eventsOf(events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => [e.host, e.result.data.msg]));
}

describe('run_once', () => {
  it('shows and counts one result, for the first host; register and set_fact reach every host', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - name: once
      fake: { name: once, changed: true, data: { v: 7 } }
      run_once: true
      register: r
    - set_fact: { picked: "{{ inventory_hostname }}" }
      run_once: true
    - debug: { msg: "{{ r.v }} {{ picked }}" }
`);
    expect(probeOrder()).toEqual(['once@h1']);
    expect(h.results.filter((r) => r.startsWith('once|'))).toEqual(['once|h1|changed']);
    expect(h.results.filter((r) => r.startsWith('set_fact|'))).toEqual(['set_fact|h1|ok']);
    const start = eventsOf(h.events, 'task_start').find((e) => e.task.name === 'once')!;
    expect(start.hosts).toEqual(['h1']);
    expect(debugMsgs(h.events)).toEqual({ h1: '7 h1', h2: '7 h1', h3: '7 h1' });
    const s = h.summary.stats;
    expect([s.h1!.ok, s.h1!.changed, s.h2!.ok, s.h2!.changed, s.h3!.ok]).toEqual([3, 1, 1, 0, 1]);
  });

  it('notifies handlers for the host that ran only', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: once, changed: true }
      run_once: true
      notify: restart
  handlers:
    - name: restart
      fake: { name: H }
`);
    expect(probeOrder()).toEqual(['once@h1', 'H@h1']);
    expect(h.results.filter((r) => r.startsWith('restart|'))).toEqual(['restart|h1|ok']);
  });

  it('serial: the first host of each batch runs it, results stay in their batch', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - fake: { name: once, data: { who: "{{ inventory_hostname }}" } }
      run_once: true
      register: r
    - debug: { msg: "{{ r.who }}" }
`, { inventory: FOUR });
    expect(probeOrder()).toEqual(['once@h1', 'once@h3']);
    expect(h.results.filter((r) => r.startsWith('fake|'))).toEqual(['fake|h1|ok', 'fake|h3|ok']);
    expect(debugMsgs(h.events)).toEqual({ h1: 'h1', h2: 'h1', h3: 'h3', h4: 'h3' });
    expect(h.summary.stats.h2!.ok).toBe(1);
  });

  it('--check: one predicted result, registered for every host', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: once, changed: true }
      run_once: true
      register: r
    - debug: { msg: "{{ r.changed }}" }
`, { check: true });
    expect(h.results.filter((r) => r.startsWith('fake|'))).toEqual(['fake|h1|changed']);
    expect(debugMsgs(h.events)).toEqual({ h1: true, h2: true, h3: true });
    expect(h.summary.stats.h1!.changed).toBe(1);
    expect(h.summary.stats.h2!.changed).toBe(0);
  });

  it('free: the first host to get there runs it, the others take its result silently', async () => {
    const h = await runYaml(`
- hosts: web
  strategy: free
  gather_facts: false
  tasks:
    - fake: { name: once, changed: true, data: { v: 3 } }
      run_once: true
      register: r
    - debug: { msg: "{{ r.v }}" }
`);
    expect(probeOrder().filter((x) => x.startsWith('once@'))).toHaveLength(1);
    expect(h.results.filter((r) => r.startsWith('fake|'))).toHaveLength(1);
    expect(debugMsgs(h.events)).toEqual({ h1: 3, h2: 3, h3: 3 });
    const changed = Object.values(h.summary.stats).map((s) => s.changed);
    expect(changed.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('delegate_to: the one result names the delegated host', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: once }
      run_once: true
      delegate_to: h3
`);
    const results = eventsOf(h.events, 'host_result');
    expect(results.map((e) => [e.host, e.delegatedTo])).toEqual([['h1', 'h3']]);
    expect(probeOrder()).toEqual(['once@h1']);
    expect(h.pool.gets.map((g) => g.host)).toEqual(['h3']);
  });

  it('a failure fails every host at the task, each goes to its rescue; counted once', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - fake: { name: once, fail: true }
          run_once: true
      rescue:
        - debug: { msg: "{{ ansible_failed_result.msg }}" }
    - fake: { name: again, fail: true }
      run_once: true
    - fake: { name: after }
`);
    expect(debugMsgs(h.events)).toEqual({ h1: 'fake failure', h2: 'fake failure', h3: 'fake failure' });
    expect(probeOrder()).toEqual(['once@h1', 'again@h1']);
    const s = h.summary.stats;
    expect([s.h1!.rescued, s.h1!.failed, s.h2!.rescued, s.h2!.failed, s.h3!.failed]).toEqual([1, 1, 0, 0, 0]);
    expect(h.summary.exitCode).toBe(2);
  });

  it('an ignored failure lets every host go on, registered as failed', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: once, fail: true }
      run_once: true
      ignore_errors: true
      register: r
    - debug: { msg: "{{ r.failed }}" }
`);
    expect(debugMsgs(h.events)).toEqual({ h1: true, h2: true, h3: true });
    expect(h.summary.stats.h1!.ignored).toBe(1);
    expect(h.summary.stats.h2!.ignored).toBe(0);
  });

  it('runs again each time it is reached: a handler flushed twice, a file included in a loop', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c1, changed: true }
      notify: h
    - meta: flush_handlers
    - fake: { name: c2, changed: true }
      notify: h
    - include_tasks: inc.yml
      loop: [1, 2]
  handlers:
    - name: h
      fake: { name: H }
      run_once: true
`, { files: { 'inc.yml': '- fake: { name: "inc{{ item }}" }\n  run_once: true\n' } });
    expect(probeOrder().filter((x) => x.startsWith('H@') || x.startsWith('inc'))).toEqual(['H@h1', 'inc1@h1', 'inc2@h1', 'H@h1']);
    expect(h.results.filter((r) => r.startsWith('h|'))).toEqual(['h|h1|ok', 'h|h1|ok']);
  });

  it('group_by in a run_once task adds the first host only (as ansible-playbook)', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - group_by: { key: picked }
      run_once: true
- hosts: picked
  gather_facts: false
  tasks:
    - debug: { msg: here }
`);
    expect(Object.keys(debugMsgs(h.events))).toEqual(['h1']);
  });
});
