import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryCommand, inventoryGraph, inventoryList, loadInventory } from '../../../engine/inventory/index.js';
import { pyRepr, pyStr } from '../../../engine/inventory/listing.js';

const FIXTURES = resolve(__dirname, '../../fixtures/inventory');

/** Recorded: `ansible-inventory -i 'a,b:22,' --list` (ansible-core 2.14). */
const HOST_LIST_JSON = `{
    "_meta": {
        "hostvars": {
            "b": {
                "ansible_port": 22
            }
        }
    },
    "all": {
        "children": [
            "ungrouped"
        ]
    },
    "ungrouped": {
        "hosts": [
            "a",
            "b"
        ]
    }
}`;

/** Recorded: `ansible-inventory -i children-forward.ini --graph west --vars`. */
const WEST_GRAPH = `@west:
  |--w1
  |  |--{region = west}
  |--e1
  |  |--{region = west}
  |  |--{tier = web}
  |--{region = west}`;

describe('inventoryCommand', () => {
  it('--list prints what ansible-inventory prints, byte for byte', async () => {
    expect(await inventoryCommand({ sources: ['a,b:22,'], list: true })).toBe(HOST_LIST_JSON);
  });

  it('--graph from a group, with vars', async () => {
    const src = join(FIXTURES, 'ini/children-forward.ini');
    expect(await inventoryCommand({ sources: [src], graph: true, vars: true, group: 'west' })).toBe(WEST_GRAPH);
  });

  it('--host prints the merged vars of one host', async () => {
    const out = await inventoryCommand({ sources: [join(FIXTURES, 'precedence/hosts')], host: 'h1' });
    expect(JSON.parse(out)).toEqual({ bdir: 1, hostdir: 1, hostv: 'host-file', order: 'a', pick: 'all-dir', x: 'all-dir' });
  });

  it('refuses no action, two actions, a --host matching several hosts, a graph of an unknown group', async () => {
    await expect(inventoryCommand({ sources: ['a,'] })).rejects.toMatchObject({ code: 'TSPLAY_OPTIONS' });
    await expect(inventoryCommand({ sources: ['a,'], list: true, graph: true })).rejects.toMatchObject({ code: 'TSPLAY_OPTIONS' });
    await expect(inventoryCommand({ sources: ['a,b,'], host: 'all' })).rejects.toThrow(/exactly one host/);
    await expect(inventoryCommand({ sources: ['a,'], graph: true, group: 'nope' })).rejects.toMatchObject({ code: 'TSPLAY_OPTIONS' });
  });
});

describe('inventoryList / inventoryGraph', () => {
  it('omits empty groups and all.hosts, and hosts without vars from _meta', async () => {
    const inv = await loadInventory([join(FIXTURES, 'yaml/basic.yml')]);
    const list = inventoryList(inv) as Record<string, Record<string, unknown>>;
    expect(list['empty_group']).toBeUndefined();
    expect(list['all']).toEqual({ children: ['ungrouped', 'web', 'db', 'empty_group', 'onehost'] });
    // stray is put in ungrouped while parsing, direct1 only at reconciliation (Ansible's order too)
    expect(list['ungrouped']).toEqual({ hosts: ['stray', 'direct1'] });
    expect(Object.keys((list['_meta'] as { hostvars: object }).hostvars)).toContain('stray');
  });

  it('graphs a group under each of its parents', async () => {
    const inv = await loadInventory([join(FIXTURES, 'ini/children-forward.ini')]);
    const graph = inventoryGraph(inv);
    expect(graph.split('\n').filter((l) => l.endsWith('--e1'))).toHaveLength(2);
  });
});

describe('Python str() of values', () => {
  it('prints as Python does', () => {
    expect(pyStr({ a: [1, 'x', null, true], q: "it's", n: 'l\nb' })).toBe(`{'a': [1, 'x', None, True], 'q': "it's", 'n': 'l\\nb'}`);
    expect(pyStr('plain')).toBe('plain');
    expect(pyRepr('plain')).toBe(`'plain'`);
    expect(pyRepr(false)).toBe('False');
  });
});
