/**
 * Stopping rules on real hosts: serial + max_fail_percentage stops exactly
 * when crossed and says so; any_errors_fatal stops every host after the
 * current task; the `timeout` keyword cuts a hanging command; `backup: yes`
 * keeps the previous version.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { cliBuilt, tsplay } from '../security/cli-helpers.js';
import { recapOf } from './helpers.js';

// each case runs the CLI against real hosts: slow on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

describe.skipIf(!sshdAvailable() || !cliBuilt())('stopping rules on sshd hosts', () => {
  let h: SshdHarness;
  let dir: string;
  beforeAll(async () => {
    h = await startSshdHosts(4, { prefix: 's' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-stops-'));
    writeFileSync(join(dir, 'hosts.ini'), h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${h.knownHostsPath}`));
  });
  afterAll(() => h?.stop());

  const run = (name: string, play: string, extra: string[] = []) => {
    writeFileSync(join(dir, name), play);
    return tsplay(['run', name, '-i', 'hosts.ini', '--output', 'plain', ...extra], { cwd: dir });
  };

  it('serial 2, max_fail_percentage 49: one failure in the first batch (50%) stops the play before the second batch', () => {
    const r = run('serial.yml', `
- hosts: hosts
  gather_facts: false
  serial: 2
  max_fail_percentage: 49
  tasks:
    - name: fail on s0
      command: /bin/false
      when: inventory_hostname == 's0'
    - name: mark
      copy: { content: "serial\\n", dest: "{{ workdir }}/serial" }
`);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/max_fail_percentage|maximum failure percentage/i);
    expect(existsSync(join(h.hosts[1]!.dir, 'serial'))).toBe(false);
    for (const later of [h.hosts[2]!, h.hosts[3]!]) {
      expect(existsSync(join(later.dir, 'serial'))).toBe(false);
      expect(recapOf(r.stdout, later.name).ok ?? 0).toBe(0);
    }
  });

  it('serial 2, max_fail_percentage 50: 50% is not above the limit, every batch runs', () => {
    const r = run('serial-ok.yml', `
- hosts: hosts
  gather_facts: false
  serial: 2
  max_fail_percentage: 50
  tasks:
    - name: fail on s0
      command: /bin/false
      when: inventory_hostname == 's0'
    - name: mark
      copy: { content: "serial-ok\\n", dest: "{{ workdir }}/serial-ok" }
`);
    expect(r.code).toBe(2);
    for (const host of h.hosts.slice(1)) expect(readFileSync(join(host.dir, 'serial-ok'), 'utf8')).toBe('serial-ok\n');
  });

  it('any_errors_fatal: every host stops after the task that failed on one', () => {
    const r = run('fatal.yml', `
- hosts: hosts
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: fail on s2
      command: /bin/false
      when: inventory_hostname == 's2'
    - name: never
      copy: { content: "x\\n", dest: "{{ workdir }}/fatal" }
`);
    expect(r.code).toBe(2);
    for (const host of h.hosts) expect(existsSync(join(host.dir, 'fatal'))).toBe(false);
    expect(r.stdout).not.toContain('TASK [never]');
  });

  it('timeout keyword: a hanging command is cut and the task fails saying so; the host stays usable', () => {
    const started = Date.now();
    const r = run('hang.yml', `
- hosts: s0
  gather_facts: false
  tasks:
    - name: hang
      command: sleep 60
      timeout: 2
      ignore_errors: true
    - name: after
      copy: { content: "after\\n", dest: "{{ workdir }}/after-timeout" }
`);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = tsplay(['run', 'hang.yml', '-i', 'hosts.ini', '--json'], { cwd: dir });
    expect(json.stdout, json.stdout).toMatch(/"msg":"timed out after 2s"/);
    expect(readFileSync(join(h.hosts[0]!.dir, 'after-timeout'), 'utf8')).toBe('after\n');
  });

  it('backup: yes keeps the previous version beside the new one', () => {
    const target = join(h.hosts[0]!.dir, 'conf');
    writeFileSync(target, 'version 1\n');
    const r = run('backup.yml', `
- hosts: s0
  gather_facts: false
  tasks:
    - copy: { content: "version 2\\n", dest: "{{ workdir }}/conf", backup: yes }
`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('version 2\n');
    const backups = readdirSync(h.hosts[0]!.dir).filter((n) => n.startsWith('conf.') && n !== 'conf');
    expect(backups.length).toBe(1);
    expect(readFileSync(join(h.hosts[0]!.dir, backups[0]!), 'utf8')).toBe('version 1\n');
  });
});
