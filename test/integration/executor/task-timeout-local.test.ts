/**
 * A task's `timeout:` ends its running command on the local connection: the
 * executor hands its AbortSignal to conn.run (RunOptions.signal) and the
 * local connection kills the command's process group when it aborts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../engine/connection/local.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { commandModules } from '../../../modules/commands/index.js';

for (const m of commandModules) if (!getModule(m.name)) registerModule(m);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** processes whose command line is exactly this (a sleep with an unusual duration) */
function running(cmdline: string): string[] {
  try {
    return execFileSync('pgrep', ['-fx', cmdline], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('task timeout on the local connection', () => {
  it('RunOptions.signal cuts a running command (rc 124, timedOut) and its children', async () => {
    const conn = new LocalConnection();
    await conn.connect();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    const r = await conn.run('sleep 29.61 & wait', { signal: abort.signal });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toMatchObject({ rc: 124, timedOut: true });
    expect(running('sleep 29.61')).toEqual([]);
    // an aborted signal starts nothing
    const late = await conn.run('echo never', { signal: abort.signal });
    expect(late).toMatchObject({ rc: 124, stdout: '' });
    await conn.close();
  }, 15_000);

  it('command: sleep 30 with timeout: 2 on localhost fails in about 2 s saying so, leaving no sleep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-timeout-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'hosts.ini'), 'localhost ansible_connection=local\n');
    writeFileSync(join(dir, 'site.yml'), `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: long
      command: sleep 29.62
      timeout: 2
`);
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: false, knownHostsFiles: [], connectTimeoutMs: 10_000 });
    const events: RunEvent[] = [];
    const started = Date.now();
    const summary = await runPlaybook({ playbook, inventory, pool, emit: (e) => events.push(e) });
    const took = Date.now() - started;
    // checked before closing the pool: the task's own timeout ended the command
    expect(running('sleep 29.62')).toEqual([]);
    await pool.closeAll();
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(8000);
    const result = events.find((e) => e.type === 'host_result');
    expect(result?.type === 'host_result' && result.result).toMatchObject({ status: 'failed', msg: 'timed out after 2s' });
    expect(summary.stats.localhost).toMatchObject({ failed: 1 });
  }, 30_000);
});
