import { describe, expect, it } from 'vitest';
import { calls, eventsOf, probeOrder, runYaml } from './harness.js';
import { NO_LOG_MESSAGE } from '../../../engine/executor/index.js';

const ONE = '[web]\nh1\n';

function debugMsgs(events: Awaited<ReturnType<typeof runYaml>>['events']): unknown[] {
  return eventsOf(events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
}

describe('loops', () => {
  it('registers one result per item, with the item, and evaluates when per item', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ item }}", changed: "{{ item != 'b' }}", data: { it: "{{ item }}" } }
      loop: [a, b, c]
      when: item != 'c'
      register: r
    - debug: { msg: "{{ r.results | map(attribute='item') | list }} {{ r.results | map(attribute='changed') | list }} {{ r.changed }} {{ r.results[2].skipped }}" }
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['a@h1', 'b@h1']);
    expect(debugMsgs(h.events)).toEqual(["['a', 'b', 'c'] [True, False, False] True True"]);
    expect(eventsOf(h.events, 'item_result').map((e) => [e.result.item, e.result.status])).toEqual([
      ['a', 'changed'],
      ['b', 'ok'],
      ['c', 'skipped'],
    ]);
  });

  it('with_items flattens one level; loop_control sets loop_var, index_var and label', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: { v: "{{ i }}-{{ idx }}" } }
      with_items: [[x, w], z]
      loop_control: { loop_var: i, index_var: idx, label: "L{{ idx }}" }
      register: r
    - debug: { msg: "{{ r.results | map(attribute='v') | list }}" }
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual([['x-0', 'w-1', 'z-2']]);
    expect(eventsOf(h.events, 'item_result').map((e) => e.result.item)).toEqual(['L0', 'L1', 'L2']);
  });

  it("the loop's host_result carries the items in data.results as register shows them (NDJSON consumers)", async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ item }}", changed: "{{ item == 'a' }}", data: { it: "{{ item }}" } }
      loop: [a, b]
      register: r
`, { inventory: ONE });
    const loop = eventsOf(h.events, 'host_result')[0]!;
    expect(loop.result.data.results).toEqual([
      expect.objectContaining({ item: 'a', it: 'a', changed: true, failed: false, ansible_loop_var: 'item' }),
      expect.objectContaining({ item: 'b', it: 'b', changed: false, failed: false, ansible_loop_var: 'item' }),
    ]);
    expect(loop.result.results?.map((x) => x.status)).toEqual(['changed', 'ok']);
    // the same list survives the NDJSON line
    expect(JSON.parse(JSON.stringify(loop)).result.data.results).toHaveLength(2);
  });

  it('a failed item fails the task, the other items still run', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ item }}", fail: "{{ item == 2 }}" }
      loop: [1, 2, 3]
`, { inventory: ONE });
    expect(probeOrder()).toEqual(['1@h1', '2@h1', '3@h1']);
    expect(h.results).toEqual(['fake|h1|failed']);
  });
});

describe('retries and result rules', () => {
  it('until retries (default 3 retries: 4 attempts, as Ansible 2.14) and registers attempts', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: u, counter: c }
      register: r
      until: r.count >= 2
      delay: 0
    - debug: { msg: "{{ r.attempts }}" }
    - fake: { name: never, counter: d }
      register: q
      until: q.count > 10
      delay: 0
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual([2]);
    expect(eventsOf(h.events, 'message').map((m) => m.message)[0]).toBe('FAILED - RETRYING: [h1]: fake (3 retries left).');
    expect(probeOrder().filter((x) => x === 'never@h1')).toHaveLength(4);
    expect(h.results.at(-1)).toBe('fake|h1|failed');
  });

  it('changed_when, failed_when and ignore_errors', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true }
      changed_when: false
    - fake: { name: b, data: { rc: 3 } }
      register: r
      failed_when: r.rc != 0
      ignore_errors: true
    - debug: { msg: "{{ r is failed }}" }
    - fake: { name: c, fail: true }
      failed_when: false
