import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addGroup, addHost, groupNamesOf, groupsMap, groupsOf, loadInventory, matchHosts } from '../../../engine/inventory/index.js';
import { TsplayError } from '../../../engine/errors.js';
import { own } from './helpers.js';

const FIXTURES = resolve(__dirname, '../../fixtures/inventory');
const load = (rel: string) => loadInventory([join(FIXTURES, rel)]);

describe('group queries', () => {
  it('groupsOf gives every group with ancestors and all, sorted by depth then name', async () => {
    const inv = await load('ini/children-forward.ini');
    expect(groupsOf(inv, 'e1')).toEqual(['all', 'everything', 'east', 'west', 'east_web']);
    expect(groupsOf(inv, 'nope')).toEqual([]);
  });

  it('groupNamesOf is sorted, without all, with ungrouped (as Ansible group_names)', async () => {
    const inv = await load('ini/basic.ini');
    expect(groupNamesOf(inv, 'web01')).toEqual(['prod', 'web']);
    expect(groupNamesOf(inv, 'top1')).toEqual(['ungrouped']);
  });

  it('groupsMap is the groups magic var: every group with its hosts, children included', async () => {
    const inv = await load('ini/children-forward.ini');
    expect(groupsMap(inv)).toEqual({
      all: ['w1', 'e1', 'e2'],
      ungrouped: [],
      everything: ['w1', 'e1', 'e2'],
      east: ['e1', 'e2'],
      east_web: ['e1', 'e2'],
      west: ['w1', 'e1'],
      empty: [],
      lonely: [],
    });
  });
});

describe('run-time changes (add_host, group_by)', () => {
  it('addHost creates the host, its groups, and keeps ungrouped right', async () => {
    const inv = await loadInventory(['a,']);
    addHost(inv, 'n1', [], { ansible_host: '10.0.0.9' });
    expect(groupNamesOf(inv, 'n1')).toEqual(['ungrouped']);
    addHost(inv, 'n1', ['new'], {});
    expect(groupNamesOf(inv, 'n1')).toEqual(['new']);
    expect(inv.groups.get('all')!.children).toContain('new');
    expect(own(inv.hosts.get('n1')!.vars)).toEqual({ ansible_host: '10.0.0.9' });
    // as Ansible, a host added at run time sits in `all` directly, so comes first in `all`
    expect(matchHosts(inv, 'all')).toEqual(['n1', 'a']);
  });

  it('addGroup links under a parent (created if needed) and refuses a cycle', async () => {
    const inv = await loadInventory(['a,']);
    addGroup(inv, 'child', 'parent');
    addHost(inv, 'a', ['child'], {});
    expect(groupsOf(inv, 'a')).toEqual(['all', 'parent', 'child']);
    expect(() => addGroup(inv, 'parent', 'child')).toThrow(TsplayError);
    expect(() => addGroup(inv, 'parent', 'child')).toThrow(/recursive dependency loop/);
  });

  it('adding the implicit localhost makes it a real host', async () => {
    const inv = await loadInventory(['a,']);
    expect(matchHosts(inv, 'localhost')).toEqual(['localhost']);
    expect(matchHosts(inv, 'all')).toEqual(['a']);
    addHost(inv, 'localhost', ['locals'], {});
    expect(inv.hosts.get('localhost')!.implicit).toBeUndefined();
    expect(matchHosts(inv, 'all')).toEqual(['localhost', 'a']);
  });
});

describe('cached group data follows changes', () => {
  it('groupsMap and groupNamesOf see hosts and groups added later, and callers cannot spoil the cache', async () => {
    const inv = await loadInventory(['a,b,']);
    const first = groupsMap(inv);
    expect(first['ungrouped']).toEqual(['a', 'b']);
    first['ungrouped']!.push('spoiled');
    expect(groupsMap(inv)['ungrouped']).toEqual(['a', 'b']);
    addGroup(inv, 'late');
    addHost(inv, 'b', ['late'], {});
    expect(groupsMap(inv)['late']).toEqual(['b']);
    expect(groupsMap(inv)['ungrouped']).toEqual(['a']);
    expect(groupNamesOf(inv, 'b')).toEqual(['late']);
    addGroup(inv, 'late', 'outer');
    expect(groupNamesOf(inv, 'b')).toEqual(['late', 'outer']);
  });
});
