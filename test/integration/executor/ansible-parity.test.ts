/**
 * Differential check against ansible-playbook (ansible-core from Debian): the
 * same playbook on fresh directories of the same sshd hosts must give the same
 * recap counts and leave the same files, on the first run and on a rerun.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../../helpers/sshd.js';
import type { SshdHarness } from '../../helpers/sshd.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { fileModules } from '../../../modules/files/index.js';
import { commandModules } from '../../../modules/commands/index.js';
import { utilityModules } from '../../../modules/utility/index.js';
import { ansibleSshdEnv, fileTree } from './ansible-ref.js';

for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

const ansibleAvailable = existsSync('/usr/bin/ansible-playbook');

const PLAYBOOK = `
- hosts: hosts
  gather_facts: false
  vars:
    root: "{{ workdir }}/{{ flavour }}"
    users: [ann, bob]
  tasks:
    - file: { path: "{{ root }}", state: directory, mode: "0755" }
    - name: per user files
      copy: { content: "user {{ item }}\\n", dest: "{{ root }}/{{ item }}.txt", mode: "0644" }
      loop: "{{ users }}"
      register: user_files
      notify: users changed
    - set_fact: { changed_users: "{{ user_files.results | selectattr('changed') | map(attribute='item') | list }}" }
    - name: summary
      template: { src: summary.j2, dest: "{{ root }}/summary" }
    - lineinfile: { path: "{{ root }}/summary", line: "# managed", insertbefore: BOF }
    - command: cat {{ root }}/summary
      register: out
      changed_when: false
    - command: /bin/false
      ignore_errors: true
    - command: echo skipped
      when: out.stdout_lines | length > 100
    - block:
        - command: /bin/false
      rescue:
        - file: { path: "{{ root }}/rescued", state: touch, modification_time: preserve, access_time: preserve }
      always:
        - debug: { msg: "always" }
  handlers:
    - name: log users
      shell: echo "{{ changed_users | join(',') }}" >> {{ root }}/log
      listen: users changed
`;

function ansibleStats(out: string): Record<string, Record<string, number>> {
  const json = JSON.parse(out.slice(out.indexOf('{'))) as { stats: Record<string, Record<string, number>> };
  return json.stats;
}

describe.skipIf(!sshdAvailable() || !ansibleAvailable)('parity with ansible-playbook', () => {
  let sshd: SshdHarness;
  let dir: string;

  beforeAll(async () => {
    sshd = await startSshdHosts(2);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-parity-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'summary.j2'), '{% for u in users %}{{ u }}{% if u in changed_users %} (new){% endif %}\n{% endfor %}');
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts', 'ansible_python_interpreter=/usr/bin/python3'));
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function runAnsible(): Record<string, Record<string, number>> {
    const r = spawnSync('ansible-playbook', ['-i', join(dir, 'hosts.ini'), join(dir, 'site.yml'), '-e', 'flavour=ansible'], {
      encoding: 'utf8',
      env: ansibleSshdEnv(dir, sshd.knownHostsPath, { ANSIBLE_PIPELINING: '1', ANSIBLE_SSH_PIPELINING: '1' }),
    });
    if (r.status !== 0 && r.status !== 2) throw new Error(`ansible-playbook exited ${r.status}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
    return ansibleStats(r.stdout);
  }

  async function runTsplay(): Promise<Record<string, Record<string, number>>> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 });
    const summary = await runPlaybook({ playbook, inventory, extraVars: { flavour: 'tsplay' }, pool, emit: () => undefined });
    return summary.stats as unknown as Record<string, Record<string, number>>;
  }

  const pick = (s: Record<string, number>) => ({ ok: s.ok, changed: s.changed, failed: s.failures ?? s.failed, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored });

  it('same recap and files on a first run and on a rerun', async () => {
    for (const round of ['first', 'rerun']) {
      const a = runAnsible();
      const t = await runTsplay();
      for (const h of sshd.hosts) {
        expect({ round, host: h.name, ...pick(t[h.name]!) }).toEqual({ round, host: h.name, ...pick(a[h.name]!) });
        // fileTree reads a missing directory as empty: both runs must have made theirs
        expect(existsSync(join(h.dir, 'ansible'))).toBe(true);
        expect(fileTree(join(h.dir, 'tsplay'))).toEqual(fileTree(join(h.dir, 'ansible')));
      }
    }
  }, 600_000);
});
