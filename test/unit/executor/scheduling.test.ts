import { describe, expect, it } from 'vitest';
import { calls, concurrency, eventsOf, probeOrder, runYaml } from './harness.js';

const FIVE = '[web]\nh1\nh2\nh3\nh4\nh5\n';

describe('strategies', () => {
  it('linear runs each task on every host before the next task', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: 5 }
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'a@h3', 'b@h1', 'b@h2', 'b@h3']);
  });

  it('free lets a fast host run ahead of a slow one', async () => {
    await runYaml(`
- hosts: web
  strategy: free
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: "{{ 60 if inventory_hostname == 'h1' else 0 }}" }
    - fake: { name: b }
`);
    const order = probeOrder();
    expect(order.indexOf('b@h2')).toBeLessThan(order.indexOf('b@h1'));
    expect(order.filter((x) => x.startsWith('b@'))).toHaveLength(3);
  });

  it('never runs more hosts at once than forks', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: 20 }
`, { inventory: FIVE, forks: 2 });
    expect(concurrency.max).toBe(2);
    expect(calls.filter((c) => c.phase === 'probe')).toHaveLength(5);
  });

  it('throttle bounds one task below forks', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: 20 }
      throttle: 1
`, { inventory: FIVE, forks: 5 });
    expect(concurrency.max).toBe(1);
  });

  it('throttle bounds one task across hosts under free too', async () => {
    await runYaml(`
- hosts: web
  strategy: free
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: 20 }
      throttle: 2
`, { inventory: FIVE, forks: 5 });
    expect(probeOrder().filter((x) => x.startsWith('a@'))).toHaveLength(5);
    expect(concurrency.max).toBe(2);
  });

  it('free: handlers flush per host, run_once still runs once', async () => {
    const h = await runYaml(`
- hosts: web
  strategy: free
  gather_facts: false
  tasks:
    - fake: { name: once }
      run_once: true
    - fake: { name: c, changed: true }
      notify: h
  handlers:
    - name: h
      fake: { name: H }
`);
    expect(probeOrder().filter((x) => x.startsWith('once@'))).toHaveLength(1);
    expect(probeOrder().filter((x) => x.startsWith('H@')).sort()).toEqual(['H@h1', 'H@h2', 'H@h3']);
    // one result for the run_once task, three for the other
    expect(h.results.filter((r) => r.startsWith('fake|')).length).toBe(4);
    expect(h.results.filter((r) => r.startsWith('h|')).length).toBe(3);
  });

  it('--strategy from the command line overrides the play', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: "{{ 60 if inventory_hostname == 'h1' else 0 }}" }
    - fake: { name: b }
`, { strategy: 'free' });
    const order = probeOrder();
    expect(order.indexOf('b@h2')).toBeLessThan(order.indexOf('b@h1'));
  });

  it('order: reverse_sorted', async () => {
    await runYaml(`
- hosts: web
  order: reverse_sorted
  gather_facts: false
  tasks:
    - fake: { name: a }
`);
    expect(probeOrder()).toEqual(['a@h3', 'a@h2', 'a@h1']);
  });
});

describe('serial', () => {
  it('runs the whole play on each batch in turn', async () => {
    const h = await runYaml(`
- hosts: web
  serial: 2
  gather_facts: false
  tasks:
    - fake: { name: a }
    - fake: { name: b }
`, { inventory: FIVE });
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'b@h1', 'b@h2', 'a@h3', 'a@h4', 'b@h3', 'b@h4', 'a@h5', 'b@h5']);
    expect(eventsOf(h.events, 'play_start').map((e) => [e.serialBatch, e.hosts])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['h3', 'h4']],
      [3, ['h5']],
    ]);
  });

  it('takes percentages of the play hosts (rounded down, at least 1)', async () => {
    const h = await runYaml(`
- hosts: web
  serial: "40%"
  gather_facts: false
  tasks:
    - fake: { name: a }
