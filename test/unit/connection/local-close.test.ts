/**
 * close() on the local connection ends the commands still running, children
 * included (an interrupted run used to live on until they ended), and an
 * abrupt exit of tsplay takes them down too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sleepingPids, waitUntil } from '../../helpers/wait.js';
import { LocalConnection } from '../../../engine/connection/local.js';
import { LocalGroups } from '../../../engine/connection/local-groups.js';

const REPO = resolve(import.meta.dirname, '../../..');

describe('LocalConnection.close()', () => {
  it('ends a running command and its children with SIGTERM, at once', async () => {
    const c = new LocalConnection();
    const running = c.run('sleep 41.01; echo never');
    expect(await waitUntil(() => sleepingPids('41.01').length === 1, 3000)).toBe(true);
    const started = Date.now();
    await c.close();
    const r = await running;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.rc).toBe(143);
    expect(r.stdout).toBe('');
    expect(sleepingPids('41.01')).toEqual([]);
  });

  it('SIGKILLs what ignores SIGTERM after the grace', async () => {
    const c = new LocalConnection();
    const running = c.run(`trap '' TERM; sh -c "trap '' TERM; sleep 41.02"; echo never`);
    expect(await waitUntil(() => sleepingPids('41.02').length === 1, 3000)).toBe(true);
    const groups = (c as unknown as { groups: LocalGroups }).groups;
    const started = Date.now();
    await groups.terminate(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await running).rc).toBe(137);
    expect(sleepingPids('41.02')).toEqual([]);
  });

  it('does nothing (and returns at once) when nothing runs', async () => {
    const c = new LocalConnection();
    expect((await c.run('echo ok')).stdout).toBe('ok\n');
    const started = Date.now();
    await c.close();
    expect(Date.now() - started).toBeLessThan(100);
    expect((await c.run('echo again')).stdout).toBe('again\n');
  });

  it('stops waiting for a process that left the group and holds the pipes', async () => {
    const c = new LocalConnection();
    const running = c.run('setsid sleep 41.03 & echo started');
    expect(await waitUntil(() => sleepingPids('41.03').length === 1, 3000)).toBe(true);
    const groups = (c as unknown as { groups: LocalGroups }).groups;
    const started = Date.now();
    await groups.terminate(200);
    expect(Date.now() - started).toBeLessThan(1500);
    await running;
    for (const pid of sleepingPids('41.03')) process.kill(pid, 'SIGKILL');
  });

  it('kills running commands when the process exits abruptly (a second Ctrl-C)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-local-exit-'));
    try {
      const entry = join(dir, 'main.ts');
      writeFileSync(
        entry,
        `import { LocalConnection } from ${JSON.stringify(join(REPO, 'engine/connection/local.ts'))};
         const c = new LocalConnection();
         void c.run('sleep 41.04');
         setTimeout(() => process.exit(3), 300);`,
      );
      const bundle = join(dir, 'main.mjs');
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
      const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status, r.stderr).toBe(3);
      expect(sleepingPids('41.04')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
