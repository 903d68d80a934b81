/**
 * The key=value short form with regex backrefs (`\1`), by ansible-playbook and
 * by tsplay: the same file content and the same messages. tsplay once read
 * `\1` as an octal escape and wrote U+0001 into the file.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const c: ParityCase = {
  inventory: '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
  files: { 'b.conf': 'port=1\nkeep\n', 'r.conf': 'name=a1\n' },
  playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - lineinfile: path={{ playbook_dir }}/b.conf regexp='^port=(\\d+)$' line='port=\\1\\1' backrefs=yes
    - replace: path={{ playbook_dir }}/r.conf regexp='^name=(\\w)(\\d)$' replace='name=\\2\\1\\t'
    - name: backrefs in a filter
      debug: msg="{{ 'host-01' | regex_replace('^(\\w+)-(\\d+)$', '\\1_\\2') }}"
    - name: escapes
      debug: msg="a\\x41\\u00e9\\N{BULLET}\\101"
`,
};

describe.skipIf(!ansibleAvailable)('key=value escapes: parity with ansible-playbook', () => {
  it('lineinfile/replace backrefs write port=11 and name=1a, regex_replace gives host_01', async () => {
    const a = caseDir(c);
    const t = caseDir(c);
    dirs.push(a, t);
    const ansible = runAnsible(a, c);
    const tsplay = await runTsplay(t, c);
    expect(readFileSync(join(a, 'b.conf'), 'utf8')).toBe('port=11\nkeep\n');
    expect(readFileSync(join(t, 'b.conf'), 'utf8')).toBe('port=11\nkeep\n');
    expect(readFileSync(join(t, 'r.conf'), 'utf8')).toBe(readFileSync(join(a, 'r.conf'), 'utf8'));
    expect(readFileSync(join(t, 'r.conf'), 'utf8')).toBe('name=1a\t\n');
    expect(tsplay.debug).toEqual(ansible.debug);
    expect(tsplay.debug).toContain('backrefs in a filter|h1|host_01');
    expect(tsplay.stats).toEqual(ansible.stats);
  }, 60_000);
});
