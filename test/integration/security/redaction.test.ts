/**
 * A run that uses secrets of every kind (a vaulted vars file, an inline !vault
 * value, a `*password*` var, a no_log task, a become password, a 0600
 * template holding a secret, a failing command whose command line holds a
 * secret), in every output mode, on real sshd hosts: none of the secret
 * values appears in anything tsplay prints.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { encryptTsplay } from '../../../engine/vault/index.js';
import { cliBuilt, tsplay, tsplayTty, type CliResult } from './cli-helpers.js';

// each case runs the CLI against real hosts: slow on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

const VAULT_PW = 'Vault-Pass-Word-42';
const SECRETS = {
  vaultFile: 'VaultFileSecret-111',
  inline: 'InlineVaultSecret-222',
  plainPassword: 'PlainPwSecret-333',
  noLog: 'NoLogSecret-444',
  become: 'BecomePwSecret-555',
  vaultPassword: VAULT_PW,
};

function indent(text: string, n: number): string {
  return text.trimEnd().split('\n').map((l) => `${' '.repeat(n)}${l}`).join('\n');
}

function playbook(): string {
  return `
- hosts: hosts
  gather_facts: false
  vars_files:
    - secrets.yml
  vars:
    admin_password: ${SECRETS.plainPassword}
    api_key: !vault |
${indent(encryptTsplay(SECRETS.inline, VAULT_PW), 6)}
    nolog_value: ${SECRETS.noLog}
  tasks:
    - name: show a vaulted value
      debug: { msg: "db is {{ db_pass }} and key {{ api_key }}" }
    - name: echo a secret
      shell: "echo token={{ api_key }}; echo {{ admin_password }} >&2"
      register: echoed
    - name: show what was echoed
      debug: { var: echoed }
    - name: secret in no_log
      shell: "echo {{ nolog_value }}"
      no_log: true
    - name: config holding a secret
      template: { src: secret.conf.j2, dest: "{{ workdir }}/secret.conf", mode: "0600" }
    - name: become with a password
      command: id -un
      become: true
      become_user: nobody
    - name: failing command with a secret on its command line
      command: "/bin/sh -c 'echo failing >&2; exit 3' {{ db_pass }} {{ admin_password }}"
      ignore_errors: true
    - name: assert that fails showing a secret
      assert: { that: "db_pass == 'other'", msg: "db_pass was {{ db_pass }}" }
      ignore_errors: true
`;
}

describe.skipIf(!sshdAvailable() || !cliBuilt())('no secret in any output', () => {
  let h: SshdHarness;
  let dir: string;
  const outputs: Record<string, CliResult> = {};

  beforeAll(async () => {
    h = await startSshdHosts(2);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-redact-'));
    writeFileSync(join(dir, 'vault-pw'), `${VAULT_PW}\n`);
    writeFileSync(join(dir, 'secrets.yml'), encryptTsplay(`db_pass: ${SECRETS.vaultFile}\n`, VAULT_PW));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'secret.conf.j2'), 'user=app\npassword={{ db_pass }}\nkey={{ api_key }}\n');
    writeFileSync(join(dir, 'site.yml'), playbook());
    const known = `ansible_ssh_known_hosts_file=${h.knownHostsPath} ansible_become_password=${SECRETS.become}`;
    writeFileSync(join(dir, 'hosts.ini'), h.inventoryIni('hosts', known));
  });

  afterAll(() => h?.stop());

  const base = () => ['run', 'site.yml', '-i', 'hosts.ini', '--vault-password-file', 'vault-pw'];
  const modes: Record<string, () => string[]> = {
    plain: () => [...base(), '--output', 'plain'],
    json: () => [...base(), '--output', 'json'],
    vvvv: () => [...base(), '--output', 'plain', '-vvvv'],
    diff: () => [...base(), '--output', 'plain', '--diff'],
    diffJson: () => [...base(), '--json', '--diff', '-vvv'],
    checkDiff: () => [...base(), '--output', 'plain', '--check', '--diff', '-vv'],
  };

  it.each(Object.keys(modes))('mode %s prints no secret', (mode) => {
    const r = tsplay(modes[mode]!(), { cwd: dir });
    outputs[mode] = r;
    // kept for a human reading a failure
    writeFileSync(join(dir, `out-${mode}.txt`), `${r.stdout}\n----stderr\n${r.stderr}`);
    expect(r.stderr + r.stdout).toMatch(/ok=|"type"/);
    expect(r.code, r.stderr).toBe(0);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(r.stdout.includes(value) || r.stderr.includes(value), `${name} leaked in ${mode}`).toBe(false);
    }
  });

  it('the secrets did reach the host (the test is not vacuous)', () => {
    const conf = join(h.hosts[0]!.dir, 'secret.conf');
    expect(readFileSync(conf, 'utf8')).toContain(SECRETS.vaultFile);
    expect(readFileSync(conf, 'utf8')).toContain(SECRETS.inline);
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    expect(outputs['plain']!.stdout).toContain('********');
  });

  it('the tty renderer prints no secret', () => {
    const r = tsplayTty([...base(), '--diff', '-v'], { cwd: dir });
    expect(r.stdout).toMatch(/ok=/);
    for (const [name, value] of Object.entries(SECRETS)) expect(r.stdout.includes(value), `${name} leaked in tty`).toBe(false);
  });

  it('a 0600 file holding a secret shows in --diff as changed with the content hidden', () => {
    writeFileSync(join(h.hosts[0]!.dir, 'secret.conf'), 'password=old\n', { mode: 0o600 });
    const r = tsplay([...base(), '--output', 'plain', '--diff', '--limit', h.hosts[0]!.name], { cwd: dir });
    expect(r.stdout).toMatch(/content hidden/);
    expect(r.stdout).not.toContain('password=old');
  });

  it('the error path of tsplay check prints no secret', () => {
    const bad = playbook().replace('debug: { msg: "db is', `debug: { verbosity: "${SECRETS.plainPassword}", msg: "db is`);
    writeFileSync(join(dir, 'bad.yml'), bad.replace('- secrets.yml', '- secrets.yml\n  bogus_play_key: 1'));
    const r = tsplay(['check', 'bad.yml', '-i', 'hosts.ini', '--vault-password-file', 'vault-pw'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/TSPLAY_MODULE_ARGS[\s\S]*\*\*\*\*/);
    for (const [name, value] of Object.entries(SECRETS)) expect(r.stdout.includes(value) || r.stderr.includes(value), `${name} leaked in check`).toBe(false);
  });

  it('a wrong vault password is TSPLAY_VAULT naming the file, exit 4, no stack trace', () => {
    writeFileSync(join(dir, 'wrong-pw'), 'not-it\n');
    const r = tsplay(['run', 'site.yml', '-i', 'hosts.ini', '--vault-password-file', 'wrong-pw'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('TSPLAY_VAULT');
    expect(r.stderr).toMatch(/site\.yml|secrets\.yml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
