/**
 * Errors raised before the run knows its secrets (an inventory or -e that does
 * not parse) quote the offending line: secret-named values in it are masked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { maskSecretAssignments } from '../../../engine/output/redact.js';
import { cliBuilt, tsplay } from './cli-helpers.js';

// each case runs the CLI against real hosts: slow on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

describe('secrets in parse errors', () => {
  it('maskSecretAssignments masks key=value, key: value and JSON pairs of secret names only', () => {
    expect(maskSecretAssignments('h1 ansible_host=10.0.0.1 ansible_become_password=S3cret [x')).toBe('h1 ansible_host=10.0.0.1 ansible_become_password=******** [x');
    expect(maskSecretAssignments('{"db_password": "a b\\"c", "user": "bob"}')).toBe('{"db_password": ********, "user": "bob"}');
    expect(maskSecretAssignments("api_token: 'xyz'  # note")).toBe('api_token: ********  # note');
    // file positions of files named like secrets stay readable
    expect(maskSecretAssignments('/srv/x/secret-vars.yml:1:1: encrypted')).toBe('/srv/x/secret-vars.yml:1:1: encrypted');
    expect(maskSecretAssignments('group_vars/passwords.yml:3:5: bad')).toBe('group_vars/passwords.yml:3:5: bad');
    expect(maskSecretAssignments('db_password: "{{ vault_db_password }}"')).toBe('db_password: "{{ vault_db_password }}"');
    expect(maskSecretAssignments("argument 'password' must be a string")).toBe("argument 'password' must be a string");
  });

  it.skipIf(!cliBuilt())('tsplay check on a broken inventory line or -e prints no password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-redact-err-'));
    writeFileSync(join(dir, 'p.yml'), '- hosts: all\n  gather_facts: false\n  tasks: []\n');
    writeFileSync(join(dir, 'inv.ini'), '[web]\nh1 ansible_host=127.0.0.1 ansible_become_password=InvSecret99 [bad\n');
    const a = tsplay(['check', 'p.yml', '-i', 'inv.ini'], { cwd: dir });
    expect(a.code).toBe(4);
    expect(a.stderr).toContain('TSPLAY_INVENTORY');
    expect(a.stderr).not.toContain('InvSecret99');
    const b = tsplay(['check', 'p.yml', '-i', 'localhost,', '-e', '{"db_password": "ExtraSecret55", ]'], { cwd: dir });
    expect(b.code).toBe(4);
    expect(b.stderr).not.toContain('ExtraSecret55');
  });
});
