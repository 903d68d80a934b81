/**
 * Differential test: our inventory against ansible-core's own
 * `ansible-inventory --list` / `--graph` / `--host` and its InventoryManager's
 * host pattern matching (what `ansible PATTERN --list-hosts` lists),
 * on the same fixture files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupNamesOf, groupsMap, hostVarLayers, inventoryCommand, inventoryGraph, inventoryList, limitHosts, loadInventory, matchHosts } from '../../engine/inventory/index.js';

const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';
// where Debian's ansible-core keeps its Python package (the pattern test imports it)
const ANSIBLE_PYTHONPATH = '/usr/lib/python3/dist-packages';
const haveAnsible = existsSync(ANSIBLE_INVENTORY) && existsSync(join(ANSIBLE_PYTHONPATH, 'ansible/inventory/manager.py'));
if (!haveAnsible) {
  console.warn('\n!!!!!!!!\n!!! ansible-inventory not found: the inventory differential tests are SKIPPED\n!!!!!!!!\n');
}

const FIXTURES = resolve(__dirname, '../fixtures/inventory');
// Run Ansible from an empty directory, so no ansible.cfg, group_vars/ or
// host_vars/ of the working directory leak into its answer.
const CWD = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
writeFileSync(join(CWD, 'ansible.cfg'), '[defaults]\n');
const ENV = {
  ...process.env,
  ANSIBLE_CONFIG: join(CWD, 'ansible.cfg'),
  ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_LOCALHOST_WARNING: 'false',
  ANSIBLE_HOME: CWD,
};

function ansibleInventory(args: string[]): string {
  return execFileSync(ANSIBLE_INVENTORY, args, { cwd: CWD, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * What `ansible -i SRC PATTERN --list-hosts` lists, for many patterns in one
 * Python process (one ansible run per pattern costs a second each here):
 * ansible-core's own InventoryManager, a fresh one per pattern as each
 * ansible run would have.
 */
const LIST_HOSTS_PY = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
src, patterns = sys.argv[1], json.loads(sys.argv[2])
out = {}
for p in patterns:
    inv = InventoryManager(loader=DataLoader(), sources=[src])
    out[p] = [getattr(h, 'name', h) for h in inv.list_hosts(p)]
