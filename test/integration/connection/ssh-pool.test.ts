import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool, SshConnection } from '../../../engine/connection/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo, serverConnections } from './helpers.js';

describe.skipIf(!sshdAvailable())('ConnectionPool, channel limit and timeouts on a real sshd', () => {
  let h: SshdHarness;
  beforeAll(async () => {
    h = await startSshdHosts(2);
  });
  afterAll(() => h?.stop());

  it('connects once per host for concurrent callers, from inventory variables', async () => {
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [h.knownHostsPath], connectTimeoutMs: 5000 });
    const vars = (i: number) => ({
      ansible_host: '127.0.0.1',
      ansible_port: String(h.hosts[i]!.port),
      ansible_user: 'root',
      ansible_ssh_private_key_file: h.keyPath,
      ansible_ssh_common_args: '-o ProxyCommand=none',
    });
    const conns = await Promise.all([pool.get('h0', vars(0)), pool.get('h0', vars(0)), pool.get('h1', vars(1))]);
    expect(conns[0]).toBe(conns[1]);
    await Promise.all(conns.map((c, i) => c.run(['echo', String(i)])));
    expect(serverConnections(h.hosts[0]!)).toBe(1);
    expect(serverConnections(h.hosts[1]!)).toBe(1);
    expect(pool.totals()).toMatchObject({ connections: 2, channels: 2, commands: 3 });
    await pool.closeAll();
    await new Promise((r) => setTimeout(r, 200));
    expect(serverConnections(h.hosts[0]!)).toBe(0);
  });

  it('never opens more channels than maxChannels, evicting idle shells', async () => {
    const c = connectionTo(h, h.hosts[0]!, { maxChannels: 2 });
    const users = ['nobody', 'daemon', 'bin', 'sys'];
    const runs = [];
    for (let round = 0; round < 3; round++) {
      runs.push(c.run('id -un'));
      for (const user of users) runs.push(c.run('id -un', { become: { method: 'su', user } }));
    }
    const out = (await Promise.all(runs)).map((r) => r.stdout.trim());
    expect(out.slice(0, 5)).toEqual(['root', ...users]);
    expect(c.peakChannels()).toBe(2);
    await c.put(Buffer.alloc(200_000, 1), `${h.hosts[0]!.dir}/via-sftp`);
    expect(c.peakChannels()).toBe(2);
    await c.close();
  });

  it('times out a server that never answers, and retries that', async () => {
    let accepted = 0;
    const silent: Server = createServer((s) => {
      accepted++;
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const c = new SshConnection({ host: 'mute', address: '127.0.0.1', port, username: 'root', privateKeyFile: h.keyPath, connectTimeoutMs: 300, retries: 1, backoffMs: [50] });
    const started = Date.now();
    const err = await c.connect().catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'TSPLAY_CONNECTION' });
    expect(err.message).toBe(`cannot reach mute at 127.0.0.1:${port}: SSH handshake timed out after 300 ms`);
    expect(accepted).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
    silent.close();
  });
});

describe.skipIf(!sshdAvailable())('a single channel', () => {
  it('still puts large files and runs become commands with maxChannels 1', async () => {
    const h = await startSshdHosts(1);
    try {
      const c = connectionTo(h, h.hosts[0]!, { maxChannels: 1 });
      const big = Buffer.alloc(300_000, 7);
      const path = `${h.hosts[0]!.dir}/one-channel`;
      const [, who] = await Promise.all([c.put(big, path), c.run('id -un', { become: { method: 'su', user: 'nobody' } })]);
      expect(who.stdout).toBe('nobody\n');
      expect((await c.get(path)).equals(big)).toBe(true);
      expect((await c.run('echo plain')).stdout).toBe('plain\n');
      expect(c.peakChannels()).toBe(1);
      await c.close();
    } finally {
      h.stop();
    }
  });
});
