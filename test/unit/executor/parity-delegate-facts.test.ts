/**
 * delegate_facts: true sends set_fact and include_vars values, like gathered
 * facts, to the delegated host (checked against ansible-playbook 2.14:
 * "h1 x=False y=True iv=False; h2 x=True y=False iv=True").
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';

describe('delegate_facts', () => {
  it('set_fact and include_vars go to the delegated host; without delegate_facts they stay', async () => {
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - set_fact: { x: 1 }
      delegate_to: h2
      delegate_facts: true
    - set_fact: { y: 2 }
      delegate_to: h2
    - set_fact: { c: 3, cacheable: true }
      delegate_to: h2
      delegate_facts: true
    - include_vars: { file: iv.yml }
      delegate_to: h2
      delegate_facts: true
    - debug: { msg: "h1 x={{ x is defined }} y={{ y is defined }} iv={{ iv is defined }} c={{ c is defined }}; h2 x={{ hostvars.h2.x is defined }} y={{ hostvars.h2.y is defined }} iv={{ hostvars.h2.iv is defined }} c={{ hostvars.h2.ansible_facts.c }}" }
`, { inventory: '[web]\nh1\nh2\n', files: { 'iv.yml': 'iv: from_file\n' } });
    const msgs = eventsOf(h.events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
    expect(msgs).toEqual(['h1 x=False y=True iv=False c=False; h2 x=True y=False iv=True c=3']);
  });
});
