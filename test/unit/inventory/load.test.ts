import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../engine/inventory/index.js';
import { own, tmpTree } from './helpers.js';

const FIXTURES = resolve(__dirname, '../../fixtures/inventory');

describe('inventory sources', () => {
  it('reads a comma-separated host list into ungrouped', async () => {
    const inv = await loadInventory(['a, b:2022,c,']);
    expect(inv.hostOrder).toEqual(['a', 'b', 'c']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['a', 'b', 'c']);
    expect(own(inv.hosts.get('b')!.vars)).toEqual({ ansible_port: 2022 });
    expect((await loadInventory(['single,'])).hostOrder).toEqual(['single']);
  });

  it('reads a directory as Ansible: sorted, recursive, skipping .ini, .md, dotfiles and vars dirs', async () => {
    const inv = await loadInventory([join(FIXTURES, 'dir-source')]);
    expect(inv.hostOrder).toEqual(['app1', 'app2', 'app3', 'c1', 'n1']);
    expect(inv.groups.has('ignored_because_ini')).toBe(false);
    expect(inv.groups.get('app')!.vars).toEqual({ from_yaml: 1, app_port: 3000 });
  });

  it('merges several sources, later ones adding to earlier groups', async () => {
    const dir = tmpTree({ 'one.ini': '[g]\na x=1\n', 'two.yml': 'g:\n  hosts:\n    b:\n    a: {x: 2}\n' });
    const inv = await loadInventory([join(dir, 'one.ini'), join(dir, 'two.yml')]);
    expect(inv.groups.get('g')!.hosts).toEqual(['a', 'b']);
    expect(own(inv.hosts.get('a')!.vars)).toEqual({ x: 2 });
    expect(inv.sources).toEqual([join(dir, 'one.ini'), join(dir, 'two.yml')]);
  });

  it('a localhost named in the inventory is a normal host', async () => {
    const inv = await loadInventory(['localhost,']);
    expect(inv.hosts.get('localhost')!.implicit).toBeUndefined();
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['localhost']);
  });
});

describe('group_vars/ and host_vars/ beside the inventory', () => {
  it('loads NAME, NAME.yml|.yaml|.json and folders of files, in sorted order, skipping hidden and ~ files', async () => {
    const inv = await loadInventory([join(FIXTURES, 'ini-dirs/hosts')]);
    expect(inv.groups.get('db')!.vars).toEqual({ db_engine: 'postgres', db_port: 5433 });
    expect(inv.groups.get('cluster')!.vars).toEqual({ cluster_name: 'main' });
    expect(inv.groups.get('web')!.vars).toEqual({ from_inventory_file: 'web', shared: 'ini-web', web_port: 80 });
    expect(inv.groups.get('all')!.vars).toEqual({ shared: 'group_vars-all', only_all: true, ntp_servers: ['a', 'b'] });
    expect(own(inv.hosts.get('web01')!.vars)).toEqual({ ansible_host: '10.0.0.11', web_port: 8080, host_specific: true });
    expect(own(inv.hosts.get('db1')!.vars)).toEqual({ db_role: 'primary' });
  });

  it('takes the first of NAME, NAME.yml, NAME.yaml, NAME.json only', async () => {
    const dir = tmpTree({
      hosts: '[g]\nh\n',
      'group_vars/g.yml': 'from: yml\n',
      'group_vars/g.json': '{"from": "json", "json_only": 1}\n',
      'group_vars/all.yaml': 'from: yaml\n',
      'group_vars/all.json': '{"json_only": 1}\n',
    });
    const inv = await loadInventory([join(dir, 'hosts')]);
    expect(inv.groups.get('g')!.vars).toEqual({ from: 'yml' });
    expect(inv.groups.get('all')!.vars).toEqual({ from: 'yaml' });
  });

  it('for a directory source, reads the vars dirs inside it', async () => {
    const dir = tmpTree({ 'inv/hosts': '[g]\nh\n', 'inv/group_vars/g.yml': 'v: 1\n' });
    expect((await loadInventory([join(dir, 'inv')])).groups.get('g')!.vars).toEqual({ v: 1 });
  });
});

describe('relative sources', () => {
  it('resolves a relative path against the working directory', async () => {
    const dir = tmpTree({ 'rel.ini': '[g]\nh\n' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await loadInventory(['rel.ini'])).groups.get('g')!.hosts).toEqual(['h']);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('inventory_file and inventory_dir host vars (as Ansible sets them)', () => {
  it('name the first file that defines the host; null for host lists and run-time hosts', async () => {
    const dir = tmpTree({ 'inv/a.yml': 'g:\n  hosts:\n    h1:\n', 'inv/b': '[g]\nh1\nh2\n', 'other.ini': 'h3\n' });
    const inv = await loadInventory([join(dir, 'inv'), join(dir, 'other.ini'), 'h4,']);
    const vars = (h: string) => inv.hosts.get(h)!.vars;
    expect(vars('h1')).toMatchObject({ inventory_file: join(dir, 'inv/a.yml'), inventory_dir: join(dir, 'inv') });
    expect(vars('h2')).toMatchObject({ inventory_file: join(dir, 'inv/b'), inventory_dir: join(dir, 'inv') });
    expect(vars('h3')).toMatchObject({ inventory_file: join(dir, 'other.ini'), inventory_dir: dir });
    expect(vars('h4')).toMatchObject({ inventory_file: null, inventory_dir: null });
  });
});