`, { inventory: ONE });
    // the ignored failure is shown as ok + ignored (register still says failed)
    expect(h.results).toEqual(['fake|h1|ok', 'fake|h1|ok', 'debug|h1|ok', 'fake|h1|ok']);
    expect(eventsOf(h.events, 'host_result')[1]!.result).toMatchObject({ status: 'ok', ignored: true, msg: 'failed_when condition met' });
    expect(debugMsgs(h.events)).toEqual([true]);
    expect(h.summary.stats.h1).toMatchObject({ ok: 4, changed: 0, failed: 0, ignored: 1 });
    expect(h.summary.exitCode).toBe(0);
  });

  it('an ignored failure of a command that ran counts as changed, as in Ansible', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true, unpredictable: true, msg: fail in apply }
      ignore_errors: true
    - fake: { name: b, changed: true, msg: fail in apply }
      ignore_errors: true
`, { inventory: ONE });
    expect(h.summary.stats.h1).toMatchObject({ ok: 2, changed: 1, ignored: 2, failed: 0 });
  });

  it('timeout cuts the task', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: slow, sleep: 3000 }
      timeout: 1
`, { inventory: ONE });
    const r = eventsOf(h.events, 'host_result')[0]!.result;
    expect(r.status).toBe('failed');
    expect(r.msg).toBe('timed out after 1s');
  });

  it('drops omitted arguments', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, msg: "{{ nothing | default(omit) }}", data: { x: 1 } }
`, { inventory: ONE });
    expect(h.results).toEqual(['fake|h1|ok']);
  });

  it('a module argument that fails validation after rendering fails the task', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, sleep: "{{ 'not a number' }}" }
`, { inventory: ONE });
    const r = eventsOf(h.events, 'host_result')[0]!.result;
    expect(r.status).toBe('failed');
    expect(r.msg).toMatch(/sleep/);
    expect(calls).toHaveLength(0);
  });
});

describe('check mode', () => {
  it('never calls apply; unpredictable plans are skipped with the reason', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true }
      register: r
    - fake: { name: b, changed: true, unpredictable: true }
    - debug: { msg: "{{ r.changed }} {{ ansible_check_mode }}" }
    - fake: { name: forced, changed: true }
      check_mode: false
`, { inventory: ONE, check: true });
    expect(calls.filter((c) => c.phase === 'apply').map((c) => c.name)).toEqual(['forced']);
    const results = eventsOf(h.events, 'host_result').map((e) => e.result);
    expect(results[0]).toMatchObject({ status: 'changed', check: true });
    expect(results[1]).toMatchObject({ status: 'skipped', reason: 'cannot tell' });
    expect(results[2]!.data.msg).toBe('True True');
  });

  it('check_mode: true on a task forces a dry run', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a, changed: true }
      check_mode: true
`, { inventory: ONE });
    expect(calls.filter((c) => c.phase === 'apply')).toHaveLength(0);
  });
});

describe('diff, loop_control extended, cacheable', () => {
  it('diffs only in diff mode, which a task can turn on or off', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: plain, changed: true }
    - fake: { name: forced, changed: true }
      diff: true
`, { inventory: ONE });
    expect(eventsOf(h.events, 'host_result').map((e) => e.result.diff?.[0]?.path)).toEqual([undefined, '/x/forced']);
    const d = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: d1, changed: true }
    - fake: { name: d2, changed: true }
      diff: false
`, { inventory: ONE, diff: true });
    expect(eventsOf(d.events, 'host_result').map((e) => e.result.diff?.[0]?.path)).toEqual(['/x/d1', undefined]);
  });

  it('loop_control extended gives ansible_loop', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: { v: "{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.first }} {{ ansible_loop.last }} {{ ansible_loop.previtem | default('-') }}" } }
      loop: [a, b]
      loop_control: { extended: true }
      register: r
    - debug: { msg: "{{ r.results | map(attribute='v') | list }}" }
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual([['1/2 True False -', '2/2 False True a']]);
  });

  it('set_fact cacheable also lands in ansible_facts', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - set_fact: { kept: 1, cacheable: true }
    - set_fact: { local_only: 2 }
    - debug: { msg: "{{ ansible_facts.kept | default('no') }} {{ ansible_facts.local_only | default('no') }}" }
`, { inventory: ONE });
    expect(debugMsgs(h.events)).toEqual(['1 no']);
  });
});

describe('delegation, no_log, facts', () => {
  it('delegate_to runs on the other host connection with the task host vars', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ inventory_hostname }}" }
      delegate_to: h3
      when: inventory_hostname != 'h3'
`);
    expect(calls.filter((c) => c.phase === 'probe').map((c) => `${c.name}@${c.host}`)).toEqual(['h1@h1', 'h2@h2']);
    expect(h.pool.gets.map((g) => g.host)).toEqual(['h3', 'h3']);
    const byHost = Object.fromEntries(eventsOf(h.events, 'host_result').map((e) => [e.host, e.delegatedTo]));
    expect(byHost).toEqual({ h1: 'h3', h2: 'h3', h3: undefined });
  });

  it('delegate_to localhost uses a local connection', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: x }
      delegate_to: localhost
`, { inventory: ONE });
    expect(h.pool.gets[0]).toMatchObject({ host: 'localhost', vars: { ansible_connection: 'local' } });
  });

  it('no_log hides the output and masks its values in later events', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: { token: s3cr3t-value } }
      no_log: true
      register: r
    - debug: { msg: "token is {{ r.token }}" }
