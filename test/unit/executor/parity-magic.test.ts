/**
 * Magic variables ansible-playbook 2.14 defines from its options (checked
 * against it: run=['all'] skip=[] limit undefined forks=5 by default there).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';
import { ANSIBLE_VERSION } from '../../../engine/executor/task-vars.js';

const MSG = "run={{ ansible_run_tags }} skip={{ ansible_skip_tags }} limit={{ ansible_limit | default('UNDEF') }} forks={{ ansible_forks }} check={{ ansible_check_mode }} diff={{ ansible_diff_mode }} verb={{ ansible_verbosity }} play={{ ansible_play_name }}";

function debugMsgs(events: Awaited<ReturnType<typeof runYaml>>['events']): unknown[] {
  return eventsOf(events, 'host_result').filter((e) => e.task.module === 'debug').map((e) => e.result.data.msg);
}

describe('magic variables from the run options', () => {
  it('defaults: run tags [all], no skip tags, ansible_limit undefined', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - debug: { msg: "${MSG}" }
`, { inventory: '[web]\nh1\n' });
    expect(debugMsgs(h.events)).toEqual(["run=['all'] skip=[] limit=UNDEF forks=50 check=False diff=False verb=0 play=web"]);
  });

  it('--tags, --skip-tags, --limit, --forks, --check, --diff, -v', async () => {
    const h = await runYaml(`
- hosts: web
  name: the play
  gather_facts: false
  tasks:
    - debug: { msg: "${MSG}" }
      tags: [always]
`, { inventory: '[web]\nh1\nh2\n', tags: ['a', 'b'], skipTags: ['c'], limit: 'h1', forks: 7, check: true, diff: true, verbosity: 2 });
    expect(debugMsgs(h.events)).toEqual(["run=['a', 'b'] skip=['c'] limit=h1 forks=7 check=True diff=True verb=2 play=the play"]);
  });

  it('ansible_version is the Ansible release tsplay follows, so version checks written for Ansible pass', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - debug: { msg: "{{ ansible_version.full is version('2.9', '>=') }} {{ ansible_version.major }}.{{ ansible_version.minor }} {{ ansible_version.string }}" }
      when: ansible_version.full is version('2.12', '>=')
`, { inventory: '[web]\nh1\n' });
    expect(debugMsgs(h.events)).toEqual([`True 2.14 ${ANSIBLE_VERSION.string}`]);
  });

  it('inventory_dir, inventory_file, playbook_dir, ansible_inventory_sources', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - debug: { msg: "{{ inventory_dir == playbook_dir }} {{ inventory_file == playbook_dir ~ '/hosts.ini' }} {{ ansible_inventory_sources | length }}" }
`, { inventory: '[web]\nh1\n' });
    expect(debugMsgs(h.events)).toEqual(['True True 1']);
  });

  it('role_name and role_path inside a role', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  roles: [r1]
`, { inventory: '[web]\nh1\n', files: { 'roles/r1/tasks/main.yml': '- debug: { msg: "{{ role_name }} {{ role_path | basename }}" }\n' } });
    expect(debugMsgs(h.events)).toEqual(['r1 r1']);
  });
});