`, { inventory: FIVE });
    expect(eventsOf(h.events, 'play_start').map((e) => e.hosts.length)).toEqual([2, 2, 1]);
  });

  it('takes a list of sizes, the last one repeating', async () => {
    const h = await runYaml(`
- hosts: web
  serial: [1, "40%"]
  gather_facts: false
  tasks:
    - fake: { name: a }
`, { inventory: FIVE });
    expect(eventsOf(h.events, 'play_start').map((e) => e.hosts)).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5']]);
  });
});

describe('max_fail_percentage', () => {
  const play = (pct: number) => `
- hosts: web
  max_fail_percentage: ${pct}
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname in ['h1', 'h2'] }}" }
    - fake: { name: b }
`;

  it('goes on while the failed share is at the limit', async () => {
    const h = await runYaml(play(40), { inventory: FIVE });
    expect(probeOrder().filter((x) => x.startsWith('b@'))).toEqual(['b@h3', 'b@h4', 'b@h5']);
    expect(eventsOf(h.events, 'warning')).toHaveLength(0);
    expect(h.summary.exitCode).toBe(2);
  });

  it('stops the play once the share is crossed, with a warning', async () => {
    const h = await runYaml(play(39), { inventory: FIVE });
    expect(probeOrder().filter((x) => x.startsWith('b@'))).toEqual([]);
    const warnings = eventsOf(h.events, 'warning').map((w) => w.message);
    expect(warnings.join('\n')).toMatch(/max_fail_percentage 39% exceeded: 2 of 5/);
    expect(eventsOf(h.events, 'play_end')[0]!.stopped).toMatch(/max_fail_percentage/);
  });

  it('applies per serial batch and stops later batches', async () => {
    const h = await runYaml(`
- hosts: web
  serial: 2
  max_fail_percentage: 0
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h3' }}" }
    - fake: { name: b }
`, { inventory: FIVE });
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'b@h1', 'b@h2', 'a@h3', 'a@h4']);
    expect(h.summary.failedHosts).toEqual(['h3']);
  });
});

describe('ending the run', () => {
  it('when every host of a batch failed, no later batch or play runs (NO MORE HOSTS LEFT)', async () => {
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - fake: { name: a, fail: true }
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1']);
    expect(eventsOf(h.events, 'warning')[0]!.message).toMatch(/no more hosts left/);
    expect(h.summary.exitCode).toBe(2);
  });

  it('after any_errors_fatal, later plays do not run', async () => {
    await runYaml(`
- hosts: web
  any_errors_fatal: true
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h1' }}" }
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'a@h3']);
  });

  it('a partly failed play lets the others go on to the next play', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h1' }}" }
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'a@h3', 'b@h2', 'b@h3']);
  });
});

describe('any_errors_fatal and run_once', () => {
  it('any_errors_fatal stops every host after the failing task', async () => {
    const h = await runYaml(`
- hosts: web
  any_errors_fatal: true
  gather_facts: false
  tasks:
    - fake: { name: a, fail: "{{ inventory_hostname == 'h2' }}" }
    - fake: { name: b }
`);
    expect(probeOrder()).toEqual(['a@h1', 'a@h2', 'a@h3']);
    expect(eventsOf(h.events, 'warning')[0]!.message).toMatch(/any_errors_fatal: h2 failed/);
    expect(h.summary.exitCode).toBe(2);
  });

  it('run_once runs on the first host and gives every host the result', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: once, changed: true, data: { v: 7 } }
      run_once: true
      register: r
    - fake_local: { data: { seen: "{{ r.v }}" } }
      register: s
    - debug: { msg: "{{ s.seen }}" }
`);
    expect(probeOrder()).toEqual(['once@h1']);
    expect(h.results.filter((r) => r.startsWith('fake|'))).toEqual(['fake|h1|changed']);
    const debug = eventsOf(h.events, 'host_result').filter((e) => e.task.module === 'debug');
    expect(debug.map((e) => e.result.data.msg)).toEqual([7, 7, 7]);
  });
});
