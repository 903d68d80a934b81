import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { Templar } from '../../../engine/vars/index.js';
import { fakeTemplar, registerTestModules } from './helpers.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { utilityModules } from '../../../modules/utility/index.js';

beforeAll(() => {
  registerTestModules();
  for (const m of utilityModules) if (!getModule(m.name)) registerModule(m);
});

const INVENTORY = '[web]\nw1\nw2\n[db]\nd1\n';

/** TSPLAY_NO_HOSTS findings as "line: message" */
async function noHosts(playbook: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-rtgroups-'));
  writeFileSync(join(dir, 'site.yml'), playbook);
  writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
  const inventory = await loadInventory([join(dir, 'hosts.ini')]);
  const found = await checkPlaybook(join(dir, 'site.yml'), { templar: fakeTemplar, inventory });
  expect(found.filter((e) => e.code !== 'TSPLAY_NO_HOSTS')).toEqual([]);
  return found.filter((e) => e.code === 'TSPLAY_NO_HOSTS').map((e) => `${e.source?.line}: ${e.message.replace(dir + '/', '')} | ${e.hint}`);
}

describe('tsplay check: hosts of groups made at run time', () => {
  it('a group made by group_by (and its parents) or add_host in an earlier play is no warning', async () => {
    const found = await noHosts(`
- hosts: web
  tasks:
    - group_by: { key: picked, parents: [chosen] }
    - add_host: { name: new1, groups: "fresh, other" }
      run_once: true
- hosts: picked
  tasks: [{ tdebug: { msg: a } }]
- hosts: chosen
  tasks: [{ tdebug: { msg: a } }]
- hosts: fresh:other
  tasks: [{ tdebug: { msg: a } }]
- hosts: picked:&web
  tasks: [{ tdebug: { msg: a } }]
`);
    expect(found).toEqual([]);
  });

  it('still warns for a group made only later, or for hosts the group cannot hold', async () => {
    const found = await noHosts(`
- hosts: later
  tasks: [{ tdebug: { msg: a } }]
- hosts: web
  tasks:
    - group_by: { key: later }
- hosts: later:&db
  tasks: [{ tdebug: { msg: a } }]
`);
    expect(found).toEqual([
      "2: host pattern 'later' matches no host of the inventory | warning: the play will be skipped",
      "7: host pattern 'later:&db' matches no host of the inventory | warning: the play will be skipped",
    ]);
  });

  it('a templated key: "may be created at run time by group_by at FILE:LINE", by the task that names it', async () => {
    const found = await noHosts(`
- hosts: all
  tasks:
    - group_by:
        key: "role_{{ 'leader' if inventory_hostname == 'w1' else 'replica' }}"
    - group_by:
        key: "{{ item }}"
      loop: "{{ ['keep_web'] if inventory_hostname in groups['web'] else [] }}"
    - add_host:
        name: n1
        groups: "{{ new_groups }}"
- hosts: role_leader
  tasks: [{ tdebug: { msg: a } }]
- hosts: keep_web
  tasks: [{ tdebug: { msg: a } }]
- hosts: anything_else
  tasks: [{ tdebug: { msg: a } }]
- hosts: role_x
  tasks: [{ tdebug: { msg: a } }]
`);
    expect(found).toEqual([
      "12: host pattern 'role_leader' matches no host of the inventory yet: group 'role_leader' may be created at run time by group_by at site.yml:4:7 | warning: 'role_{{ 'leader' if inventory_hostname == 'w1' else 'replica' }}' is known only at run time; the play is skipped if no host gets into 'role_leader'",
      "14: host pattern 'keep_web' matches no host of the inventory yet: group 'keep_web' may be created at run time by group_by at site.yml:6:7 | warning: '{{ item }}' is known only at run time; the play is skipped if no host gets into 'keep_web'",
      "16: host pattern 'anything_else' matches no host of the inventory yet: group 'anything_else' may be created at run time by group_by at site.yml:6:7 | warning: '{{ item }}' is known only at run time; the play is skipped if no host gets into 'anything_else'",
      "18: host pattern 'role_x' matches no host of the inventory yet: group 'role_x' may be created at run time by group_by at site.yml:4:7 | warning: 'role_{{ 'leader' if inventory_hostname == 'w1' else 'replica' }}' is known only at run time; the play is skipped if no host gets into 'role_x'",
    ]);
  });

  it('a templated add_host group', async () => {
    const found = await noHosts(`
- hosts: db
  tasks:
    - add_host: { name: "{{ ip }}", groups: "new_{{ kind }}" }
- hosts: new_db
  tasks: [{ tdebug: { msg: a } }]
- hosts: old_db
  tasks: [{ tdebug: { msg: a } }]
`);
    expect(found.map((f) => f.split(' | ')[0])).toEqual([
      "5: host pattern 'new_db' matches no host of the inventory yet: group 'new_db' may be created at run time by add_host at site.yml:4:7",
      "7: host pattern 'old_db' matches no host of the inventory",
    ]);
  });

  it('the day-2 playbooks: no play of rolling-restart or remove-node is said to be skipped', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const inventory = await loadInventory([join(root, 'inventories/prod.ini')]);
    for (const pb of ['rolling-restart.yml', 'remove-node.yml']) {
      const found = (await checkPlaybook(join(root, 'playbooks', pb), { templar: new Templar(), inventory })).filter((e) => e.code === 'TSPLAY_NO_HOSTS');
      expect(found.length).toBeGreaterThan(0);
      for (const e of found) expect(e.message).toMatch(/may be created at run time by group_by at .*playbooks\/.*\.yml:\d+:\d+/);
    }
  });
});
