/**
 * Facts a module returns without the ansible_ prefix (getent gives
 * getent_passwd) are variables of that name too, as in Ansible 2.14, besides
 * ansible_facts.getent_passwd; facts with the prefix stay ansible_x only.
 * meta: clear_facts removes both.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';

describe('facts returned without the ansible_ prefix', () => {
  it('are variables of their own name and in ansible_facts; clear_facts removes them', async () => {
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - fake:
        data: { ansible_facts: { getent_passwd: { root: ["x", "0"] }, ansible_tsplay_os: linux } }
    - debug: msg="{{ getent_passwd.root[1] }} {{ ansible_facts.getent_passwd.root[1] }} {{ ansible_tsplay_os }} {{ ansible_facts.tsplay_os }} {{ tsplay_os is defined }}"
    - meta: clear_facts
    - debug: msg="{{ getent_passwd is defined }} {{ ansible_facts.getent_passwd is defined }}"
`, { inventory: '[web]\nh1\n' });
    const msgs = eventsOf(h.events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
    expect(msgs).toEqual(['0 0 linux linux False', 'False False']);
  });
});
