/**
 * A UTF-8 byte order mark at the start of a file (Windows Notepad writes one)
 * is skipped, as PyYAML does for Ansible: playbooks, vars files, YAML and INI
 * inventories read as without it, and positions stay the same.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml, readVarsFile, readYamlFile, stripBom } from '../../../engine/yaml.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { TsplayError } from '../../../engine/errors.js';
import { own, tmpTree } from '../inventory/helpers.js';

const BOM = '\uFEFF';
const PLAY = '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n';

describe('a leading byte order mark', () => {
  it('is stripped once, and only at the start', () => {
    expect(stripBom(`${BOM}a`)).toBe('a');
    expect(stripBom(`${BOM}${BOM}a`)).toBe(`${BOM}a`);
    expect(stripBom(`a${BOM}`)).toBe(`a${BOM}`);
  });

  it('gives the same YAML value, and errors at the same line:col', () => {
    expect(parseYaml(`${BOM}${PLAY}`, 'p.yml').value).toEqual(parseYaml(PLAY, 'p.yml').value);
    let err: unknown;
    try {
      parseYaml(`${BOM}a: 1\nb: [1\n`, 'bad.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsplayError);
    const plain = (() => {
      try {
        parseYaml('a: 1\nb: [1\n', 'bad2.yml');
      } catch (e) {
        return e as TsplayError;
      }
      return undefined;
    })();
    expect((err as TsplayError).source).toMatchObject({ line: plain!.source!.line, col: plain!.source!.col });
  });

  it('loads a playbook, a vars file and a YAML inventory saved with a BOM', async () => {
    const dir = tmpTree({ 'p.yml': `${BOM}${PLAY}`, 'v.yml': `${BOM}x: 1\n`, 'inv.yml': `${BOM}all:\n  hosts:\n    h1:\n      a: 2\n` });
    const pb = await loadPlaybook(join(dir, 'p.yml'));
    expect(pb.plays).toHaveLength(1);
    expect(pb.plays[0]!.hosts).toBe('all');
    expect((await readYamlFile(join(dir, 'p.yml'))).value).toEqual(parseYaml(PLAY, 'x').value);
    expect(await readVarsFile(join(dir, 'v.yml'))).toEqual({ x: 1 });
    const inv = await loadInventory([join(dir, 'inv.yml')]);
    expect(own(inv.hosts.get('h1')!.vars)).toEqual({ a: 2 });
  });

  it('reads an INI inventory with a BOM before its first host or section', async () => {
    const dir = tmpTree({ 'a.ini': `${BOM}[web]\nh1 a=1\n`, 'b.ini': `${BOM}h0\n[web]\nh1\n`, 'c': `${BOM}[db]\nd1\n` });
    const a = await loadInventory([join(dir, 'a.ini')]);
    expect(a.groups.get('web')!.hosts).toEqual(['h1']);
    const b = await loadInventory([join(dir, 'b.ini')]);
    expect(b.hostOrder).toEqual(['h0', 'h1']);
    const c = await loadInventory([join(dir, 'c')]);
    expect(c.groups.get('db')!.hosts).toEqual(['d1']);
  });
});
