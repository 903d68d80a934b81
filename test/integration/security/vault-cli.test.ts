/** `tsplay vault ...` as a user runs it (built CLI). */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cliBuilt, tsplay } from './cli-helpers.js';

// each case runs the CLI against real hosts: slow on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

describe.skipIf(!cliBuilt())('tsplay vault', () => {
  let dir: string;
  const pw = ['--vault-password-file', 'pw'];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-cli-'));
    writeFileSync(join(dir, 'pw'), 'first-pass\n');
    writeFileSync(join(dir, 'pw2'), 'second-pass\n');
  });

  it('encrypt, view, decrypt round trip; the file keeps its mode; a second encrypt is refused', () => {
    writeFileSync(join(dir, 'a.yml'), 'db_password: s3cr3t-A\n', { mode: 0o640 });
    const enc = tsplay(['vault', 'encrypt', 'a.yml', ...pw], { cwd: dir });
    expect(enc.code, enc.stderr).toBe(0);
    const text = readFileSync(join(dir, 'a.yml'), 'utf8');
    expect(text.startsWith('$TSPLAY_VAULT;1.0;AES256-GCM;scrypt\n')).toBe(true);
    expect(text).not.toContain('s3cr3t-A');
    expect(statSync(join(dir, 'a.yml')).mode & 0o777).toBe(0o640);
    expect(tsplay(['vault', 'view', 'a.yml', ...pw], { cwd: dir }).stdout).toBe('db_password: s3cr3t-A\n');
    const again = tsplay(['vault', 'encrypt', 'a.yml', ...pw], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already encrypted');
    expect(tsplay(['vault', 'decrypt', 'a.yml', ...pw], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'a.yml'), 'utf8')).toBe('db_password: s3cr3t-A\n');
  });

  it('rekey: the old password no longer opens it, the new one does; wrong password is TSPLAY_VAULT without a stack', () => {
    writeFileSync(join(dir, 'b.yml'), 'x: 1\n');
    tsplay(['vault', 'encrypt', 'b.yml', ...pw], { cwd: dir });
    expect(tsplay(['vault', 'rekey', 'b.yml', ...pw, '--new-vault-password-file', 'pw2'], { cwd: dir }).code).toBe(0);
    const old = tsplay(['vault', 'view', 'b.yml', ...pw], { cwd: dir });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/b\.yml: decryption failed.*TSPLAY_VAULT/);
    expect(old.stderr).not.toMatch(/\n\s+at /);
    expect(tsplay(['vault', 'view', 'b.yml', '--vault-password-file', 'pw2'], { cwd: dir }).stdout).toBe('x: 1\n');
  });

  it('encrypt_string output loads in a playbook (TSPLAY_VAULT_PASSWORD_FILE) and the value is masked', () => {
    const out = tsplay(['vault', 'encrypt_string', '-n', 'api_key'], { cwd: dir, input: 'inline-Value-99\n', env: { TSPLAY_VAULT_PASSWORD_FILE: 'pw' } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^api_key: !vault \|\n {2}\$TSPLAY_VAULT;1\.0;AES256-GCM;scrypt\n/);
    const vars = `${out.stdout.trimEnd().replace(/^/gm, '    ')}\n`;
    writeFileSync(join(dir, 'p.yml'), `- hosts: localhost\n  gather_facts: false\n  vars:\n${vars}  tasks:\n    - debug: { msg: "key={{ api_key }} len={{ api_key | length }}" }\n`);
    const run = tsplay(['run', 'p.yml', '-i', 'localhost,', '--output', 'plain'], { cwd: dir, env: { TSPLAY_VAULT_PASSWORD_FILE: join(dir, 'pw') } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('key=******** len=15');
    expect(run.stdout).not.toContain('inline-Value-99');
    const none = tsplay(['run', 'p.yml', '-i', 'localhost,'], { cwd: dir });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/p\.yml:\d+:\d+: .*no vault password was given.*TSPLAY_VAULT/);
  });

  it('check reads inline !vault values as sealed without a password; a vaulted vars file still needs one', () => {
    const out = tsplay(['vault', 'encrypt_string', '-n', 'token'], { cwd: dir, input: 'sealed-Value-42\n', env: { TSPLAY_VAULT_PASSWORD_FILE: 'pw' } });
    const vars = `${out.stdout.trimEnd().replace(/^/gm, '    ')}\n`;
    writeFileSync(join(dir, 'sealed.yml'), `- hosts: localhost\n  gather_facts: false\n  vars:\n${vars}  tasks:\n    - debug: { msg: "{{ token }}" }\n`);
    const check = tsplay(['check', 'sealed.yml', '-i', 'localhost,'], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
    expect(tsplay(['run', 'sealed.yml', '-i', 'localhost,'], { cwd: dir }).code).toBe(4);
    writeFileSync(join(dir, 'secret-vars.yml'), 'file_secret: 1\n');
    expect(tsplay(['vault', 'encrypt', 'secret-vars.yml', ...pw], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'vf.yml'), '- hosts: localhost\n  gather_facts: false\n  vars_files: [secret-vars.yml]\n  tasks:\n    - debug: { msg: hi }\n');
    const vf = tsplay(['check', 'vf.yml', '-i', 'localhost,'], { cwd: dir });
    expect(vf.code).toBe(4);
    expect(vf.stderr).toMatch(/secret-vars\.yml:1:1: the file is encrypted but no vault password was given/);
  });

  it('edit goes through $EDITOR in a private file; create refuses an existing file', () => {
    writeFileSync(join(dir, 'c.yml'), 'before: 1\n');
    tsplay(['vault', 'encrypt', 'c.yml', ...pw], { cwd: dir });
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nls -l "$1" | cut -c1-10 > "$(dirname "$0")/mode-seen"\nsed -i s/before/after/ "$1"\n');
    chmodSync(editor, 0o755);
    expect(tsplay(['vault', 'edit', 'c.yml', ...pw], { cwd: dir, env: { EDITOR: editor, VISUAL: '' } }).code).toBe(0);
    expect(readFileSync(join(dir, 'mode-seen'), 'utf8').trim()).toBe('-rw-------');
    expect(tsplay(['vault', 'view', 'c.yml', ...pw], { cwd: dir }).stdout).toBe('after: 1\n');
    expect(tsplay(['vault', 'create', 'c.yml', ...pw], { cwd: dir, env: { EDITOR: editor } }).stderr).toContain('already exists');
  });

  it('reads an ansible-vault file and rekey converts it to the tsplay format', () => {
    writeFileSync(join(dir, 'ans.yml'), 'from: ansible\n');
    execFileSync('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'ans.yml')]);
    expect(tsplay(['vault', 'view', 'ans.yml', ...pw], { cwd: dir }).stdout).toBe('from: ansible\n');
    tsplay(['vault', 'rekey', 'ans.yml', ...pw, '--new-vault-password-file', 'pw'], { cwd: dir });
    expect(readFileSync(join(dir, 'ans.yml'), 'utf8')).toMatch(/^\$TSPLAY_VAULT;1\.0/);
  }, 20_000);

  it('tsplay inventory reads vaulted group_vars with --vault-password-file, and says what is missing without it', () => {
    mkdirSync(join(dir, 'inv', 'group_vars'), { recursive: true });
    writeFileSync(join(dir, 'inv', 'hosts'), 'h1\n');
    writeFileSync(join(dir, 'inv', 'group_vars', 'all.yml'), 'vaulted_thing: 42\n');
    expect(tsplay(['vault', 'encrypt', 'inv/group_vars/all.yml', ...pw], { cwd: dir }).code).toBe(0);
    const r = tsplay(['inventory', '-i', 'inv', '--host', 'h1', ...pw], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vaulted_thing: 42 });
    const none = tsplay(['inventory', '-i', 'inv', '--host', 'h1'], { cwd: dir });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/all\.yml:1:1: .*no vault password was given/);
  });
});
