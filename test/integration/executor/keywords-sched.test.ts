/**
 * Keyword matrix, scheduling: strategy linear/free, serial (number, percentage,
 * list) with max_fail_percentage and any_errors_fatal, run_once, delegate_to
 * (another sshd host and the implicit localhost), throttle, forks, order, and
 * ignore_unreachable with one host's sshd stopped; ansible-playbook and the
 * tsplay CLI on the same three sshd hosts, fresh directories per tool.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectParity, KeywordHarness, keywordsRunnable } from './keywords-harness.js';

// with one fork the hosts run one at a time, so a shared file shows the order
const ORDER = `
- hosts: hosts
  gather_facts: false
  order: reverse_sorted
  tasks:
    - name: reverse
      shell: echo "rev {{ inventory_hostname }}" >> {{ hostvars['h0'].workdir }}/order
      changed_when: false
- hosts: hosts
  gather_facts: false
  order: sorted
  tasks:
    - name: throttled
      shell: echo "thr {{ inventory_hostname }}" >> {{ hostvars['h0'].workdir }}/order
      throttle: 1
      changed_when: false
- hosts: hosts
  gather_facts: false
  tasks:
    - name: play hosts
      copy: { content: "{{ ansible_play_hosts | join(',') }} {{ ansible_forks | default('?') }}\\n", dest: "{{ workdir }}/play-hosts" }
`;

const STRATEGIES = `
- hosts: hosts
  gather_facts: false
  strategy: free
  tasks:
    - name: free first
      copy: { content: "free {{ inventory_hostname }}\\n", dest: "{{ workdir }}/free" }
    - name: free failure on h1
      command: /bin/false
      when: inventory_hostname == 'h1'
    - name: free after
      copy: { content: "after\\n", dest: "{{ workdir }}/free-after" }
      throttle: 2

- hosts: hosts
  gather_facts: false
  strategy: linear
  tasks:
    - name: once
      copy: { content: "once by {{ inventory_hostname }}\\n", dest: "{{ workdir }}/once" }
      run_once: true
    - name: once registered
      command: echo {{ inventory_hostname }}
      register: who
      run_once: true
      changed_when: false
    - name: every host sees the run_once result
      debug: { msg: "{{ who.stdout }}" }
    - name: port seen from a delegated command
      shell: echo "\${SSH_CONNECTION##* }"
      delegate_to: h2
      register: delegated
      changed_when: false
    - name: delegated to localhost
      shell: echo "\${SSH_CONNECTION:-none}" | awk '{print $NF}'
      delegate_to: localhost
      register: local
      changed_when: false
    - name: where they ran
      copy:
        dest: "{{ workdir }}/delegated"
        content: "{{ delegated.stdout == hostvars['h2'].ansible_port | string }} {{ local.stdout == hostvars['h2'].ansible_port | string }}\\n"
    - name: delegated file to h2 with the host's vars
      copy: { content: "for {{ inventory_hostname }}\\n", dest: "{{ workdir }}/deleg-file" }
      delegate_to: h2
`;

const SERIAL = `
- hosts: hosts
  gather_facts: false
  serial: [1, 2]
  tasks:
    - name: batch list
      copy: { content: "{{ ansible_play_batch | join(',') }}\\n", dest: "{{ workdir }}/batch-list" }

- hosts: hosts
  gather_facts: false
  serial: "50%"
  tasks:
    - name: batch pct
      copy: { content: "{{ ansible_play_batch | join(',') }}\\n", dest: "{{ workdir }}/batch-pct" }

- hosts: hosts
  gather_facts: false
  serial: 2
  max_fail_percentage: 40
  tasks:
    - name: fail h0 (half of the first batch)
      command: /bin/false
      when: inventory_hostname == 'h0'
    - name: after max_fail
      copy: { content: "{{ ansible_play_batch | join(',') }}\\n", dest: "{{ workdir }}/after-max-fail" }

- hosts: hosts
  gather_facts: false
  tasks:
    - name: later play
      copy: { content: "later\\n", dest: "{{ workdir }}/later" }
`;

const FATAL = `
- hosts: hosts
  gather_facts: false
  serial: 3
  any_errors_fatal: true
  tasks:
    - name: before
      copy: { content: "before\\n", dest: "{{ workdir }}/before" }
    - name: fatal on h1
      command: /bin/false
      when: inventory_hostname == 'h1'
    - name: never after fatal
      copy: { content: "after\\n", dest: "{{ workdir }}/after" }
- hosts: hosts
  gather_facts: false
  tasks:
    - name: next play
      copy: { content: "next\\n", dest: "{{ workdir }}/next" }
`;

const UNREACHABLE = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: ignored unreachable
      copy: { content: "one\\n", dest: "{{ workdir }}/one" }
      ignore_unreachable: true
    - name: still tried on h2
      copy: { content: "two\\n", dest: "{{ workdir }}/two" }
    - name: without h2
      copy: { content: "three\\n", dest: "{{ workdir }}/three" }
- hosts: hosts
  gather_facts: false
  tasks:
    - name: second play
      copy: { content: "{{ ansible_play_hosts | join(',') }}\\n", dest: "{{ workdir }}/second" }
`;

describe.skipIf(!keywordsRunnable)('keyword matrix on sshd: scheduling (differential with ansible-playbook)', () => {
  let h: KeywordHarness;
  beforeAll(async () => {
    h = await KeywordHarness.start(3);
  });
  afterAll(() => h?.stop());

  it('order (reverse_sorted, sorted), throttle, forks 1', async () => {
    await expectParity(h, { playbook: ORDER, args: ['-f', '1'] });
  }, 300_000);

  it('strategy free with a failure, linear run_once, delegate_to another host and localhost', async () => {
    await expectParity(h, { playbook: STRATEGIES });
  }, 300_000);

  it('serial list, percentage, number with max_fail_percentage', async () => {
    await expectParity(h, { playbook: SERIAL });
  }, 300_000);

  it('any_errors_fatal stops every host', async () => {
    await expectParity(h, { playbook: FATAL });
  }, 300_000);

  it('ignore_unreachable with one sshd stopped', async () => {
    const down = h.sshd.hosts[2]!;
    h.sshd.kill(down);
    try {
      await expectParity(h, { playbook: UNREACHABLE });
    } finally {
      await h.sshd.restart(down);
    }
  }, 300_000);
});
