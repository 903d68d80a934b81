/**
 * The executor against three real sshd hosts: files, templates, commands,
 * handlers and blocks; check mode changes nothing; a second run reports
 * changed=0; one SSH connection per host for a whole run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../../helpers/sshd.js';
import type { SshdHarness } from '../../helpers/sshd.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import type { PoolLike, RunSummary } from '../../../engine/executor/index.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import type { Connection } from '../../../engine/connection/types.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { fileModules } from '../../../modules/files/index.js';
import { commandModules } from '../../../modules/commands/index.js';
import { utilityModules } from '../../../modules/utility/index.js';

// until the registry lists these families itself
for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

const PLAYBOOK = `
- hosts: hosts
  gather_facts: false
  vars:
    greeting: hello
  tasks:
    - name: app dir
      file: { path: "{{ workdir }}/app", state: directory, mode: "0755" }
    - name: config
      template: { src: app.conf.j2, dest: "{{ workdir }}/app/app.conf" }
      notify: reload app
    - name: static file
      copy: { content: "static {{ inventory_hostname }}\\n", dest: "{{ workdir }}/app/static.txt" }
      notify: reload app
    - block:
        - name: read config
          shell: cat {{ workdir }}/app/app.conf 2>/dev/null || true
          register: conf
          changed_when: false
          check_mode: false
        - name: fail on purpose
          command: /bin/false
          when: inventory_hostname == groups['hosts'][0]
      rescue:
        - name: note the rescue
          copy: { content: "rescued after {{ ansible_failed_task.name }}\\n", dest: "{{ workdir }}/app/rescued" }
      always:
        - name: record what was read
          copy: { content: "{{ conf.stdout }}\\n", dest: "{{ workdir }}/app/seen" }
  handlers:
    - name: reload app
      shell: echo reloaded >> {{ workdir }}/app/reloads
`;

/** A pool that remembers every connection it handed out, and its counters at close. */
class CountingPool implements PoolLike {
  readonly byHost = new Map<string, Set<Connection>>();
  readonly connectionsAtClose = new Map<string, number>();
  constructor(private readonly inner: ConnectionPool) {}
  async get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    const c = await this.inner.get(host, vars);
    if (!this.byHost.has(host)) this.byHost.set(host, new Set());
    this.byHost.get(host)!.add(c);
    return c;
  }
  async closeAll(): Promise<void> {
    for (const [host, conns] of this.byHost) {
      this.connectionsAtClose.set(host, [...conns].reduce((n, c) => n + c.stats().connections, 0));
    }
    await this.inner.closeAll();
  }
}