print(json.dumps(out))
`;
function ansibleListHosts(source: string, patterns: string[]): Record<string, string[]> {
  const out = execFileSync('/usr/bin/python3', ['-c', LIST_HOSTS_PY, source, JSON.stringify(patterns)], {
    cwd: CWD,
    env: { ...ENV, PYTHONPATH: ANSIBLE_PYTHONPATH },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as Record<string, string[]>;
}

/** Hosts of PATTERN under --limit LIMIT, by ansible-core's InventoryManager.subset (what --limit does). */
const LIMIT_PY = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
src, cases = sys.argv[1], json.loads(sys.argv[2])
out = []
for pattern, limit in cases:
    inv = InventoryManager(loader=DataLoader(), sources=[src])
    inv.subset(limit)
    out.append([h.name for h in inv.get_hosts(pattern)])
print(json.dumps(out))
`;
function ansibleLimit(source: string, cases: [string, string][]): string[][] {
  const out = execFileSync('/usr/bin/python3', ['-c', LIMIT_PY, source, JSON.stringify(cases)], {
    cwd: CWD,
    env: { ...ENV, PYTHONPATH: ANSIBLE_PYTHONPATH },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as string[][];
}

/** The `groups` and per-host `group_names` magic variables, as ansible-core computes them. */
const MAGIC_PY = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
inv = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
names = {h.name: h.get_magic_vars()['group_names'] for h in inv.get_hosts('all')}
print(json.dumps({'groups': inv.get_groups_dict(), 'group_names': names}))
`;
function ansibleMagic(source: string): { groups: Record<string, string[]>; group_names: Record<string, string[]> } {
  const out = execFileSync('/usr/bin/python3', ['-c', MAGIC_PY, source], {
    cwd: CWD,
    env: { ...ENV, PYTHONPATH: ANSIBLE_PYTHONPATH },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as { groups: Record<string, string[]>; group_names: Record<string, string[]> };
}

const LIST_CASES = [
  'ini/basic.ini',
  'ini/children-forward.ini',
  'ini/edge.ini',
  'yaml/basic.yml',
  'yaml/edge.yml',
  'yaml/inventory.json',
  'ini-dirs/hosts',
  'yaml-dirs/inventory.yml',
  'dir-source',
  'precedence/hosts',
];

describe.skipIf(!haveAnsible)('inventory against ansible-inventory', () => {
  for (const rel of LIST_CASES) {
    it(`--list matches for ${rel}`, async () => {
      const src = join(FIXTURES, rel);
      const expected: unknown = JSON.parse(ansibleInventory(['-i', src, '--list']));
      const ours = inventoryList(await loadInventory([src]));
      // No normalisation: both sides are parsed JSON, so key order does not
      // matter, and Python's 1000.0 parses to the same JS number as ours.
      expect(ours).toEqual(expected);
    });

    it(`--graph matches for ${rel}`, async () => {
      const src = join(FIXTURES, rel);
      const expected = ansibleInventory(['-i', src, '--graph']).trimEnd();
      expect(inventoryGraph(await loadInventory([src]))).toBe(expected);
    });
  }

  it('--graph --vars matches where values print the same in Python and JS', async () => {
    // basic.ini holds a float (1e3): Python prints 1000.0, a JS number cannot tell; the other fixtures print alike
    for (const rel of ['ini/children-forward.ini', 'ini-dirs/hosts', 'yaml/basic.yml', 'precedence/hosts']) {
      const src = join(FIXTURES, rel);
      const expected = ansibleInventory(['-i', src, '--graph', '--vars']).trimEnd();
      expect(inventoryGraph(await loadInventory([src]), true), rel).toBe(expected);
    }
  });

  it('--host output matches, implicit localhost included', async () => {
    const src = join(FIXTURES, 'precedence/hosts');
    expect(await inventoryCommand({ sources: [src], host: 'h1' })).toBe(ansibleInventory(['-i', src, '--host', 'h1']).trimEnd());
    // Ansible adds ansible_python_interpreter (its own python) to the implicit localhost; we have no interpreter to name
    const theirs = JSON.parse(ansibleInventory(['-i', src, '--host', 'localhost'])) as Record<string, unknown>;
    delete theirs['ansible_python_interpreter'];
    expect(JSON.parse(await inventoryCommand({ sources: [src], host: 'localhost' }))).toEqual(theirs);
  });

  it('merged host vars with a playbook dir match ansible-inventory --playbook-dir --host', async () => {
    const src = join(FIXTURES, 'precedence/hosts');
    const pbDir = join(FIXTURES, 'precedence/playbook');
    const expected: unknown = JSON.parse(ansibleInventory(['-i', src, '--playbook-dir', pbDir, '--host', 'h1']));
    const layers = await hostVarLayers(await loadInventory([src]), 'h1', pbDir);
    // ansible-inventory hides inventory_file/inventory_dir (its INTERNAL_VARS); they are host vars in both
    const { inventory_file: file, inventory_dir: dir, ...rest } = layers.merged ?? {};
    expect(rest).toEqual(expected);
    expect([file, dir]).toEqual([src, join(FIXTURES, 'precedence')]);
  });

  // The `yaml` library's 1.1 schema makes y/n/Y/N booleans; PyYAML (Ansible)
  // keeps them strings. engine/yaml.ts overrides the bool tag to match.
  it('y/n scalars stay strings as in PyYAML', async () => {
    const src = join(FIXTURES, 'yaml/y-n-scalars.yml');
    const expected: unknown = JSON.parse(ansibleInventory(['-i', src, '--list']));
    expect(inventoryList(await loadInventory([src]))).toEqual(expected);
  });

  it('several sources at once, host list included', async () => {
    const sources = [join(FIXTURES, 'ini/basic.ini'), join(FIXTURES, 'yaml/basic.yml'), 'extra1,extra2:2022,'];
    const expected: unknown = JSON.parse(ansibleInventory([...sources.flatMap((s) => ['-i', s]), '--list']));
    expect(inventoryList(await loadInventory(sources))).toEqual(expected);
  });

  it('--limit matches ansible-core (InventoryManager.subset)', async () => {
    const src = join(FIXTURES, 'ini/basic.ini');
    const retry = join(CWD, 'retry.txt');
    writeFileSync(retry, 'web02\ndb-y\n\nnot-there\n');
    const cases: [string, string][] = [
      ['all', 'web'],
      ['prod', '!web'],
      ['all', 'db*:&prod'],
      ['web', 'web[0]:www.example.com'],
      ['all', `@${retry}`],
      ['all', `@${retry},top1`],
      ['staging', 'prod'],
    ];
    const theirs = ansibleLimit(src, cases);
    for (const [i, [pattern, limit]] of cases.entries()) {
      const inv = await loadInventory([src]);
      expect(limitHosts(inv, matchHosts(inv, pattern), limit), `${pattern} --limit ${limit}`).toEqual(theirs[i]);
    }
  });

  for (const rel of ['ini/children-forward.ini', 'yaml/edge.yml', 'ini/edge.ini']) {
    it(`groups and group_names match ansible-core on ${rel}`, async () => {
      const src = join(FIXTURES, rel);
      const theirs = ansibleMagic(src);
      const inv = await loadInventory([src]);
      expect(groupsMap(inv)).toEqual(theirs.groups);
      for (const [host, names] of Object.entries(theirs.group_names)) expect(groupNamesOf(inv, host), host).toEqual(names);
    });
  }

  const PATTERN_CASES: [string, string[]][] = [
    ['ini/basic.ini', ['all', '*', 'web', 'prod', 'web:db', 'web,db', 'prod:&web', 'prod:!db', 'prod:!web[0]', 'web[0]', 'web[1:2]', 'web[-1]', 'web[2:]',
      'db*', '*.example.com', '~db[0-9]+', '~web-[ab]', 'top?', 'ungrouped', 'staging:prod', '!web', 'db-x:web01:stage1', 'www.example.com', '&web', 'web01,nonexistent']],
    ['ini/children-forward.ini', ['all', 'everything', 'everything:!west', 'east:&west', 'e*', 'everything[1:]', 'west[0]']],
    ['ini/edge.ini', ['all', 'localhost', '127.0.0.1', 'alpha:&beta', 'shared', 'beta', '*a*', 'db[1:]', '~.*-2$', 'zeta:alpha']],
    ['yaml/basic.yml', ['all', 'db', 'db_primary', 'db:!db_primary', 'ungrouped', 'web[0:1]', 'web-lb', 'onehost']],
  ];
  for (const [rel, patterns] of PATTERN_CASES) {
    it(`host patterns match ansible --list-hosts on ${rel}`, async () => {
      const src = join(FIXTURES, rel);
      const theirs = ansibleListHosts(src, patterns);
      for (const p of patterns) {
        // a fresh inventory each time, as each ansible run is: the implicit localhost takes the name it is first asked by
        const inv = await loadInventory([src]);
        expect(matchHosts(inv, p), `pattern ${p}`).toEqual(theirs[p]);
      }
    });
  }
});
