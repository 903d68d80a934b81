/**
 * Command and utility modules through the real executor over SSH, against
 * ansible-playbook on the same sshd hosts: same recap counts and the same
 * files, on a first run and on a rerun. Values full of shell metacharacters
 * travel through command argv, shell (| quote), script arguments and files.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable, type SshdHarness } from '../../../helpers/sshd.js';
import { runPlaybook } from '../../../../engine/executor/index.js';
import { ConnectionPool } from '../../../../engine/connection/index.js';
import { loadPlaybook } from '../../../../engine/playbook/index.js';
import { loadInventory } from '../../../../engine/inventory/index.js';
import { getModule, registerModule } from '../../../../modules/registry.js';
import { fileModules } from '../../../../modules/files/index.js';
import { commandModules } from '../../../../modules/commands/index.js';
import { utilityModules } from '../../../../modules/utility/index.js';
import { ansibleSshdEnv } from '../../executor/ansible-ref.js';

for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

const PLAYBOOK = String.raw`
- hosts: hosts
  gather_facts: true
  vars:
    root: "{{ workdir }}/{{ flavour }}"
    nasty: "it's \"q\" $(echo pwned) ` + '`echo pwned`' + String.raw`; echo pwned"
  tasks:
    - file: { path: "{{ root }}", state: directory, mode: "0755" }
    - name: facts written to a file
      copy:
        dest: "{{ root }}/facts"
        content: "{{ ansible_distribution }} {{ ansible_distribution_version }} {{ ansible_os_family }} {{ ansible_distribution_release }} {{ ansible_architecture }} {{ ansible_pkg_mgr }} {{ ansible_default_ipv4.address | default('none') }} {{ ansible_user_id }} {{ ansible_processor_vcpus }} {{ ansible_hostname }}\n"
    - command: touch {{ root }}/made-by-command
      args: { creates: "{{ root }}/made-by-command" }
    - command:
        argv: [sh, -c, 'printf %s "$1" > "$2"', x, "{{ nasty }}", "{{ root }}/argv-out"]
        creates: "{{ root }}/argv-out"
    - shell: echo {{ nasty | quote }} | tr a-z A-Z > upper
      args: { chdir: "{{ root }}", creates: upper }
    - command: cat {{ root }}/upper
      register: up
      changed_when: false
    - assert:
        that:
          - up.stdout == nasty | upper
          - up.rc == 0
        fail_msg: quoting broke
    - set_fact: { seen: "{{ up.stdout_lines | length }}" }
    - debug: { var: seen }
    - include_vars: { file: extra.yml, name: extra }
    - copy: { dest: "{{ root }}/extra", content: "{{ extra.colour }} {{ seen }}\n" }
    - wait_for: { port: "{{ ansible_port }}", timeout: 10 }
    - wait_for: { path: "{{ root }}/upper", search_regex: PWNED, timeout: 10 }
    - uri: { url: "{{ http_url }}/data", return_content: true }
      register: api
    - copy: { dest: "{{ root }}/api", content: "{{ api.json.leader }} {{ api.status }}\n" }
    - sysctl: { name: kernel.msgmax, value: "{{ msgmax }}", sysctl_file: "{{ root }}/sysctl.conf", reload: false }
    - ping:
    - script: hello.sh {{ nasty | quote }} {{ root }}/script-out
      args: { creates: "{{ root }}/script-out" }
    - fail: { msg: boom }
      ignore_errors: true
    - raw: echo raw > {{ root }}/raw
    - stat: { path: "{{ root }}/raw" }
      register: st
    - assert: { that: [st.stat.exists] }
`;

const HELLO = '#!/bin/sh\nprintf "[%s]\\n" "$1" > "$2"\n';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    out[f] = statSync(p).isDirectory() ? 'dir' : readFileSync(p, 'utf8');
  }
  return out;
}

const pick = (s: Record<string, number>) => ({ ok: s.ok, changed: s.changed, failed: s.failures ?? s.failed, skipped: s.skipped, ignored: s.ignored });

describe.skipIf(!sshdAvailable() || !existsSync('/usr/bin/ansible-playbook'))('command/utility modules: parity with ansible-playbook', () => {
  let sshd: SshdHarness;
  let dir: string;
  let server: Server;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ leader: 'pg1' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const msgmax = readFileSync('/proc/sys/kernel/msgmax', 'utf8').trim();
    sshd = await startSshdHosts(2);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-parity-'));
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'extra.yml'), 'colour: blue\n');
    writeFileSync(join(dir, 'files', 'hello.sh'), HELLO);
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts', `ansible_python_interpreter=/usr/bin/python3 http_url=${url} msgmax=${msgmax}`));
  });

  afterAll(async () => {
    sshd?.stop();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** async: the HTTP server in this process must keep answering while ansible runs */
  async function runAnsible(): Promise<Record<string, Record<string, number>>> {
    const child = spawn('ansible-playbook', ['-i', join(dir, 'hosts.ini'), join(dir, 'site.yml'), '-e', 'flavour=ansible'], {
      env: ansibleSshdEnv(dir, sshd.knownHostsPath, { ANSIBLE_PIPELINING: '1' }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise<number | null>((r) => child.on('close', r));
    if (status !== 0) throw new Error(`ansible-playbook exited ${status}: ${stderr}\n${stdout.slice(0, 3000)}`);
    return (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { stats: Record<string, Record<string, number>> }).stats;
  }

  async function runTsplay(): Promise<Record<string, Record<string, number>>> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 });
    const failures: string[] = [];
    const summary = await runPlaybook({
      playbook, inventory, extraVars: { flavour: 'tsplay' }, pool,
      emit: (e) => {
        if (e.type === 'host_result' && e.result.status === 'failed' && !e.result.ignored) failures.push(`${e.task.name}: ${e.result.msg}`);
      },
    });
    expect(failures).toEqual([]);
    return summary.stats as unknown as Record<string, Record<string, number>>;
  }

  it('same recap and files on a first run and on a rerun', async () => {
    for (const round of ['first', 'rerun']) {
      const a = await runAnsible();
      const t = await runTsplay();
      for (const h of sshd.hosts) {
        expect({ round, host: h.name, ...pick(t[h.name]!) }).toEqual({ round, host: h.name, ...pick(a[h.name]!) });
        expect(tree(join(h.dir, 'tsplay'))).toEqual(tree(join(h.dir, 'ansible')));
      }
    }
  }, 400_000);
});
