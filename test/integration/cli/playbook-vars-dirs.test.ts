/**
 * A broken group_vars/ or host_vars/ file beside the PLAYBOOK is found by
 * `tsplay check` and by `tsplay run` before any host is touched, as one beside
 * the inventory: file:line:col, exit 4, no stack trace. So is a template
 * syntax error in a group_vars value (either place). Built CLI (npm run build).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBuilt, tsplay } from '../security/cli-helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A playbook whose first task leaves a marker: the marker proves a host was touched. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pbvars-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'inv/hosts.ini': '[web]\nh1 ansible_connection=local\n',
    'site.yml': `- hosts: web\n  gather_facts: false\n  tasks:\n    - file: path=${dir}/marker state=touch\n    - debug: msg="{{ y | default('') }}"\n`,
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function expectRejected(dir: string, where: RegExp): void {
  for (const cmd of ['check', 'run']) {
    const r = tsplay([cmd, 'site.yml', '-i', 'inv/hosts.ini'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.stderr, `${cmd}: ${r.stderr}`).toMatch(where);
    expect(r.stderr).toMatch(/no host was contacted/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code, cmd).toBe(4);
    expect(existsSync(join(dir, 'marker')), `${cmd} touched the host`).toBe(false);
  }
}

describe.skipIf(!cliBuilt())('group_vars/ and host_vars/ beside the playbook are checked before the run', () => {
  it('a YAML error in group_vars/all.yml beside the playbook', () => {
    const dir = project({ 'group_vars/all.yml': 'a: 1\nx: [1\n' });
    expectRejected(dir, /group_vars\/all\.yml:\d+:\d+: .*YAML syntax error.*\(TSPLAY_INVENTORY\)/);
  });

  it('a YAML error in host_vars/h1.yml beside the playbook', () => {
    const dir = project({ 'host_vars/h1.yml': 'a: 1\n b: 2\n' });
    expectRejected(dir, /host_vars\/h1\.yml:\d+:\d+: .*YAML syntax error/);
  });

  it('a template syntax error in a group_vars value, beside the playbook or the inventory', () => {
    const dir = project({ 'group_vars/web.yml': "ok: 1\ny: \"{{ a | default('b' }}\"\n", 'inv/group_vars/all.yml': 'z: "{{ 1 + }}"\n' });
    expectRejected(dir, /group_vars\/web\.yml:2:4: template syntax error/);
    const r = tsplay(['check', 'site.yml', '-i', 'inv/hosts.ini'], { cwd: dir });
    expect(r.stderr).toMatch(/inv\/group_vars\/all\.yml:1:4: template syntax error/);
    expect(r.stderr).toMatch(/2 problems found/);
  });

  it('good vars dirs beside the playbook still run', () => {
    const dir = project({ 'group_vars/all.yml': 'y: "{{ \'from\' }} group_vars"\n' });
    const r = tsplay(['run', 'site.yml', '-i', 'inv/hosts.ini'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('from group_vars');
    expect(existsSync(join(dir, 'marker'))).toBe(true);
  });
});
