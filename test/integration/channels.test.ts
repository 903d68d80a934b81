/**
 * Connections and channels counted on the SERVER side (sshd's VERBOSE log:
 * `Accepted publickey` per connection, `Starting session:` per session
 * channel): one connection per host per run, and as many sessions for a
 * 24-task playbook as for a 6-task one (commands share persistent shells).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchSshd, sshdAvailable, type BenchSshd } from '../../bench/lib/sshd.js';
import { logMarks, settle } from '../../bench/lib/accounting.js';
import { countSessions, readFrom } from '../../bench/lib/sshd-log.js';
import { runPlaybook } from '../../engine/executor/index.js';
import { ConnectionPool } from '../../engine/connection/index.js';
import { loadPlaybook } from '../../engine/playbook/index.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { getModule, registerModule } from '../../modules/registry.js';
import { coreModules } from '../../modules/core.js';
import type { RunEvent } from '../../engine/output/events.js';

for (const m of coreModules) if (!getModule(m.name)) registerModule(m);

/** six tasks of the kinds the bench uses, repeated `rounds` times on distinct files */
function playbook(rounds: number): string {
  const tasks: string[] = [];
  for (let r = 0; r < rounds; r++) {
    tasks.push(
      `    - file: { path: "{{ workdir }}/d${r}", state: directory, mode: "0755" }`,
      `    - copy: { content: "round ${r}\\n", dest: "{{ workdir }}/d${r}/c", mode: "0644" }`,
      `    - template: { src: t.j2, dest: "{{ workdir }}/d${r}/t" }`,
      `    - lineinfile: { path: "{{ workdir }}/d${r}/l", line: "managed", create: true }`,
      `    - command: touch {{ workdir }}/d${r}/m\n      args: { creates: "{{ workdir }}/d${r}/m" }`,
      `    - stat: { path: "{{ workdir }}/d${r}/c" }\n      register: st\n    - debug: { msg: "{{ st.stat.exists }}" }\n      when: st.stat.exists`,
    );
  }
  return `- hosts: hosts\n  gather_facts: false\n  tasks:\n${tasks.join('\n')}\n`;
}

describe('sshd log accounting', () => {
  it('counts connections and session kinds from recorded VERBOSE lines', () => {
    const log = [
      'Connection from 127.0.0.1 port 41846 on 127.0.0.1 port 36431 rdomain ""',
      'Postponed publickey for root from 127.0.0.1 port 41846 ssh2 [preauth]',
      'Accepted publickey for root from 127.0.0.1 port 41846 ssh2: ED25519 SHA256:ZQYh',
      'Starting session: shell for root from 127.0.0.1 port 41846 id 0',
      'Starting session: command for root from 127.0.0.1 port 41846 id 1',
      "Starting session: subsystem 'sftp' for root from 127.0.0.1 port 41846 id 2",
      'Starting session: shell on pts/0 for root from 127.0.0.1 port 41846 id 3',
      'Close session: user root from 127.0.0.1 port 41846 id 0',
    ].join('\n');
    expect(countSessions(log)).toEqual({ connections: 1, sessions: 4, kinds: { shell: 2, command: 1, "subsystem 'sftp'": 1 } });
  });
});

describe.skipIf(!sshdAvailable())('SSH connections and channels per host, counted by sshd', () => {
  let sshd: BenchSshd;
  let dir: string;

  beforeAll(async () => {
    sshd = await startBenchSshd(3, { logLevel: 'VERBOSE' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-channels-'));
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts'));
    writeFileSync(join(dir, 't.j2'), '{{ inventory_hostname }}\n');
    writeFileSync(join(dir, 'small.yml'), playbook(1));
    writeFileSync(join(dir, 'large.yml'), playbook(4));
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(file: string) {
    const marks = logMarks(sshd.hosts);
    const pb = await loadPlaybook(join(dir, file));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    // not a timing test: a generous timeout, the machine may be busy
    const pool = new ConnectionPool({ hostKeyChecking: true, connectTimeoutMs: 60_000 });
    const problems: string[] = [];
    const emit = (e: RunEvent): void => {
      if (e.type === 'host_result' && (e.result.status === 'failed' || e.result.status === 'unreachable')) problems.push(`${e.host}: ${JSON.stringify(e.result).slice(0, 300)}`);
    };
    const summary = await runPlaybook({ playbook: pb, inventory, pool, emit });
    await pool.closeAll();
    await settle(200);
    const perHost = sshd.hosts.map((h, i) => countSessions(readFrom(h.log, marks[i]!)));
    return { summary, perHost, problems };
  }

  it('opens one connection per host and no more sessions for 4x the tasks, converge and no-op', async () => {
    const small = { converge: await run('small.yml'), noop: await run('small.yml') };
    const large = { converge: await run('large.yml'), noop: await run('large.yml') };
    for (const r of [small.converge, small.noop, large.converge, large.noop]) {
      expect(r.problems).toEqual([]);
      expect(r.summary.exitCode).toBe(0);
      expect(r.perHost.map((c) => c.connections)).toEqual([1, 1, 1]);
    }
    expect(Object.values(small.noop.summary.stats).map((s) => s.changed)).toEqual([0, 0, 0]);
    expect(Object.values(large.noop.summary.stats).map((s) => s.changed)).toEqual([0, 0, 0]);
    for (const phase of ['converge', 'noop'] as const) {
      const few = small[phase].perHost.map((c) => c.sessions);
      const many = large[phase].perHost.map((c) => c.sessions);
      expect(many, `${phase}: sessions per host, 24 tasks vs 6`).toEqual(few);
      for (const n of many) expect(n).toBeLessThanOrEqual(2);
    }
  }, 120_000);
});
