/**
 * --list-tasks, --list-tags, --list-hosts and their combinations, compared
 * with ansible-playbook 2.14's text: the playbook path as given, tags sorted,
 * `never` tasks (and their tags) left out unless asked for, rescue/always
 * tasks not listed, unnamed tasks by their action.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPlaybook } from '../../../engine/executor/index.js';
import type { ListWhat } from '../../../engine/executor/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { ansibleAvailable, caseDir } from './parity-harness.js';

const PLAYBOOK = `
- name: web play
  hosts: web
  gather_facts: false
  tags: [play]
  roles:
    - role: r1
      tags: [roletag]
  tasks:
    - name: first
      debug: msg=first
      tags: [b, a]
    - name: second
      command: "true"
      tags: [never, c]
    - debug: msg=noname
    - block:
        - name: in block
          debug: msg=x
          tags: [inb]
      rescue:
        - name: in rescue
          debug: msg=y
          tags: [resc]
      always:
        - name: in always
          debug: msg=z
      tags: [blk]
    - include_tasks: inc.yml
      tags: [incl]
    - import_tasks: inc.yml
    - meta: flush_handlers
    - name: always task
      debug: msg=al
      tags: [always]
- hosts: h1
  gather_facts: false
  tasks:
    - name: p2
      debug: msg=p2
`;

const FILES = {
  'roles/r1/tasks/main.yml': '- name: role t\n  debug: msg=r\n  tags: [rt]\n- debug: msg=unnamed\n',
  'inc.yml': '- name: inc t\n  debug: msg=i\n  tags: [it]\n',
};

let dir: string;
beforeAll(() => {
  dir = caseDir({ playbook: PLAYBOOK, files: FILES });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ansible(args: string[]): string {
  const r = spawnSync('ansible-playbook', ['-i', 'hosts.ini', 'site.yml', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  expect(r.status).toBe(0);
  return r.stdout;
}

async function tsplay(what: ListWhat, tags?: string[], skipTags?: string[]): Promise<string> {
  const playbook = await loadPlaybook(join(dir, 'site.yml'));
  const inventory = await loadInventory([join(dir, 'hosts.ini')]);
  return listPlaybook({ playbook, inventory, shownPath: 'site.yml', tags, skipTags }, what);
}

/** ansible-playbook lists a play's hosts from a set: compare them sorted. */
function hostsSorted(text: string): string {
  return text.replace(/((?:\n {6}\S+)+)/g, (block) => block.split('\n').filter(Boolean).sort().map((l) => `\n${l}`).join(''));
}

describe.skipIf(!ansibleAvailable)('listings as ansible-playbook 2.14 prints them', () => {
  it('--list-tasks', async () => {
    const out = await tsplay({ tasks: true });
    expect(out).toContain('\nplaybook: site.yml\n');
    expect(out).toContain('      first\tTAGS: [a, b, play]\n');
    expect(out).not.toContain('in rescue');
    expect(out).toBe(ansible(['--list-tasks']));
  }, 60_000);

  it('--list-tags leaves out never tasks, --tags selects', async () => {
    const out = await tsplay({ tags: true });
    expect(out).not.toContain('never');
    expect(out).toBe(ansible(['--list-tags']));
    expect(await tsplay({ tags: true }, ['c', 'inb'])).toBe(ansible(['--list-tags', '--tags', 'c,inb']));
    expect(await tsplay({ tasks: true }, undefined, ['a', 'roletag'])).toBe(ansible(['--list-tasks', '--skip-tags', 'a,roletag']));
  }, 60_000);

  it('--list-hosts, and all three in one pass', async () => {
    expect(hostsSorted(await tsplay({ hosts: true }))).toBe(hostsSorted(ansible(['--list-hosts'])));
    const all = await tsplay({ hosts: true, tasks: true, tags: true }, ['a', 'c']);
    expect(hostsSorted(all)).toBe(hostsSorted(ansible(['--list-hosts', '--list-tasks', '--list-tags', '--tags', 'a,c'])));
  }, 60_000);
});
