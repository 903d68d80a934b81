/**
 * Recap counts as ansible-playbook 2.14 counts them (checked against it, see
 * test/integration/executor/parity-recap.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from './harness.js';
import { countInclude } from '../../../engine/executor/stats.js';
import type { HostStats } from '../../../engine/output/events.js';

describe('recap counts', () => {
  it('ignore_unreachable: ok and ignored, not skipped; the host goes on', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - fake: { name: a }
      ignore_unreachable: true
    - fake_local: {}
`, { inventory: '[web]\nh1\n', unreachable: ['h1'] });
    expect(h.summary.stats.h1).toMatchObject({ ok: 2, ignored: 1, skipped: 0, unreachable: 0 });
  });

  it('add_host and group_by say changed when the inventory changed, ok when it did not', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - add_host: { name: extra1, groups: added, v: 1 }
      run_once: true
    - add_host: { name: extra1, groups: added, v: 1 }
      run_once: true
    - add_host: { name: extra1, groups: added, v: 2 }
      run_once: true
    - group_by: { key: "grp_{{ inventory_hostname }}" }
    - group_by: { key: "grp_{{ inventory_hostname }}" }
    - group_by: { key: "grp_{{ inventory_hostname }}", parents: [top] }
    - group_by: { key: "grp_{{ inventory_hostname }}", parents: [top] }
`, { inventory: '[web]\nh1\n' });
    expect(h.results).toEqual([
      'add_host|h1|changed', 'add_host|h1|ok', 'add_host|h1|changed',
      'group_by|h1|changed', 'group_by|h1|ok', 'group_by|h1|changed', 'group_by|h1|ok',
    ]);
    expect(h.summary.stats.h1).toMatchObject({ ok: 7, changed: 4 });
  });

  it('a looped add_host is changed if one item changed the inventory', async () => {
    const h = await runYaml(`
- hosts: web
  gather_facts: false
  tasks:
    - add_host: { name: "{{ item }}", groups: added }
      loop: [n1, n2]
    - add_host: { name: "{{ item }}", groups: added }
      loop: [n1, n2]
    - debug: { msg: "{{ groups.added }}" }
`, { inventory: '[web]\nh1\n' });
    expect(h.results).toEqual(['add_host|h1|changed', 'add_host|h1|ok', 'debug|h1|ok']);
  });
});

describe('countInclude', () => {
  const empty = (): Record<string, HostStats> => ({});
  const how = { rescued: false, ignoreErrors: false, ignoreUnreachable: false };
  it('include_role is not counted, include_tasks once per included file', () => {
    const s = empty();
    countInclude(s, 'h', { status: 'ok', data: {} }, { ...how, kind: 'include_role', files: 1 });
    expect(s.h).toMatchObject({ ok: 0, changed: 0, skipped: 0 });
    countInclude(s, 'h', { status: 'ok', data: {} }, { ...how, kind: 'include_tasks', files: 2 });
    expect(s.h!.ok).toBe(2);
  });
  it('skipped and failed includes count as tasks do', () => {
    const s = empty();
    countInclude(s, 'h', { status: 'skipped', reason: 'when', data: {} }, { ...how, kind: 'include_role', files: 0 });
    countInclude(s, 'h', { status: 'failed', msg: 'no file', data: {} }, { ...how, kind: 'include_tasks', files: 0 });
    expect(s.h).toMatchObject({ ok: 0, skipped: 1, failed: 1 });
  });
});
