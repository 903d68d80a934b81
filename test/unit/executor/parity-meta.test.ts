/**
 * meta: end_host and clear_facts as ansible-playbook 2.14 (checked against it,
 * see test/integration/executor/parity-meta.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';

function debugMsgs(events: Awaited<ReturnType<typeof runYaml>>['events']): string[] {
  return eventsOf(events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => `${e.host}: ${String(e.result.data.msg)}`);
}

describe('meta: end_host', () => {
  it('the host leaves ansible_play_hosts / ansible_play_batch for the rest of the play, not for the next play', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - meta: end_host
      when: inventory_hostname == 'h1'
    - debug: { msg: "{{ ansible_play_hosts }} {{ ansible_play_batch }} {{ play_hosts }} {{ ansible_play_hosts_all }}" }
- hosts: web
  gather_facts: false
  tasks:
    - debug: { msg: "second {{ ansible_play_hosts }}" }
`, { inventory: '[web]\nh1\nh2\n' });
    expect(debugMsgs(h.events)).toEqual([
      "h2: ['h2'] ['h2'] ['h2'] ['h1', 'h2']",
      "h1: second ['h1', 'h2']",
      "h2: second ['h1', 'h2']",
    ]);
  });
});

describe('meta: clear_facts', () => {
  it("clears the facts of every play host (also cacheable set_fact's), keeps set_fact and include_vars values", async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { data: { ansible_facts: { distribution: Debian } } }
    - set_fact: { a: 1 }
    - set_fact: { b: 2, cacheable: true }
    - include_vars: { file: iv.yml }
    - debug: { msg: "before dist={{ ansible_distribution is defined }} fdist={{ ansible_facts.distribution is defined }} fb={{ ansible_facts.b is defined }}" }
    - meta: clear_facts
      when: inventory_hostname == 'h1'
    - debug: { msg: "dist={{ ansible_distribution is defined }} fdist={{ ansible_facts.distribution is defined }} a={{ a is defined }} b={{ b is defined }} fb={{ ansible_facts.b is defined }} iv={{ iv is defined }}" }
`, { inventory: '[web]\nh1\nh2\n', files: { 'iv.yml': 'iv: x\n' } });
    const after = 'dist=False fdist=False a=True b=True fb=False iv=True';
    expect(debugMsgs(h.events)).toEqual([
      'h1: before dist=True fdist=True fb=True',
      'h2: before dist=True fdist=True fb=True',
      `h1: ${after}`,
      `h2: ${after}`,
    ]);
  });
});
