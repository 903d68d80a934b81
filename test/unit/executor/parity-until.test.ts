/**
 * until/retries and result rules counted as ansible-playbook 2.14 does
 * (checked against it: `retries: N` is the first try plus N retries).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, probeOrder, runYaml } from './harness.js';

const ONE = '[web]\nh1\n';

function debugMsgs(events: Awaited<ReturnType<typeof runYaml>>['events']): unknown[] {
  return eventsOf(events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
}

describe('until / retries as Ansible 2.14', () => {
  it('retries: 1 evaluates until and fails after 2 attempts (registered attempts: 1)', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: one, counter: c }
      register: r
      until: r.count > 10
      retries: 1
      delay: 0
      ignore_errors: true
    - debug: { msg: "{{ r.attempts }} {{ r is failed }}" }
`, { inventory: ONE });
    expect(probeOrder().filter((x) => x === 'one@h1')).toHaveLength(2);
    expect(h.results[0]).toBe('fake|h1|ok');
    expect(eventsOf(h.events, 'host_result')[0]!.result.ignored).toBe(true);
    expect(debugMsgs(h.events)).toEqual(['1 True']);
    expect(eventsOf(h.events, 'message').map((m) => m.message)).toEqual(['FAILED - RETRYING: [h1]: fake (1 retries left).']);
  });

  it('retries: N gives N+1 attempts; the until met on the last one passes', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: three, counter: c }
      register: r
      until: r.count >= 3
      retries: 2
      delay: 0
    - debug: { msg: "{{ r.attempts }}" }
`, { inventory: ONE });
    expect(h.results[0]).toBe('fake|h1|ok');
    expect(debugMsgs(h.events)).toEqual([3]);
  });

  it('retries: 0 runs once and never evaluates until', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: zero, counter: c }
      register: r
      until: r.undefined_thing.boom
      retries: 0
    - debug: { msg: "{{ r.attempts }}" }
`, { inventory: ONE });
    expect(h.results).toEqual(['fake|h1|ok', 'debug|h1|ok']);
    expect(debugMsgs(h.events)).toEqual([1]);
  });

  it('an until never met on a changed result: failed, registered changed, counted changed when ignored', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: ch, changed: true }
      register: r
      until: false
      retries: 1
      delay: 0
      ignore_errors: true
    - debug: { msg: "{{ r is changed }} {{ r is failed }}" }
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual(['True True']);
    expect(h.summary.stats.h1).toMatchObject({ ok: 2, changed: 1, ignored: 1, failed: 0 });
  });
});

describe('changed_when / failed_when keep what changed', () => {
  it('failed_when on a changed result: registered changed and failed, ignored counts changed', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true }
      register: r
      failed_when: true
      ignore_errors: true
    - debug: { msg: "{{ r is changed }} {{ r is failed }} {{ r.failed_when_result }}" }
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual(['True True True']);
    expect(h.summary.stats.h1).toMatchObject({ ok: 2, changed: 1, ignored: 1 });
  });

  it('changed_when: false on a failure that changed something, then failed_when: false: ok', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true, msg: fail in apply }
      register: r
      changed_when: false
      failed_when: false
    - debug: { msg: "{{ r is changed }} {{ r is failed }}" }
`, { inventory: ONE });
    expect(h.results[0]).toBe('fake|h1|ok');
    expect(debugMsgs(h.events)).toEqual(['False False']);
  });
});
