/**
 * meta: end_host / clear_facts and delegate_facts, run by ansible-playbook and
 * by tsplay on local-connection hosts: same debug output, same recap.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function both(c: ParityCase) {
  const a = caseDir(c);
  const t = caseDir(c);
  dirs.push(a, t);
  const [ansible, tsplay] = [runAnsible(a, c), await runTsplay(t, c)];
  return { ansible, tsplay };
}

describe.skipIf(!ansibleAvailable)('meta and facts parity with ansible-playbook', () => {
  it('clear_facts, end_host, delegate_facts', async () => {
    const { ansible, tsplay } = await both({
      files: { 'iv.yml': 'iv: from_file\n' },
      playbook: `
- hosts: web
  gather_facts: true
  tasks:
    - set_fact: { a: 1 }
    - set_fact: { b: 2, cacheable: true }
    - include_vars: { file: iv.yml }
    - set_fact: { x: 1 }
      delegate_to: h2
      delegate_facts: true
      when: inventory_hostname == 'h1'
    - meta: clear_facts
      when: inventory_hostname == 'h1'
    - name: after clear
      debug: { msg: "dist={{ ansible_distribution is defined }} fdist={{ ansible_facts.distribution is defined }} a={{ a is defined }} b={{ b is defined }} fb={{ ansible_facts.b is defined }} iv={{ iv is defined }} x={{ x is defined }}" }
    - meta: end_host
      when: inventory_hostname == 'h1'
    - name: after end_host
      debug: { msg: "{{ ansible_play_hosts }} {{ ansible_play_batch }} {{ play_hosts }} {{ ansible_play_hosts_all }}" }
- hosts: web
  gather_facts: false
  tasks:
    - name: next play
      debug: { msg: "{{ ansible_play_hosts }}" }
`,
    });
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 120_000);
});
