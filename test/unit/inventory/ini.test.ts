import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../engine/inventory/index.js';
import { own, tmpTree } from './helpers.js';

async function ini(text: string) {
  const dir = tmpTree({ 'hosts.ini': text });
  return { inv: await loadInventory([join(dir, 'hosts.ini')]), file: join(dir, 'hosts.ini') };
}

describe('INI inventory', () => {
  it('reads groups, hosts in order, and implicit all/ungrouped', async () => {
    const { inv } = await ini('top\n[web]\nw1\nw2\n[db]\nd1\nw1\n');
    expect(inv.hostOrder).toEqual(['top', 'w1', 'w2', 'd1']);
    expect(inv.groups.get('web')!.hosts).toEqual(['w1', 'w2']);
    expect(inv.groups.get('db')!.hosts).toEqual(['d1', 'w1']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['top']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'db']);
    expect(inv.hosts.get('w1')!.groups).toEqual(['web', 'db']);
  });

  it('types host-line values with literal_eval after shlex, :vars values after trimming', async () => {
    const { inv } = await ini(
      `h a=1 b="x y" c='[1, 2]' d=True e=yes f=0644 g="'5'" n=None\n[all:vars]\nq="quoted"\nnum=42\nlist=[1, 'a']\ns=foo # bar\nt=7 # seven\n`,
    );
    expect(own(inv.hosts.get('h')!.vars)).toEqual({ a: 1, b: 'x y', c: [1, 2], d: true, e: 'yes', f: '0644', g: '5', n: null });
    expect(inv.groups.get('all')!.vars).toEqual({ q: 'quoted', num: 42, list: [1, 'a'], s: 'foo # bar', t: 7 });
  });

  it('ports: host:port sets ansible_port, from the first definition only (as Ansible)', async () => {
    const { inv } = await ini('[a]\nh1:2201\nh2\n[b]\nh1:9999\nh2:2202\n[c]\n[fe80::1]:22\n10.0.0.1:23\n');
    expect(own(inv.hosts.get('h1')!.vars)).toEqual({ ansible_port: 2201 });
    expect(own(inv.hosts.get('h2')!.vars)).toEqual({});
    expect(own(inv.hosts.get('fe80::1')!.vars)).toEqual({ ansible_port: 22 });
    expect(own(inv.hosts.get('10.0.0.1')!.vars)).toEqual({ ansible_port: 23 });
  });

  it('expands ranges on host lines, with vars on each host', async () => {
    const { inv } = await ini('[db]\ndb[01:03] role=x\nn[a:b]-[1:2]\n');
    expect(inv.groups.get('db')!.hosts).toEqual(['db01', 'db02', 'db03', 'na-1', 'na-2', 'nb-1', 'nb-2']);
    expect(own(inv.hosts.get('db02')!.vars)).toEqual({ role: 'x' });
  });

  it('children may come before the group they name', async () => {
    const { inv } = await ini('[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh\n[mid:vars]\nv=1\n');
    expect(inv.groups.get('top')!.children).toEqual(['mid']);
    expect(inv.groups.get('mid')!.children).toEqual(['leaf']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'top']);
    expect(inv.groups.get('mid')!.vars).toEqual({ v: 1 });
  });

  it('skips comments (# and ;), blank lines and trailing comments on headers', async () => {
    const { inv } = await ini('# c\n; c\n\n[web] # the web tier\n  w1   # spaced\n');
    expect(inv.groups.get('web')!.hosts).toEqual(['w1']);
  });

  it('[all] hosts are in all and ungrouped; later vars override earlier ones', async () => {
    const { inv } = await ini('[all]\nh x=1\n[all]\nh x=2 y=3\n');
    expect(inv.groups.get('all')!.hosts).toEqual(['h']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['h']);
    expect(own(inv.hosts.get('h')!.vars)).toEqual({ x: 2, y: 3 });
  });

  it('ansible_group_priority sets the priority, not a var', async () => {
    const { inv } = await ini('[g]\nh\n[g:vars]\nansible_group_priority=10\n');
    expect(inv.groups.get('g')!.priority).toBe(10);
    expect(inv.groups.get('g')!.vars).toEqual({});
  });

  it('records where hosts and groups are defined', async () => {
    const { inv, file } = await ini('[web]\n  w1\n');
    expect(inv.groups.get('web')!.source).toEqual({ file, line: 1, col: 1 });
    expect(inv.hosts.get('w1')!.source).toEqual({ file, line: 2, col: 3 });
  });

  it('a host line may start with [ when it is an address', async () => {
    const { inv } = await ini('[v6]\n[2001:db8::1]:2222\n');
    expect(inv.groups.get('v6')!.hosts).toEqual(['2001:db8::1']);
  });
});
