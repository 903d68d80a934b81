import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeoutMessage, waitArgv, waitFor, waitMode } from '../../../../modules/utility/wait-for.js';
import { waitForConnection } from '../../../../modules/utility/wait-for-connection.js';
import { LocalConnection } from '../../../../engine/connection/local.js';
import type { CommandResult, RunOptions } from '../../../../engine/connection/types.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const planCtx = { host: 'h', check: false, diff: false, noLog: false };
const dir = mkdtempSync(join(tmpdir(), 'tsplay-wait-'));
let server: Server;
let openPort = 0;
let closedPort = 0;

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
}

beforeAll(async () => {
  server = createServer((sock) => {
    sock.on('error', () => undefined); // probes hang up abruptly
    sock.end('SSH-2.0-tsplay-banner\r\n');
  });
  openPort = await listen(server);
  const tmp = createServer();
  closedPort = await listen(tmp);
  await new Promise((r) => tmp.close(r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('wait_for planner', () => {
  it('maps states to modes as Ansible does', () => {
    expect(waitMode({ port: 1 })).toBe('started');
    expect(waitMode({ port: 1, state: 'absent' })).toBe('stopped');
    expect(waitMode({ path: '/x', state: 'stopped' })).toBe('absent');
    expect(waitMode({ path: '/x' })).toBe('present');
    expect(waitMode({ timeout: 1 })).toBe('sleep');
    expect(() => waitMode({ path: '/x', state: 'drained' })).toThrow(/port/);
  });
  it('passes every value as an argument, never inside the script', () => {
    const argv = waitArgv({ path: "/tmp/$(id)'`x`;y", search_regex: 'a|b' });
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).not.toContain('$(id)');
    expect(argv.slice(4)).toEqual(['present', '127.0.0.1', '', "/tmp/$(id)'`x`;y", 'a|b', '300', '0', '1', '5']);
  });
  it('is a no-op plan when the wait succeeded (idempotent) and fails with Ansible messages', () => {
    expect(waitFor.plan({ port: 80 }, { rc: 0, elapsed: 2, stderr: '' }, planCtx)).toMatchObject({ changes: [], data: { elapsed: 2, port: 80, state: 'started' } });
    expect(() => waitFor.plan({ port: 80, host: 'db' }, { rc: 1, elapsed: 5, stderr: '' }, planCtx)).toThrow('Timeout when waiting for db:80');
    expect(() => waitFor.plan({ port: 80, msg: 'no db' }, { rc: 1, elapsed: 5, stderr: '' }, planCtx)).toThrow('no db');
    expect(timeoutMessage({ path: '/f', search_regex: 'ready' })).toBe('Timeout when waiting for search string ready in /f');
  });
});

describe('wait_for on a real host (one command each)', () => {
  it('port started / stopped in one command; skipped in check mode', async () => {
    const checked = makeTestContext({ check: true });
    expect((await runModule(waitFor, { port: closedPort, timeout: 5 }, checked)).result).toMatchObject({ status: 'skipped' });
    expect(checked.conn.stats().commands).toBe(0);
    const ctx = makeTestContext();
    expect((await runModule(waitFor, { port: openPort, timeout: 5 }, ctx)).result.status).toBe('ok');
    expect(ctx.conn.stats().commands).toBe(1);
    expect((await runModule(waitFor, { port: closedPort, state: 'stopped', timeout: 5 }, makeTestContext())).result.status).toBe('ok');
  });
  it('search_regex on the port banner', async () => {
    expect((await runModule(waitFor, { port: openPort, search_regex: 'SSH-2\\.0', timeout: 5, connect_timeout: 2 }, makeTestContext())).result.status).toBe('ok');
  });
  it('times out on a closed port with the message', async () => {
    const t0 = Date.now();
    const { result } = await runModule(waitFor, { port: closedPort, timeout: 1, sleep: 0.2 }, makeTestContext());
    expect(result).toMatchObject({ status: 'failed', msg: `Timeout when waiting for 127.0.0.1:${closedPort}` });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('waits for a file (with metacharacters in its name) to appear with content, then to go', async () => {
    const file = join(dir, "ready $(touch pwned) `x`; 'q'\nline2");
    setTimeout(() => writeFileSync(file, 'starting\nready to accept connections\n'), 300);
    const { result } = await runModule(waitFor, { path: file, search_regex: 'ready to accept', timeout: 5, sleep: 0.1 }, makeTestContext());
    expect(result.status).toBe('ok');
    setTimeout(() => rmSync(file), 300);
    expect((await runModule(waitFor, { path: file, state: 'absent', timeout: 5, sleep: 0.1 }, makeTestContext())).result.status).toBe('ok');
    expect((await runModule(waitFor, { path: join(dir, 'pwned'), state: 'absent', timeout: 0 }, makeTestContext())).result.status).toBe('ok');
  });
  it('drained: no established connections on the port', async () => {
    expect((await runModule(waitFor, { port: closedPort, state: 'drained', timeout: 2 }, makeTestContext())).result.status).toBe('ok');
  });
});

/** A connection that fails its first `failures` commands, like a host rebooting. */
class FlakyConnection extends LocalConnection {
  reconnects = 0;
  constructor(private failures: number) {
    super('flaky');
  }
  override async connect(): Promise<void> {
    this.reconnects++;
  }
  override run(cmd: string | string[], opts?: RunOptions): Promise<CommandResult> {
    if (this.failures-- > 0) return Promise.reject(new Error('connection refused'));
    return super.run(cmd, opts);
  }
}

describe('wait_for_connection', () => {
  it('answers at once on a live connection; skipped in check mode', async () => {
    const { result } = await runModule(waitForConnection, { timeout: 5 }, makeTestContext());
    expect(result).toMatchObject({ status: 'ok', data: { elapsed: 0 } });
    const conn = new FlakyConnection(100);
    expect((await runModule(waitForConnection, { timeout: 0 }, makeTestContext({ conn, check: true }))).result.status).toBe('skipped');
    expect(conn.reconnects).toBe(0);
  });
  it('retries and reconnects until the host answers', async () => {
    const conn = new FlakyConnection(2);
    const { result } = await runModule(waitForConnection, { timeout: 10, sleep: 0.05 }, makeTestContext({ conn }));
    expect(result.status).toBe('ok');
    expect(conn.reconnects).toBe(2);
  });
  it('fails after timeout with the last error', async () => {
    const { result } = await runModule(waitForConnection, { timeout: 0, sleep: 0 }, makeTestContext({ conn: new FlakyConnection(100) }));
    expect(result.status).toBe('failed');
    expect(result.msg).toMatch(/timed out waiting for connection.*connection refused/);
  });
});
