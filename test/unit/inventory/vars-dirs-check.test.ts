/**
 * The static check of group_vars/ and host_vars/ (beside a playbook or an
 * inventory): every YAML problem with file:line:col, and template syntax
 * errors in values, found before any host is touched.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkVarsDirs } from '../../../engine/inventory/vars-dirs.js';
import { Templar } from '../../../engine/vars/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-varsdirs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('checkVarsDirs', () => {
  it('reports a YAML error in every broken file, group_vars and host_vars, with file:line:col', async () => {
    const dir = tree({
      'group_vars/all.yml': 'a: 1\nx: [1\n',
      'group_vars/web/main.yml': 'ok: yes\n',
      'group_vars/web/bad.yml': 'k: v\n  bad: indent\n',
      'host_vars/h1.yml': '- a list\n',
    });
    const problems = await checkVarsDirs(dir);
    const where = problems.map((p) => `${p.source?.file.slice(dir.length + 1)}:${p.source?.line}`);
    expect(problems.every((p) => p.code === 'TSPLAY_INVENTORY')).toBe(true);
    expect(where).toContain('group_vars/all.yml:3');
    expect(where.some((w) => w.startsWith('group_vars/web/bad.yml:'))).toBe(true);
    expect(where).toContain('host_vars/h1.yml:1');
    expect(problems.find((p) => p.source?.file.endsWith('h1.yml'))!.message).toMatch(/must hold a mapping/);
  });

  it('reports template syntax errors in values at the value, nested ones too', async () => {
    const dir = tree({
      'group_vars/all.yml': "fine: \"{{ a | default('b') }}\"\ny: \"{{ a | default('b' }}\"\nnested:\n  list:\n    - \"{% if x %}no end\"\n",
      'host_vars/h1.yml': 'z: "{{ 1 + }}"\n',
    });
    const problems = await checkVarsDirs(dir, new Templar());
    const where = problems.map((p) => `${p.source?.file.slice(dir.length + 1)}:${p.source?.line}:${p.source?.col}`);
    expect(where).toEqual(expect.arrayContaining(['group_vars/all.yml:2:4', 'group_vars/all.yml:5:7', 'host_vars/h1.yml:1:4']));
    expect(where).toHaveLength(3);
  });

  it('finds nothing in good files, ignores hidden and backup files, and a missing dir is fine', async () => {
    const dir = tree({ 'group_vars/all.yml': 'a: "{{ b }}"\n', 'group_vars/.hidden.yml': 'x: [\n', 'group_vars/all.yml~': 'x: [\n' });
    expect(await checkVarsDirs(dir, new Templar())).toEqual([]);
    expect(await checkVarsDirs(join(dir, 'nowhere'), new Templar())).toEqual([]);
  });
});
