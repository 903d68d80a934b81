import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsplayError, TsplayErrors } from '../../../engine/errors.js';
import {
  decryptAnsible,
  decryptTsplay,
  decryptVault,
  encryptTsplay,
  installVault,
  onVaultSecret,
  resolveVaultPasswords,
  setVaultPasswords,
  VAULT_HEADER,
} from '../../../engine/vault/index.js';
import { parseYaml, readVarsFile } from '../../../engine/yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'vault-unit-'));
installVault();
afterEach(() => setVaultPasswords([]));

function errorOf(fn: () => unknown): TsplayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TsplayErrors) return e.errors[0]!;
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('tsplay vault format 1.0', () => {
  it('round-trips text, with a fresh salt and nonce each time', () => {
    const a = encryptTsplay('hello: wörld\n', 'pw1');
    const b = encryptTsplay('hello: wörld\n', 'pw1');
    expect(a.split('\n')[0]).toBe(VAULT_HEADER);
    expect(a).not.toBe(b);
    expect(a.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(decryptTsplay(a, 'pw1', { where: 'x' })).toBe('hello: wörld\n');
  });

  it('refuses a wrong password, a flipped byte and a changed header with TSPLAY_VAULT and no secret in the message', () => {
    const text = encryptTsplay('the-secret-value', 'right');
    setVaultPasswords([{ password: 'Xq9-wrong-pw', origin: 'pwfile' }]);
    const e = errorOf(() => decryptVault(text, 'vars.yml'));
    expect(e.code).toBe('TSPLAY_VAULT');
    expect(e.message).toContain('vars.yml');
    expect(e.message).not.toContain('Xq9-wrong-pw');
    setVaultPasswords([{ password: 'right', origin: 'pwfile' }]);
    const lines = text.split('\n');
    const body = lines[1]!;
    const flipped = [lines[0], `${body.slice(0, 40)}${body[40] === 'A' ? 'B' : 'A'}${body.slice(41)}`, ...lines.slice(2)].join('\n');
    expect(errorOf(() => decryptVault(flipped, 'f')).code).toBe('TSPLAY_VAULT');
    expect(errorOf(() => decryptVault(text.replace('1.0', '9.9'), 'f')).message).toContain('unsupported tsplay vault version');
    expect(errorOf(() => decryptVault(`${VAULT_HEADER}\n!!!\n`, 'f')).message).toContain('not base64');
    expect(errorOf(() => decryptVault(`${VAULT_HEADER}\nAAAA\n`, 'f')).message).toContain('truncated');
  });

  it('tries every password given', () => {
    const text = encryptTsplay('v', 'second');
    setVaultPasswords([{ password: 'first', origin: 'a' }, { password: 'second', origin: 'b' }]);
    expect(decryptVault(text, 'f')).toBe('v');
  });

  it('without a password says how to give one', () => {
    const e = errorOf(() => decryptVault(encryptTsplay('v', 'p'), 'group_vars/all.yml'));
    expect(e.code).toBe('TSPLAY_VAULT');
    expect(e.hint).toContain('--vault-password-file');
  });
});

describe('Ansible vault read support', () => {
  it('decrypts what ansible-vault encrypted (1.1 and 1.2 with a vault id)', () => {
    const pw = join(dir, 'ansible-pw');
    writeFileSync(pw, 'ansible-pass\n');
    const out = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', pw, 'ünïcode secret; $(x)'], { encoding: 'utf8' });
    const text = out.replace(/^!vault \|\n/, '').split('\n').map((l) => l.trim()).join('\n');
    expect(decryptAnsible(text, 'ansible-pass', { where: 'x' })).toBe('ünïcode secret; $(x)');
    const labelled = execFileSync('ansible-vault', ['encrypt_string', '--vault-id', `prod@${pw}`, 'labelled'], { encoding: 'utf8' });
    const text2 = labelled.replace(/^!vault \|\n/, '').split('\n').map((l) => l.trim()).join('\n');
    expect(text2.startsWith('$ANSIBLE_VAULT;1.2;AES256;prod')).toBe(true);
    setVaultPasswords([{ password: 'ansible-pass', origin: pw }]);
    expect(decryptVault(text2, 'x')).toBe('labelled');
    setVaultPasswords([{ password: 'nope', origin: pw }]);
    expect(errorOf(() => decryptVault(text2, 'x')).code).toBe('TSPLAY_VAULT');
  }, 60_000);
});

describe('YAML loading', () => {
  it('decrypts !vault values at load and announces them for redaction', () => {
    const seen: string[] = [];
    const off = onVaultSecret((s) => seen.push(s));
    setVaultPasswords([{ password: 'pw', origin: 'f' }]);
    const block = encryptTsplay('inline-secret-1', 'pw').trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
    const y = parseYaml(`db_password: !vault |\n${block}\nplain: 1\n`, 'v.yml');
    expect(y.value).toEqual({ db_password: 'inline-secret-1', plain: 1 });
    expect(seen).toContain('inline-secret-1');
    off();
  });

  it('a wrong password on an inline value is TSPLAY_VAULT at its position', () => {
    setVaultPasswords([{ password: 'bad', origin: 'f' }]);
    const block = encryptTsplay('x', 'pw').trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
    const e = errorOf(() => parseYaml(`a: 1\nb: !vault |\n${block}\n`, 'v.yml'));
    expect(e.code).toBe('TSPLAY_VAULT');
    expect(e.source).toMatchObject({ file: 'v.yml', line: 2 });
    expect(e.format()).not.toMatch(/\n\s+at /);
  });

  it('loads a whole vaulted vars file (tsplay and Ansible) transparently and announces each value', async () => {
    const seen: string[] = [];
    const off = onVaultSecret((s) => seen.push(s));
    setVaultPasswords([{ password: 'pw', origin: 'f' }]);
    const file = join(dir, 'secrets.yml');
    writeFileSync(file, encryptTsplay('api_token: tok-123456\nnested:\n  key: deep-value\n', 'pw'));
    expect(await readVarsFile(file)).toEqual({ api_token: 'tok-123456', nested: { key: 'deep-value' } });
    expect(seen).toEqual(expect.arrayContaining(['tok-123456', 'deep-value']));
    const pwFile = join(dir, 'pw');
    writeFileSync(pwFile, 'pw\n');
    const ans = join(dir, 'ansible.yml');
    writeFileSync(ans, 'from_ansible: yes\n');
    execFileSync('ansible-vault', ['encrypt', '--vault-password-file', pwFile, ans]);
    expect(readFileSync(ans, 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256')).toBe(true);
    expect(await readVarsFile(ans)).toEqual({ from_ansible: true });
    off();
  }, 60_000);
});

describe('password sources', () => {
  it('reads a file without its trailing newline, runs an executable one, and falls back to the config file', async () => {
    const plain = join(dir, 'plain-pw');
    writeFileSync(plain, 'p1\n');
    const script = join(dir, 'script-pw');
    writeFileSync(script, '#!/bin/sh\necho p2\n');
    chmodSync(script, 0o700);
    const got = await resolveVaultPasswords({ files: [plain, script], configFile: '/nonexistent' });
    expect(got.map((p) => p.password)).toEqual(['p1', 'p2']);
    expect((await resolveVaultPasswords({ configFile: plain }))[0]!.password).toBe('p1');
    await expect(resolveVaultPasswords({ files: [join(dir, 'missing')] })).rejects.toMatchObject({ code: 'TSPLAY_VAULT' });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    await expect(resolveVaultPasswords({ files: [empty] })).rejects.toMatchObject({ code: 'TSPLAY_VAULT' });
  });
});

describe('vaulted files in every place vars come from', () => {
  it('role defaults and vars, group_vars beside the inventory, and include_vars-style files load decrypted', async () => {
    const { loadPlaybook } = await import('../../../engine/playbook/index.js');
    const { loadInventory } = await import('../../../engine/inventory/index.js');
    setVaultPasswords([{ password: 'pw', origin: 'f' }]);
    const root = mkdtempSync(join(tmpdir(), 'vault-places-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'roles/r/defaults'), { recursive: true });
    mkdirSync(join(root, 'roles/r/vars'), { recursive: true });
    mkdirSync(join(root, 'roles/r/tasks'), { recursive: true });
    mkdirSync(join(root, 'group_vars'));
    writeFileSync(join(root, 'roles/r/defaults/main.yml'), encryptTsplay('from_defaults: d-secret\n', 'pw'));
    writeFileSync(join(root, 'roles/r/vars/main.yml'), encryptTsplay('from_vars: v-secret\n', 'pw'));
    writeFileSync(join(root, 'roles/r/tasks/main.yml'), encryptTsplay('- debug: { msg: hi }\n', 'pw'));
    writeFileSync(join(root, 'group_vars/all.yml'), encryptTsplay('from_group_vars: g-secret\n', 'pw'));
    writeFileSync(join(root, 'hosts.ini'), 'h1\n');
    writeFileSync(join(root, 'site.yml'), '- hosts: all\n  gather_facts: false\n  roles: [r]\n');
    const inv = await loadInventory([join(root, 'hosts.ini')]);
    expect(inv.groups.get('all')!.vars).toMatchObject({ from_group_vars: 'g-secret' });
    const pb = await loadPlaybook(join(root, 'site.yml'), { rolesPath: [join(root, 'roles')] });
    const role = JSON.stringify(pb.plays[0]);
    expect(role).toContain('d-secret');
    expect(role).toContain('v-secret');
  });
});