describe.skipIf(!sshdAvailable())('executor on real sshd hosts', () => {
  let sshd: SshdHarness;
  let dir: string;

  beforeAll(async () => {
    sshd = await startSshdHosts(3);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-exec-int-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'app.conf.j2'), '{{ greeting }} from {{ inventory_hostname }}\n');
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts'));
    // as in Ansible, check mode cannot template into a directory that does not exist yet
    for (const h of sshd.hosts) mkdirSync(join(h.dir, 'app'), { mode: 0o755 });
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(check: boolean): Promise<{ summary: RunSummary; events: RunEvent[]; pool: CountingPool }> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new CountingPool(
      new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 }),
    );
    const events: RunEvent[] = [];
    const summary = await runPlaybook({ playbook, inventory, check, diff: false, forks: 10, pool, emit: (e) => events.push(e) });
    return { summary, events, pool };
  }

  const appDir = (i: number): string => join(sshd.hosts[i]!.dir, 'app');

  it('check mode reports the changes and changes nothing', async () => {
    const { summary, events } = await run(true);
    expect(events.filter((e) => e.type === 'host_result' && e.result.status === 'failed')).toEqual([]);
    const handler = events.find((e) => e.type === 'host_result' && e.handler);
    expect(handler).toMatchObject({ result: { status: 'skipped', check: true } });
    expect(summary.exitCode).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(existsSync(join(appDir(i), 'app.conf'))).toBe(false);
      expect(existsSync(join(appDir(i), 'seen'))).toBe(false);
      // template, copy, seen; /bin/false and the shell handler cannot be predicted: skipped, so no rescue
      expect(summary.stats[sshd.hosts[i]!.name]).toMatchObject({ changed: 3, failed: 0, rescued: 0 });
    }
  });

  it('converges the hosts with one SSH connection per host', async () => {
    const { summary, pool } = await run(false);
    expect(summary.exitCode).toBe(0);
    for (let i = 0; i < 3; i++) {
      const name = sshd.hosts[i]!.name;
      expect(readFileSync(join(appDir(i), 'app.conf'), 'utf8')).toBe(`hello from ${name}\n`);
      expect(readFileSync(join(appDir(i), 'static.txt'), 'utf8')).toBe(`static ${name}\n`);
      expect(readFileSync(join(appDir(i), 'seen'), 'utf8')).toBe(`hello from ${name}\n`);
      expect(readFileSync(join(appDir(i), 'reloads'), 'utf8')).toBe('reloaded\n');
      expect(pool.byHost.get(name)!.size).toBe(1);
      expect(pool.connectionsAtClose.get(name)).toBe(1);
    }
    expect(readFileSync(join(appDir(0), 'rescued'), 'utf8')).toBe('rescued after fail on purpose\n');
    expect(existsSync(join(appDir(1), 'rescued'))).toBe(false);
    expect(summary.stats[sshd.hosts[0]!.name]).toMatchObject({ failed: 0, rescued: 1 });
    // template, copy, rescue copy (first host only), seen copy, handler; the directory existed
    expect(summary.stats[sshd.hosts[0]!.name]!.changed).toBe(5);
    expect(summary.stats[sshd.hosts[1]!.name]!.changed).toBe(4);
  });

  it('a second run changes nothing and runs no handler', async () => {
    const { summary, pool } = await run(false);
    expect(summary.exitCode).toBe(0);
    for (const h of sshd.hosts) {
      expect(summary.stats[h.name]!.changed).toBe(0);
      expect(pool.connectionsAtClose.get(h.name)).toBe(1);
    }
    expect(readFileSync(join(appDir(0), 'reloads'), 'utf8')).toBe('reloaded\n');
  });

  it('an interrupt during a long command ends the run at once with exit 99', async () => {
    const file = join(dir, 'slow.yml');
    writeFileSync(file, '- hosts: hosts\n  gather_facts: false\n  tasks:\n    - command: sleep 20\n    - command: "true"\n');
    const playbook = await loadPlaybook(file);
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new CountingPool(new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 }));
    const abort = new AbortController();
    const events: RunEvent[] = [];
    setTimeout(() => abort.abort(), 1500);
    const started = Date.now();
    const summary = await runPlaybook({ playbook, inventory, pool, signal: abort.signal, emit: (e) => events.push(e) });
    expect(summary.exitCode).toBe(99);
    expect(Date.now() - started).toBeLessThan(10_000);
    const results = events.filter((e) => e.type === 'host_result');
    expect(results.map((e) => e.type === 'host_result' && e.result.msg)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(pool.connectionsAtClose.size).toBe(3);
  });

  it('a host that went away is unreachable; the others finish; exit 3', async () => {
    const gone = sshd.hosts[2]!;
    sshd.kill(gone);
    await new Promise((r) => setTimeout(r, 200));
    const { summary, events } = await run(false);
    expect(summary.exitCode).toBe(3);
    expect(summary.unreachableHosts).toEqual([gone.name]);
    expect(summary.stats[gone.name]).toMatchObject({ unreachable: 1, ok: 0 });
    const goneResults = events.filter((e) => e.type === 'host_result' && e.host === gone.name);
    expect(goneResults).toHaveLength(1);
    for (const h of sshd.hosts.slice(0, 2)) expect(summary.stats[h.name]).toMatchObject({ failed: 0, unreachable: 0, changed: 0 });
  });
});
