import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../engine/inventory/index.js';
import { own, tmpTree } from './helpers.js';

async function yml(text: string, name = 'inv.yml') {
  const dir = tmpTree({ [name]: text });
  return loadInventory([join(dir, name)]);
}

describe('YAML inventory', () => {
  it('reads all/children/hosts/vars with YAML 1.1 values', async () => {
    const inv = await yml(`all:
  vars: {flag: yes, mode: 0644}
  children:
    web:
      hosts:
        w[1:2]:
          port: 80
      vars:
        tier: web
    db:
      children:
        primary:
          hosts: {d1: null}
`);
    expect(inv.groups.get('all')!.vars).toEqual({ flag: true, mode: 0o644 });
    expect(inv.groups.get('web')!.hosts).toEqual(['w1', 'w2']);
    expect(own(inv.hosts.get('w2')!.vars)).toEqual({ port: 80 });
    expect(inv.groups.get('db')!.children).toEqual(['primary']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'db']);
  });

  it('accepts a bare string for hosts and children, and empty groups', async () => {
    const inv = await yml('all:\n  children:\n    g:\n      hosts: one\n    parent:\n      children: g\n    empty:\n');
    expect(inv.groups.get('g')!.hosts).toEqual(['one']);
    expect(inv.groups.get('parent')!.children).toEqual(['g']);
    expect(inv.groups.has('empty')).toBe(true);
  });

  it('hosts directly under all are also ungrouped; host:port sets ansible_port', async () => {
    const inv = await yml('all:\n  hosts:\n    h1:2222:\n    h2: {ansible_host: 10.0.0.2}\n');
    expect(inv.groups.get('all')!.hosts).toEqual(['h1', 'h2']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['h1', 'h2']);
    expect(own(inv.hosts.get('h1')!.vars)).toEqual({ ansible_port: 2222 });
  });

  it('reads .json inventories and sniffs extension-less YAML', async () => {
    expect((await yml('{"g": {"hosts": {"a": null}}}', 'inv.json')).groups.get('g')!.hosts).toEqual(['a']);
    expect((await yml('g:\n  hosts:\n    b:\n', 'hosts')).groups.get('g')!.hosts).toEqual(['b']);
    // without an extension, a file that is not a YAML mapping is INI
    expect((await yml('[g]\nc\n', 'hosts')).groups.get('g')!.hosts).toEqual(['c']);
    expect((await yml('solo\n', 'hosts')).groups.get('ungrouped')!.hosts).toEqual(['solo']);
  });
});

describe('empty YAML inventories', () => {
  it('an empty or comment-only YAML file is an empty inventory, as in Ansible', async () => {
    expect((await yml('')).hostOrder).toEqual([]);
    expect((await yml('# nothing yet\n')).hostOrder).toEqual([]);
  });
});