`, { inventory: ONE });
    const [hidden, shown] = eventsOf(h.events, 'host_result');
    expect(hidden!.result.msg).toBe(NO_LOG_MESSAGE);
    expect(JSON.stringify(hidden)).not.toContain('s3cr3t');
    expect(shown!.result.data.msg).toBe('token is ********');
    expect(JSON.stringify(h.events)).not.toContain('s3cr3t-value');
  });

  it('no_log masks secret-carrying values only, not paths and owners (bug: "the file ******** belongs to ********")', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: { dest: /tmp/engchk/out.txt, owner: root, content: "secret-file-content", stdout: "printed-secret" } }
      no_log: true
      register: r
    - debug: { msg: "the file {{ r.dest }} belongs to {{ r.owner }}: {{ r.content }} {{ r.stdout }}" }
`, { inventory: ONE });
    const shown = eventsOf(h.events, 'host_result')[1]!;
    expect(shown.result.data.msg).toBe('the file /tmp/engchk/out.txt belongs to root: ******** ********');
  });

  it('no_log hides loop labels too', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: {} }
      loop: [pass-word-1]
      no_log: true
`, { inventory: ONE });
    expect(eventsOf(h.events, 'item_result')[0]!.result.item).toBeNull();
    expect(JSON.stringify(h.events)).not.toContain('pass-word-1');
  });

  it('task names render with play vars, and stay as written when they need host vars', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  vars: { pkg: nginx }
  tasks:
    - name: install {{ pkg }}
      fake_local: {}
    - name: on {{ inventory_hostname }}
      fake_local: {}
`, { inventory: ONE });
    expect(eventsOf(h.events, 'task_start').map((e) => e.task.name)).toEqual(['install nginx', 'on {{ inventory_hostname }}']);
  });

  it('task names render with role defaults and inventory vars too (bug: "{{ postgresql_version }}" shown raw)', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  roles: [pg]
`, {
      inventory: '[web]\nh1\n[web:vars]\ncluster=main\n',
      files: { 'roles/pg/defaults/main.yml': 'postgresql_version: 15\n', 'roles/pg/tasks/main.yml': '- name: install postgresql-{{ postgresql_version }} for {{ cluster }}\n  fake_local: {}\n' },
    });
    expect(eventsOf(h.events, 'task_start').map((e) => e.task.name)).toEqual(['install postgresql-15 for main']);
  });

  it('no_log values are handed to the CLI redactor', async () => {
    const added: (string | undefined)[] = [];
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: { token: another-secret } }
      no_log: true
`, { inventory: ONE, redactor: { add: (s) => added.push(s) } });
    expect(added).toContain('another-secret');
  });

  it('redact is applied to every event string', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - name: about hunter2
      debug: { msg: "pw hunter2" }
`, { inventory: ONE, redact: (s) => s.split('hunter2').join('XXX') });
    expect(JSON.stringify(h.events)).not.toContain('hunter2');
    expect(eventsOf(h.events, 'task_start')[0]!.task.name).toBe('about XXX');
  });

  it('set_fact, include_vars and registered values are host-scoped', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - set_fact: { who: "me-{{ inventory_hostname }}" }
    - include_vars: { file: extra.yml }
    - debug: { msg: "{{ who }} {{ colour }}" }
`, { files: { 'extra.yml': 'colour: blue\n' } });
    expect(debugMsgs(h.events)).toEqual(['me-h1 blue', 'me-h2 blue', 'me-h3 blue']);
  });

  it('controllerOnly modules never open a connection', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake_local: { data: {} }
    - debug: { msg: hi }
`);
    expect(h.pool.gets).toHaveLength(0);
  });

  it('add_host and group_by change the inventory for later plays', async () => {
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - add_host: { name: newbie, groups: [fresh], colour: red }
    - group_by: { key: "kind_{{ inventory_hostname }}" }
- hosts: fresh:kind_h1
  gather_facts: false
  tasks:
    - debug: { msg: "{{ inventory_hostname }} {{ colour | default('none') }}" }
`);
    expect(debugMsgs(h.events)).toEqual(['newbie red', 'h1 none']);
  });
});
