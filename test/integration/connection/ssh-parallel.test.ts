/**
 * Several commands at once on one host's connection (hosts delegating to it):
 * extra shells on extra session channels, so they run in parallel as with
 * Ansible's forks, within the channel limit; a run whose commands do not
 * overlap keeps one session per host. Sessions are counted by sshd itself
 * (VERBOSE log: one `Starting session:` line per session channel).
 * It used to be 16.6 s for 14 hosts delegating `sleep 1` to one host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../helpers/wait.js';
import { logMarks, settle } from '../../../bench/lib/accounting.js';
import { countSessions, readFrom } from '../../../bench/lib/sshd-log.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { coreModules } from '../../../modules/core.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { sshdAvailable, startSshdHosts, type SshdHarness, type SshdHost } from '../../helpers/sshd.js';
import { connectionTo } from './helpers.js';

for (const m of coreModules) if (!getModule(m.name)) registerModule(m);

describe.skipIf(!sshdAvailable())('parallel commands on one connection, counted by sshd', () => {
  let h: SshdHarness;
  let dir: string;
  beforeAll(async () => {
    h = await startSshdHosts(6, { logLevel: 'VERBOSE', prefix: 'p' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-parallel-'));
    writeFileSync(join(dir, 'hosts.ini'), h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${h.knownHostsPath}`));
    const play = (task: string) => `- hosts: hosts\n  gather_facts: false\n  tasks:\n${task}`;
    // the first task connects every host (and p0's first shell): the second is timed alone
    writeFileSync(join(dir, 'delegated.yml'), play('    - command: "true"\n    - command: "true"\n      delegate_to: p0\n    - name: slow\n      command: sleep 1\n      delegate_to: p0\n'));
    writeFileSync(join(dir, 'normal.yml'), play('    - command: sleep 0.3\n    - command: "true"\n    - file: { path: "{{ workdir }}/d", state: directory }\n'));
  });
  afterAll(() => {
    h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** sessions each host's sshd started since `marks` */
  async function sessionsSince(marks: number[], hosts: readonly SshdHost[] = h.hosts): Promise<number[]> {
    await settle(200);
    return hosts.map((x) => countSessions(readFrom(x.log, marks[h.hosts.indexOf(x)]!)).sessions);
  }

  it('runs 6 long commands at once on extra shells, within the channel limit', async () => {
    const host = h.hosts[0]!;
    const marks = logMarks(h.hosts);
    const c = connectionTo(h, host, { maxChannels: 8 });
    expect((await c.run('echo warm')).stdout).toBe('warm\n');
    const started = Date.now();
    const out = await Promise.all(Array.from({ length: 6 }, (_, i) => c.run(`sleep 1; echo ${i}`)));
    const took = Date.now() - started;
    expect(out.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
    // one after another: 6 s at least (the machine may be busy: a wide margin)
    expect(took).toBeLessThan(4500);
    expect(c.shellCount()).toBe(6);
    expect(c.peakChannels()).toBe(6);
    await c.close();
    const [sessions] = await sessionsSince(marks, [host]);
    expect(sessions).toBe(6);
  });

  it('never takes the last channel for an extra shell: another identity still gets one', async () => {
    const c = connectionTo(h, h.hosts[1]!, { maxChannels: 3 });
    await c.run('true');
    // the slow commands end when the test says so: no timing involved
    const flag = `${h.hosts[1]!.dir}/go`;
    let slowDone = false;
    const slow = Promise.all(Array.from({ length: 4 }, () => c.run(`until [ -e ${flag} ]; do sleep 0.05; done; echo done`))).finally(() => {
      slowDone = true;
    });
    expect(await waitUntil(() => c.shellCount() === 2, 10_000)).toBe(true);
    const who = await c.run('id -un', { become: { method: 'su', user: 'nobody' } });
    expect(who.stdout).toBe('nobody\n');
    // it got the spare channel while the slow commands held the others
    expect(slowDone).toBe(false);
    writeFileSync(flag, '');
    expect((await slow).map((r) => r.stdout)).toEqual(Array(4).fill('done\n'));
    // SFTP (a large file) then takes a channel from an idle shell
    const path = `${h.hosts[1]!.dir}/big`;
    await c.put(Buffer.alloc(200_000, 3), path);
    expect((await c.get(path)).length).toBe(200_000);
    expect(c.peakChannels()).toBe(3);
    await c.close();
  });

  it('gives a become identity its own shells in parallel too', async () => {
    const c = connectionTo(h, h.hosts[2]!);
    const become = { method: 'su' as const, user: 'nobody' };
    await c.run('true', { become });
    const started = Date.now();
    const out = await Promise.all(Array.from({ length: 4 }, () => c.run('sleep 1.5; id -un', { become })));
    expect(out.map((r) => r.stdout)).toEqual(Array(4).fill('nobody\n'));
    // one after another: 6 s at least
    expect(Date.now() - started).toBeLessThan(4500);
    expect(c.shellCount(become)).toBe(4);
    expect(c.shellCount()).toBe(0);
    await c.close();
  });

  async function play(file: string) {
    const pool = new ConnectionPool({ hostKeyChecking: true, connectTimeoutMs: 60_000 });
    const problems: string[] = [];
    const slow = { started: 0, ended: 0 };
    const emit = (e: RunEvent): void => {
      if (e.type === 'host_result' && e.result.status !== 'ok' && e.result.status !== 'changed') problems.push(`${e.host}: ${JSON.stringify(e.result).slice(0, 300)}`);
      if (e.type === 'task_start' && e.task.name === 'slow') slow.started = Date.now();
      if (e.type === 'host_result' && e.task.name === 'slow') slow.ended = Date.now();
    };
    const marks = logMarks(h.hosts);
    const summary = await runPlaybook({ playbook: await loadPlaybook(join(dir, file)), inventory: await loadInventory([join(dir, 'hosts.ini')]), pool, emit });
    await pool.closeAll();
    return { summary, problems, slowTask: slow.ended - slow.started, sessions: await sessionsSince(marks) };
  }

  it('6 hosts delegating `sleep 1` to one host run in parallel there', async () => {
    const r = await play('delegated.yml');
    expect(r.problems).toEqual([]);
    expect(r.summary.exitCode).toBe(0);
    // one after another: 6 s at least
    expect(r.slowTask).toBeGreaterThanOrEqual(1000);
    expect(r.slowTask).toBeLessThan(4500);
    expect(r.sessions[0]).toBeGreaterThan(1);
    // maxChannels 8 by default, one kept spare: at most 7 shells
    expect(r.sessions[0]).toBeLessThanOrEqual(7);
  });

  it('a run whose commands do not overlap keeps one session per host', async () => {
    const r = await play('normal.yml');
    expect(r.problems).toEqual([]);
    expect(r.summary.exitCode).toBe(0);
    expect(r.sessions).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
