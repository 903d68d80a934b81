/**
 * find, tempfile, getent and authorized_key through the real executor over
 * SSH (sshd harness), against ansible-playbook on the same host: the same
 * recap counts and the same files (what each registered result said) on a
 * first run, on a rerun and in check mode.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable, type SshdHarness } from '../../../helpers/sshd.js';
import { runPlaybook } from '../../../../engine/executor/index.js';
import { ConnectionPool } from '../../../../engine/connection/index.js';
import { loadPlaybook } from '../../../../engine/playbook/index.js';
import { loadInventory } from '../../../../engine/inventory/index.js';
import { ansibleSshdEnv } from '../../executor/ansible-ref.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxyz parity@test';
const OLD = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABold old@test';

const PLAYBOOK = String.raw`
- hosts: hosts
  gather_facts: false
  vars:
    out: "{{ workdir }}/{{ flavour }}"
  tasks:
    - file: { path: "{{ out }}/logs/sub", state: directory }
    - copy: { dest: "{{ out }}/logs/{{ item }}", content: "{{ item }}\n" }
      loop: [a.log, b.txt, sub/c.log, .hidden.log]
    - find: { paths: "{{ out }}/logs", patterns: '*.log', recurse: true }
      register: found
    - copy:
        dest: "{{ out }}/found.txt"
        content: "{{ found.files | map(attribute='path') | map('basename') | sort | join(',') }} {{ found.matched }} {{ found.examined }} {{ found.msg }}\n"
    - tempfile: { path: "{{ out }}", prefix: "t.", suffix: .tmp }
      register: tmp
    - copy:
        dest: "{{ out }}/tmp.txt"
        content: "{{ tmp.state | default('skipped') }} {{ tmp.mode | default('') }} {{ (tmp.path | default('/x/none')) | basename | regex_replace('^t\\.[a-z0-9_]{8}\\.tmp$', 'NAME') }}\n"
    - file: { path: "{{ tmp.path }}", state: absent }
      when: tmp.path is defined
    - getent: { database: passwd, key: root }
    - getent: { database: group, key: no-such-group-x, fail_key: false }
      register: nogroup
    - copy:
        dest: "{{ out }}/getent.txt"
        content: "{{ ansible_facts.getent_passwd.root[4] }} {{ nogroup.msg }} {{ ansible_facts.getent_group }}\n"
    - file: { path: "{{ out }}/ak", state: directory, mode: '0700' }
    - copy: { dest: "{{ out }}/ak/authorized_keys", content: "# keep\n${OLD}\n", force: false }
    - authorized_key: { user: root, path: "{{ out }}/ak/authorized_keys", key: "${KEY}", key_options: 'no-pty' }
      register: ak
    - authorized_key: { user: root, path: "{{ out }}/ak/authorized_keys", key: "${OLD}", state: absent }
    - copy:
        dest: "{{ out }}/ak.txt"
        content: "{{ ak.keyfile | basename }} {{ ak.state }} {{ ak.mode | default('') }} {{ ak.key_options }}\n"
`;

function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) Object.assign(out, tree(p, `${prefix}${f}/`));
    else out[`${prefix}${f}`] = `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`;
  }
  return out;
}

const pick = (s: Record<string, number>) => ({ ok: s.ok, changed: s.changed, failed: s.failures ?? s.failed, skipped: s.skipped });

describe.skipIf(!sshdAvailable() || !existsSync('/usr/bin/ansible-playbook'))('find, tempfile, getent, authorized_key: parity with ansible-playbook over SSH', () => {
  let sshd: SshdHarness;
  let dir: string;

  beforeAll(async () => {
    sshd = await startSshdHosts(1, { prefix: 'newmods' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-newmods-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts', 'ansible_python_interpreter=/usr/bin/python3'));
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runAnsible(check: boolean): Promise<Record<string, Record<string, number>>> {
    const args = ['-i', join(dir, 'hosts.ini'), join(dir, 'site.yml'), '-e', 'flavour=ansible', ...(check ? ['--check'] : [])];
    const child = spawn('ansible-playbook', args, {
      env: ansibleSshdEnv(dir, sshd.knownHostsPath, { ANSIBLE_PIPELINING: '1' }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise<number | null>((r) => child.on('close', r));
    if (status !== 0) throw new Error(`ansible-playbook exited ${status}: ${stderr}\n${(stdout.match(/"msg": "[^"]*"/g) ?? []).join("\n")}`);
    return (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { stats: Record<string, Record<string, number>> }).stats;
  }

  async function runTsplay(check: boolean): Promise<Record<string, Record<string, number>>> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 });
    const failures: string[] = [];
    const summary = await runPlaybook({
      playbook, inventory, extraVars: { flavour: 'tsplay' }, pool, check,
      emit: (e) => {
        if (e.type === 'host_result' && e.result.status === 'failed' && !e.result.ignored) failures.push(`${e.task.name}: ${e.result.msg}`);
      },
    });
    expect(failures).toEqual([]);
    return summary.stats as unknown as Record<string, Record<string, number>>;
  }

  it('same recap and files on a first run, a rerun and in check mode', async () => {
    for (const round of ['first', 'rerun', 'check']) {
      const check = round === 'check';
      const a = await runAnsible(check);
      const t = await runTsplay(check);
      for (const h of sshd.hosts) {
        expect({ round, host: h.name, ...pick(t[h.name]!) }).toEqual({ round, host: h.name, ...pick(a[h.name]!) });
        expect(tree(join(h.dir, 'tsplay'))).toEqual(tree(join(h.dir, 'ansible')));
      }
    }
    const h = sshd.hosts[0]!;
    expect(readFileSync(join(h.dir, 'tsplay', 'found.txt'), 'utf8')).toBe('a.log,c.log 2 5 All paths examined\n');
    expect(readFileSync(join(h.dir, 'tsplay', 'ak', 'authorized_keys'), 'utf8')).toBe(`# keep\nno-pty ${KEY}\n`);
  }, 400_000);
});
