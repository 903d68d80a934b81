/**
 * Keyword matrix, task flow: when, loops and loop_control, register of loops,
 * changed_when / failed_when / ignore_errors, retries/until, block/rescue/always
 * and meta; each playbook run by ansible-playbook and by the tsplay CLI on three
 * real sshd hosts, fresh directories per tool, same recap, files and debug
 * output, then a rerun with changed=0 for both.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectParity, KeywordHarness, keywordsRunnable } from './keywords-harness.js';

const LOOPS = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: loop with register
      copy: { content: "{{ item }}\\n", dest: "{{ workdir }}/loop-{{ item }}", mode: "0640" }
      loop: [a, b]
      register: looped
    - name: registered loop results
      copy:
        dest: "{{ workdir }}/registered"
        content: "{{ looped.results | map(attribute='item') | list }} {{ looped.results | length }} {{ looped.results[0].dest | basename }}\\n"
    - name: with_items and when on the item
      copy: { content: "{{ item }}\\n", dest: "{{ workdir }}/items-{{ item }}" }
      with_items: [x, y, z]
      when: item != 'y'
    - name: with_dict
      copy: { content: "{{ item.value }}\\n", dest: "{{ workdir }}/dict-{{ item.key }}" }
      with_dict: { k1: v1, k2: v2 }
    - name: with_together
      copy: { content: "{{ item.0 }}-{{ item.1 }}\\n", dest: "{{ workdir }}/together-{{ item.0 }}" }
      with_together: [[1, 2], [one, two]]
    - name: loop_control
      copy: { content: "{{ idx }} {{ outer.n }}\\n", dest: "{{ workdir }}/lc-{{ outer.n }}" }
      loop: [{ n: p, big: "{{ 'x' * 50 }}" }, { n: q, big: y }]
      loop_control: { label: "{{ outer.n }}", index_var: idx, loop_var: outer, pause: 0 }
    - name: looped debug
      debug: { msg: "{{ ansible_loop_var | default('none') }} {{ i }}" }
      loop: [1, 2]
      loop_control: { loop_var: i }
    - name: when on a registered loop
      debug: { msg: "{{ looped.results | selectattr('item', 'equalto', 'a') | list | length }}" }
      when: looped is not skipped and inventory_hostname != 'h1'
`;

const LOOP_MSG = `
- hosts: hosts
  gather_facts: false
  tasks:
    - command: echo {{ item }}
      loop: [a]
      register: looped
      changed_when: false
    - debug: { msg: "{{ looped.msg | default('no msg') }}" }
`;

const CONDITIONS = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: never changed
      command: echo hi
      register: echo
      changed_when: false
    - name: rc 3 is fine
      shell: exit 3
      register: r3
      failed_when: r3.rc not in [0, 3]
      changed_when: false
    - name: failed_when false on a failing command
      command: /bin/false
      failed_when: false
      changed_when: false
    - name: ignored failure
      command: /bin/false
      ignore_errors: true
      register: ign
    - name: changed_when on stdout
      shell: echo keep
      register: keep
      changed_when: "'change' in keep.stdout"
    - name: results in a file
      copy:
        dest: "{{ workdir }}/cond"
        content: "{{ echo.stdout }} {{ echo.changed }} {{ r3.rc }} {{ r3.failed }} {{ ign.failed }} {{ ign.rc }} {{ keep.changed }}\\n"
    - name: count up to three
      shell: "n=$(cat {{ workdir }}/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > {{ workdir }}/count; echo $n"
      register: cnt
      until: cnt.stdout | int >= 3
      retries: 5
      delay: 0
      changed_when: false
    - name: attempts
      debug: { msg: "{{ cnt.attempts }} {{ cnt.stdout }}" }
    - name: retries exhausted
      command: /bin/false
      register: never
      until: never.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
    - name: attempts when exhausted
      debug: { msg: "{{ never.attempts }} {{ never.failed }}" }
    - name: fails on one host only
      command: /bin/false
      when: inventory_hostname == 'h2'
    - name: after the failure
      copy: { content: "survived\\n", dest: "{{ workdir }}/survived" }
`;

const BLOCKS = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: first block
      block:
        - name: fails on h0 and h1
          command: /bin/false
          when: inventory_hostname != 'h2'
        - name: only without failure
          copy: { content: "no failure\\n", dest: "{{ workdir }}/nofail" }
      rescue:
        - name: note the rescue
          copy: { content: "{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }} {{ ansible_failed_result.failed }}\\n", dest: "{{ workdir }}/rescued" }
      always:
        - name: always runs
          copy: { content: "always\\n", dest: "{{ workdir }}/always" }
    - name: nested, rescue fails on h1
      block:
        - block:
            - name: inner failure
              command: /bin/false
          rescue:
            - name: inner rescue
              debug: { msg: "inner {{ ansible_failed_task.name }}" }
            - name: rescue fails on h1
              command: /bin/false
              when: inventory_hostname == 'h1'
          always:
            - name: inner always
              copy: { content: "inner always\\n", dest: "{{ workdir }}/inner-always" }
      always:
        - name: outer always
          copy: { content: "outer always\\n", dest: "{{ workdir }}/outer-always" }
    - name: after the blocks
      copy: { content: "after\\n", dest: "{{ workdir }}/after" }
    - name: block with when and loop inside
      when: inventory_hostname == 'h0'
      block:
        - name: looped in block
          copy: { content: "{{ item }}\\n", dest: "{{ workdir }}/blk-{{ item }}" }
          loop: [m, n]
`;

const META = `
- hosts: hosts
  gather_facts: false
  handlers:
    - name: touch flushed
      copy: { content: "handler\\n", dest: "{{ workdir }}/handler" }
  tasks:
    - name: a fact
      set_fact: { marker: one }
    - name: clear facts
      meta: clear_facts
    - name: fact after clear_facts
      debug: { msg: "{{ marker | default('gone') }}" }
    - meta: noop
    - name: notify
      copy: { content: "n\\n", dest: "{{ workdir }}/notifier" }
      notify: touch flushed
    - meta: flush_handlers
    - name: handler file seen after flush
      stat: { path: "{{ workdir }}/handler" }
      register: st
    - name: flushed
      debug: { msg: "{{ st.stat.exists }}" }
    - name: end h1
      meta: end_host
      when: inventory_hostname == 'h1'
    - name: after end_host
      copy: { content: "after end_host\\n", dest: "{{ workdir }}/after-end-host" }
    - name: end the play
      meta: end_play
      when: inventory_hostname == 'h0'
    - name: never reached
      copy: { content: "x\\n", dest: "{{ workdir }}/never" }

- hosts: hosts
  gather_facts: false
  tasks:
    - name: second play
      copy: { content: "second\\n", dest: "{{ workdir }}/second-play" }
`;

describe.skipIf(!keywordsRunnable)('keyword matrix on sshd: flow (differential with ansible-playbook)', () => {
  let h: KeywordHarness;
  beforeAll(async () => {
    h = await KeywordHarness.start(3);
  });
  afterAll(() => h?.stop());

  it('loop, with_items, with_dict, with_together, loop_control, register of loops', async () => {
    await expectParity(h, { playbook: LOOPS });
  }, 300_000);

  it('a registered loop has msg "All items completed"', async () => {
    await expectParity(h, { playbook: LOOP_MSG }, { rerun: false });
  }, 300_000);

  it('changed_when, failed_when, ignore_errors, retries/until, a failing host', async () => {
    // the two ignored failures count changed on every run, in Ansible and in tsplay (a failed command reports changed)
    await expectParity(h, { playbook: CONDITIONS }, { rerunChanged: 2 });
  }, 300_000);

  it('block/rescue/always, nested, ansible_failed_task and ansible_failed_result', async () => {
    await expectParity(h, { playbook: BLOCKS });
  }, 300_000);

  it('meta clear_facts, noop, flush_handlers, end_host, end_play', async () => {
    await expectParity(h, { playbook: META });
  }, 300_000);
});
