import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addGroup, addHost, clearPlaybookVarsCache, hostVarLayers, loadInventory, matchHosts } from '../../../engine/inventory/index.js';
import { own, tmpTree } from './helpers.js';

const PRECEDENCE = resolve(__dirname, '../../fixtures/inventory/precedence');

describe('hostVarLayers', () => {
  it('orders group vars as Ansible: all, then by depth, priority, name; group_vars/all above every inventory-file group var', async () => {
    const inv = await loadInventory([join(PRECEDENCE, 'hosts')]);
    const layers = await hostVarLayers(inv, 'h1');
    // all-file < b(1) < parent(1) < a(2) for file vars; then group_vars/all, then group_vars/b
    expect(layers.inventoryGroupVars).toEqual({ x: 'all-dir', order: 'a', pick: 'all-dir', bdir: 1 });
    expect(own(layers.inventoryHostVars)).toEqual({ hostv: 'host-file', hostdir: 1 });
    expect(layers.playbookGroupVars).toEqual({});
    expect(own(layers.merged)).toEqual({ x: 'all-dir', order: 'a', pick: 'all-dir', bdir: 1, hostv: 'host-file', hostdir: 1 });
  });

  it('adds playbook group_vars/host_vars, interleaved as Ansible in `merged`', async () => {
    const inv = await loadInventory([join(PRECEDENCE, 'hosts')]);
    const layers = await hostVarLayers(inv, 'h1', join(PRECEDENCE, 'playbook'));
    expect(layers.playbookGroupVars).toEqual({ x: 'playbook-all', pick: 'playbook-all', pb_all: 1, hostv: 'playbook-all', order: 'playbook-a', pb_a: 1, bdir: 'playbook-a' });
    expect(layers.playbookHostVars).toEqual({ pb_host: 1, hostdir: 'playbook-host' });
    // inventory host vars beat playbook group_vars (hostv), playbook group vars beat inventory group vars
    expect(own(layers.merged)).toMatchObject({ hostv: 'host-file', x: 'playbook-all', order: 'playbook-a', bdir: 'playbook-a', hostdir: 'playbook-host' });
  });

  it('a higher ansible_group_priority wins among groups of the same depth', async () => {
    const dir = tmpTree({ 'h.ini': '[a]\nh\n[b]\nh\n[a:vars]\nv=a\nansible_group_priority=5\n[b:vars]\nv=b\n' });
    const inv = await loadInventory([join(dir, 'h.ini')]);
    expect((await hostVarLayers(inv, 'h')).inventoryGroupVars).toEqual({ v: 'a' });
  });

  it('reads playbook vars dirs once per directory (cached)', async () => {
    clearPlaybookVarsCache();
    const dir = tmpTree({ 'pb/group_vars/all.yml': 'v: 1\n', 'h.ini': 'h\n' });
    const inv = await loadInventory([join(dir, 'h.ini')]);
    expect((await hostVarLayers(inv, 'h', join(dir, 'pb'))).playbookGroupVars).toEqual({ v: 1 });
    // changed on disk: the cached copy is still used until the cache is cleared
    writeFileSync(join(dir, 'pb/group_vars/all.yml'), 'v: 2\n');
    expect((await hostVarLayers(inv, 'h', join(dir, 'pb'))).playbookGroupVars).toEqual({ v: 1 });
    clearPlaybookVarsCache();
    expect((await hostVarLayers(inv, 'h', join(dir, 'pb'))).playbookGroupVars).toEqual({ v: 2 });
  });

  it('gives the implicit localhost the all-group vars and ansible_connection=local', async () => {
    const dir = tmpTree({ 'h.ini': 'h\n[all:vars]\nv=1\n' });
    const inv = await loadInventory([join(dir, 'h.ini')]);
    expect(matchHosts(inv, 'localhost')).toEqual(['localhost']);
    expect(own((await hostVarLayers(inv, 'localhost')).merged)).toEqual({ v: 1, ansible_connection: 'local' });
  });

  it('groups and hosts added at run time get their vars files beside the inventory', async () => {
    const dir = tmpTree({ 'h.ini': '[g]\nh\n', 'group_vars/dyn.yml': 'dyn: 1\n', 'host_vars/new.yml': 'newv: 1\n' });
    const inv = await loadInventory([join(dir, 'h.ini')]);
    addGroup(inv, 'dyn');
    addHost(inv, 'h', ['dyn'], {});
    addHost(inv, 'new', ['g'], { extra: true });
    expect(own((await hostVarLayers(inv, 'h')).merged)).toEqual({ dyn: 1 });
    expect(own((await hostVarLayers(inv, 'new')).merged)).toEqual({ newv: 1, extra: true });
  });
});
