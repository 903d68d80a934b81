import { describe, expect, it } from 'vitest';
import { eventsOf, probeOrder, runYaml } from './harness.js';

const ONE = '[web]\nh1\n';

describe('block / rescue / always', () => {
  it('rescue sees ansible_failed_task and ansible_failed_result; always runs; counted as rescued', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - name: breaks
          fake: { name: a, fail: "{{ inventory_hostname == 'h1' }}", msg: boom }
        - fake: { name: b }
      rescue:
        - debug: { msg: "{{ ansible_failed_task.name }}: {{ ansible_failed_result.msg }}" }
      always:
        - fake: { name: always }
    - fake: { name: after }
`, { inventory: '[web]\nh1\nh2\n' });
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'b@h2', 'always@h1', 'always@h2', 'after@h1', 'after@h2']);
    const rescue = eventsOf(h.events, 'host_result').find((e) => e.task.module === 'debug')!;
    expect(rescue.host).toBe('h1');
    expect(rescue.result.data.msg).toBe('breaks: boom');
    expect(h.summary.stats.h1).toMatchObject({ failed: 0, rescued: 1 });
    expect(h.summary.exitCode).toBe(0);
  });

  it('always runs after an unrescued failure, then the host stops', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - fake: { name: a, fail: true }
      always:
        - fake: { name: always }
        - debug: { msg: "after {{ ansible_failed_result.msg }}" }
    - fake: { name: after }
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['a@h1', 'always@h1']);
    expect(h.summary.stats.h1).toMatchObject({ failed: 1, rescued: 0 });
    const always = eventsOf(h.events, 'host_result').find((e) => e.task.module === 'debug')!;
    expect(always.result.data.msg).toBe('after fake failure');
    expect(h.summary.failedHosts).toEqual(['h1']);
  });

  it('a failing rescue fails the host; block when applies to each task', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - fake: { name: a, fail: true }
      rescue:
        - fake: { name: r, fail: true }
    - block:
        - fake: { name: skipped }
      when: false
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['a@h1', 'r@h1']);
    expect(h.summary.stats.h1).toMatchObject({ failed: 1, rescued: 1 });
  });

  it('nested blocks: the inner failure reaches the outer rescue', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - block:
            - fake: { name: inner, fail: true }
          always:
            - fake: { name: inner-always }
      rescue:
        - fake: { name: outer-rescue }
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['inner@h1', 'inner-always@h1', 'outer-rescue@h1']);
    expect(h.summary.exitCode).toBe(0);
  });
});

describe('handlers', () => {
  it('run once per host however often notified, only where changed, at the end of the section', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c1, changed: "{{ inventory_hostname != 'h2' }}" }
      notify: restart
    - fake: { name: c2, changed: true }
      notify: [restart]
    - fake: { name: last }
  handlers:
    - name: restart
      fake: { name: H }
`);
    expect(probeOrder()).toEqual(['c1@h1', 'c1@h2', 'c1@h3', 'c2@h1', 'c2@h2', 'c2@h3', 'last@h1', 'last@h2', 'last@h3', 'H@h1', 'H@h2', 'H@h3']);
    const starts = eventsOf(h.events, 'task_start').filter((e) => e.handler);
    expect(starts).toHaveLength(1);
  });

  it('listen topics and flush points: meta flush_handlers and each section end', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  pre_tasks:
    - fake: { name: pre, changed: true }
      notify: web changed
  tasks:
    - fake: { name: t1, changed: true }
      notify: web changed
    - meta: flush_handlers
    - fake: { name: t2 }
    - fake: { name: t3, changed: true }
      notify: other
  handlers:
    - name: reload
      fake: { name: reload }
      listen: web changed
    - name: other
      fake: { name: other }
    - name: never notified
      fake: { name: nope }
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['pre@h1', 'reload@h1', 't1@h1', 'reload@h1', 't2@h1', 't3@h1', 'other@h1']);
  });

  it('a failed host does not run its handlers, unless force_handlers', async () => {
    const yaml = `
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: h
    - fake: { name: boom, fail: "{{ inventory_hostname == 'h1' }}" }
  handlers:
    - name: h
      fake: { name: H }
`;
    await runYaml(yaml, { inventory: '[web]\nh1\nh2\n' });
    expect(probeOrder().filter((x) => x.startsWith('H@'))).toEqual(['H@h2']);
    await runYaml(yaml, { inventory: '[web]\nh1\nh2\n', forceHandlers: true });
    expect(probeOrder().filter((x) => x.startsWith('H@')).sort()).toEqual(['H@h1', 'H@h2']);
  });

  it('a handler can notify a later handler in the same flush', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: c, changed: true }
      notify: first
  handlers:
    - name: first
      fake: { name: first, changed: true }
      notify: second
    - name: second
      fake: { name: second }
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['c@h1', 'first@h1', 'second@h1']);
  });
});

describe('meta', () => {
  it('end_batch ends the current serial batch, the next batch runs', async () => {
    await runYaml(`
- hosts: web
  serial: 2
  gather_facts: false
  tasks:
    - fake: { name: a }
    - meta: end_batch
      when: inventory_hostname == 'h1'
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'a@h3', 'b@h3']);
  });

  it('end_host stops one host, end_play stops all', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - meta: end_host
      when: inventory_hostname == 'h1'
    - fake: { name: a }
    - meta: end_play
    - fake: { name: b }
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: next-play }
`);
    expect(probeOrder()).toEqual(['a@h2', 'a@h3', 'next-play@h1', 'next-play@h2', 'next-play@h3']);
  });

  it('clear_host_errors lets failed hosts into the next play', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h1' }}" }
    - meta: clear_host_errors
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: b }
`, { inventory: '[web]\nh1\nh2\n' });
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'b@h1', 'b@h2']);
    expect(h.summary.failedHosts).toEqual([]);
  });
});
