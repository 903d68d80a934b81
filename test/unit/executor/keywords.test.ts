import { describe, expect, it } from 'vitest';
import { eventsOf, runOptions, runYaml } from './harness.js';

const ONE = '[web]\nh1 ansible_become_password=pw-secret-1\n';

describe('environment and become', () => {
  it('environment merges play, block and task levels, rendered per host', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  environment: { A: play, B: play }
  tasks:
    - block:
        - fake: { name: a }
          environment: { C: "{{ inventory_hostname }}" }
      environment: { B: block }
`, { inventory: ONE });
    expect(runOptions[0]!.opts.env).toEqual({ A: 'play', B: 'block', C: 'h1' });
  });

  it('become from play, overridden by task; become_user; password from inventory vars; secrets masked', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  become: true
  tasks:
    - fake: { name: root }
    - fake: { name: pg }
      become_user: postgres
    - fake: { name: plain }
      become: false
`, { inventory: ONE });
    expect(runOptions.map((r) => r.opts.become)).toEqual([
      { user: 'root', method: 'sudo', password: 'pw-secret-1' },
      { user: 'postgres', method: 'sudo', password: 'pw-secret-1' },
      false,
    ]);
    expect(runOptions[0]!.opts.secrets).toContain('pw-secret-1');
  });

  it('-b from the command line applies where plays and tasks say nothing', async () => {
    await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a }
    - fake: { name: b }
      become: false
`, { inventory: '[web]\nh1\n', become: { user: 'admin' } });
    expect(runOptions.map((r) => r.opts.become && r.opts.become.user)).toEqual(['admin', false]);
  });
});

describe('variables across hosts', () => {
  it("hostvars reads another host's inventory vars, facts and set_facts", async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - set_fact: { mine: "fact-{{ inventory_hostname }}" }
    - debug: { msg: "{{ hostvars['h2'].colour }} {{ hostvars['h2'].mine }} {{ groups['web'] | length }}" }
      when: inventory_hostname == 'h1'
`, { inventory: '[web]\nh1\nh2 colour=red\n' });
    const msgs = eventsOf(h.events, 'host_result').filter((e) => e.task.module === 'debug' && e.host === 'h1');
    expect(msgs[0]!.result.data.msg).toBe('red fact-h2 2');
  });

  it('delegate_facts stores facts on the delegated host', async () => {
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - fake: { name: x, data: { ansible_facts: { role_seen: yes_it_is } } }
      delegate_to: h2
      delegate_facts: true
- hosts: h2
  gather_facts: false
  tasks:
    - debug: { msg: "{{ ansible_facts.role_seen | default('none') }}" }
`, { inventory: '[web]\nh1\nh2\n' });
    expect(eventsOf(h.events, 'host_result').at(-1)!.result.data.msg).toBe('yes_it_is');
  });

  it('a loop over an undefined variable is skipped when the condition is false', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ item }}" }
      loop: "{{ missing_list }}"
      when: missing_list is defined
`, { inventory: '[web]\nh1\n' });
    expect(h.results).toEqual(['fake|h1|skipped']);
  });

  it('templated task failures name the file and line', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: "{{ nope }}" }
`, { inventory: '[web]\nh1\n' });
    const r = eventsOf(h.events, 'host_result')[0]!.result;
    expect(r.status).toBe('failed');
    expect(r.msg).toMatch(/site\.yml:5:\d+: .*nope/);
  });
});
