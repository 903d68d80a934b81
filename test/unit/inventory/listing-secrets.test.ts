/**
 * User audit, section 3: `tsplay inventory --list | --host | --graph --vars`
 * printed vault-decrypted values and passwords in clear. Inline `!vault`
 * values now print as ansible-inventory prints them (the ciphertext), values
 * of secret-named vars and values of vaulted files are masked.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureInventoryVault } from '../../../engine/cli/inventory.js';
import { inventoryCommand } from '../../../engine/inventory/index.js';
import { encryptTsplay } from '../../../engine/vault/index.js';

/** Recorded from the audit: `ansible-vault encrypt_string AnsSecret42` with password "pw1". */
const ANSIBLE_CIPHERTEXT = [
  '$ANSIBLE_VAULT;1.1;AES256',
  '61373335303935623236303939316465343565613164306437376130623166643266353831663537',
  '3837383834653238383566656563363962646133313036300a633132336565333432633739643635',
  '64653461336565626661336138346661663433313439643061656463623432616639643961343930',
  '3062346166326335360a626233346266656436393738373238383435323632383737303832633032',
  '3065',
].join('\n');
const SECRETS = ['AnsSecret42', 'InvPw777', 'BecomePw888', 'ReplSecret999', 'FileOnlyValue55', 'TokenXyz1', 'Hunter2Pw'];

let dir: string;
let hosts: string;
let pwFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-secrets-'));
  hosts = join(dir, 'hosts.ini');
  pwFile = join(dir, 'pw.txt');
  writeFileSync(pwFile, 'pw1\n');
  writeFileSync(hosts, [
    '[db]',
    'db1 ansible_host=10.0.0.5 ansible_password=InvPw777 ansible_become_password=BecomePw888',
    '[db:vars]',
    'replication_secret=ReplSecret999',
    'dsn="postgres://app:Hunter2Pw@10.0.0.5/app"',
    '',
  ].join('\n'));
  mkdirSync(join(dir, 'group_vars'));
  mkdirSync(join(dir, 'host_vars'));
  const indented = ANSIBLE_CIPHERTEXT.split('\n').map((l) => `  ${l}`).join('\n');
  writeFileSync(join(dir, 'group_vars/db.yml'), `api_token: !vault |\n${indented}\nconn_password: "{{ vault_conn_password }}"\nnested:\n  app_password: Hunter2Pw\n  port: 5432\n`);
  // a whole vaulted vars file: its values are secrets whatever their names
  writeFileSync(join(dir, 'host_vars/db1.yml'), encryptTsplay('file_value: FileOnlyValue55\nother_token: TokenXyz1\n', 'pw1'));
});

function expectNoSecret(out: string): void {
  for (const s of SECRETS) expect(out).not.toContain(s);
}

describe('tsplay inventory prints no secret', () => {
  it('--host: the inline vault value as ansible-inventory prints it, secret-named and vaulted-file values masked', async () => {
    await configureInventoryVault({ files: [pwFile] });
    const out = await inventoryCommand({ sources: [hosts], host: 'db1' });
    expectNoSecret(out);
    expect(JSON.parse(out)).toEqual({
      ansible_host: '10.0.0.5',
      ansible_password: '********',
      ansible_become_password: '********',
      // the scalar as written, final newline included, as ansible-inventory prints it
      api_token: { __ansible_vault: `${ANSIBLE_CIPHERTEXT}\n` },
      // a template only names the secret's variable: kept readable
      conn_password: '{{ vault_conn_password }}',
      dsn: 'postgres://app:********@10.0.0.5/app',
      file_value: '********',
      nested: { app_password: '********', port: 5432 },
      other_token: '********',
      replication_secret: '********',
    });
  });

  it('--list: same masking in _meta.hostvars; the JSON stays valid and keyed as ansible-inventory', async () => {
    const out = await inventoryCommand({ sources: [hosts], list: true });
    expectNoSecret(out);
    const list = JSON.parse(out) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    expect(list._meta.hostvars['db1']!['api_token']).toEqual({ __ansible_vault: `${ANSIBLE_CIPHERTEXT}\n` });
    expect(list._meta.hostvars['db1']!['ansible_password']).toBe('********');
  });

  it('--graph --vars: host and group vars masked, a vault value shown as the mask', async () => {
    const out = await inventoryCommand({ sources: [hosts], graph: true, vars: true });
    expectNoSecret(out);
    expect(out).toContain('|--{api_token = ********}');
    expect(out).toContain('|--{replication_secret = ********}');
    expect(out).toContain('|--{ansible_host = 10.0.0.5}');
    expect(out).not.toContain('ANSIBLE_VAULT');
  });

  it('needs no vault password for inline vault values (ansible-inventory shows the ciphertext without one)', async () => {
    await configureInventoryVault({});
    const other = mkdtempSync(join(tmpdir(), 'tsplay-inv-sealed-'));
    mkdirSync(join(other, 'group_vars'));
    writeFileSync(join(other, 'hosts.ini'), '[db]\ndb1\n');
    writeFileSync(join(other, 'group_vars/db.yml'), `api_token: !vault |\n${ANSIBLE_CIPHERTEXT.replace(/^/gm, '  ')}\n`);
    const out = await inventoryCommand({ sources: [join(other, 'hosts.ini')], host: 'db1' });
    expect(JSON.parse(out)).toEqual({ api_token: { __ansible_vault: `${ANSIBLE_CIPHERTEXT}\n` } });
    // a whole vaulted file still needs the password, as in ansible-inventory
    await expect(inventoryCommand({ sources: [hosts], host: 'db1' })).rejects.toThrow(/no vault password was given/);
  });
});
