import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../../engine/connection/known-hosts.js';
import { freePort, sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo, descendantPids, killSshdHard, serverConnections } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<{ code?: string; message: string; ms: number }> {
  const started = Date.now();
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message, ms: Date.now() - started };
  }
  throw new Error('expected a failure');
}

describe.skipIf(!sshdAvailable())('SshConnection failures on a real sshd', () => {
  let h: SshdHarness;
  beforeAll(async () => {
    h = await startSshdHosts(2);
  });
  afterAll(() => h?.stop());

  it('refuses an unknown host key and says how to add it', async () => {
    const empty = join(h.root, 'empty_known_hosts');
    writeFileSync(empty, '');
    const host = h.hosts[0]!;
    const f = await failure(connectionTo(h, host, { knownHostsFiles: [empty] }).connect());
    expect(f.code).toBe('TSPLAY_HOST_KEY');
    expect(f.message).toBe(
      `host key for ${host.name} is not known; add it with: ssh-keyscan -p ${host.port} 127.0.0.1 >> ~/.ssh/known_hosts, or set host_key_checking = false`,
    );
    expect(f.ms).toBeLessThan(2000); // not retried
  });

  it('refuses a changed host key with both fingerprints and the ssh-keygen -R fix', async () => {
    const host = h.hosts[0]!;
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(h.root, 'otherhostkey')]);
    const other = readFileSync(join(h.root, 'otherhostkey.pub'), 'utf8').split(' ');
    const wrong = join(h.root, 'wrong_known_hosts');
    writeFileSync(wrong, `[127.0.0.1]:${host.port} ${other[0]} ${other[1]}\n`);
    const real = readFileSync(join(h.root, 'hostkey.pub'), 'utf8').split(' ');
    const f = await failure(connectionTo(h, host, { knownHostsFiles: [wrong] }).connect());
    expect(f.code).toBe('TSPLAY_HOST_KEY');
    expect(f.message).toContain(fingerprint(Buffer.from(other[1]!, 'base64')));
    expect(f.message).toContain(fingerprint(Buffer.from(real[1]!, 'base64')));
    expect(f.message).toContain(`ssh-keygen -R '[127.0.0.1]:${host.port}' -f ${wrong}`);
  });

  it('accepts hashed known_hosts entries, and any key with host key checking off', async () => {
    const hashed = join(h.root, 'hashed_known_hosts');
    writeFileSync(hashed, readFileSync(h.knownHostsPath));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const c1 = connectionTo(h, h.hosts[0]!, { knownHostsFiles: [hashed] });
    expect((await c1.run('echo ok')).stdout).toBe('ok\n');
    await c1.close();
    const c2 = connectionTo(h, h.hosts[0]!, { knownHostsFiles: [join(h.root, 'none')], hostKeyChecking: false });
    expect((await c2.run('echo ok')).stdout).toBe('ok\n');
    await c2.close();
  });

  it('reports a refused port as unreachable, fast, with address and port', async () => {
    const port = await freePort();
    const host = { ...h.hosts[0]!, port, name: 'gone' };
    const f = await failure(connectionTo(h, host).connect());
    expect(f.code).toBe('TSPLAY_CONNECTION');
    expect(f.message).toBe(`cannot reach gone at 127.0.0.1:${port}: connection refused`);
    expect(f.ms).toBeLessThan(3000); // default: 2 retries, 0.5 s then 1 s
    expect(f.ms).toBeGreaterThanOrEqual(1400);
    const once = await failure(connectionTo(h, host, { retries: 0 }).connect());
    expect(once.ms).toBeLessThan(500);
  });

  it('reports a wrong key as TSPLAY_AUTH naming the methods, without retrying', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(h.root, 'wrongkey')]);
    const conn = connectionTo(h, h.hosts[0]!, { privateKeyFile: join(h.root, 'wrongkey'), retries: 2, backoffMs: [3000, 3000] });
    const f = await failure(conn.connect());
    expect(f.code).toBe('TSPLAY_AUTH');
    expect(f.message).toContain(`authentication failed for root@h0 (127.0.0.1:${h.hosts[0]!.port}); tried: publickey (${join(h.root, 'wrongkey')})`);
    expect(f.ms).toBeLessThan(2500);
  });

  it('says a passphrase-protected key needs an agent', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-pass', '-f', join(h.root, 'lockedkey')]);
    const f = await failure(connectionTo(h, h.hosts[0]!, { privateKeyFile: join(h.root, 'lockedkey') }).connect());
    expect(f.code).toBe('TSPLAY_AUTH');
    expect(f.message).toMatch(/lockedkey for h0 is protected by a passphrase/);
    expect(f.message).not.toContain('secret-pass');
  });

  it('rejects a running command with TSPLAY_CONNECTION when sshd dies, then reconnects', async () => {
    const host = h.hosts[1]!;
    const conn = connectionTo(h, host, { retries: 0 });
    expect((await conn.run('echo up')).stdout).toBe('up\n');
    expect(serverConnections(host)).toBe(1);
    const running = failure(conn.run('echo started; sleep 30'));
    await new Promise((r) => setTimeout(r, 200));
    killSshdHard(h, host);
    const f = await running;
    expect(f.code).toBe('TSPLAY_CONNECTION');
    expect(f.message).toBe('connection to h1 lost during a command: the server closed the connection');
    expect(f.ms).toBeLessThan(3000);
    await h.restart(host);
    expect((await conn.run('echo back')).stdout).toBe('back\n');
    expect(conn.stats().connections).toBe(2);
    await conn.close();
  });

  it('notices a silent peer through keepalives and rejects the running command', async () => {
    const host = h.hosts[0]!;
    const conn = connectionTo(h, host, { keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    expect((await conn.run('echo up')).stdout).toBe('up\n');
    const running = failure(conn.run('sleep 20'));
    await new Promise((r) => setTimeout(r, 100));
    const frozen = descendantPids(host.pid);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const f = await running;
      expect(f.code).toBe('TSPLAY_CONNECTION');
      expect(f.message).toMatch(/^connection to h0 lost during a command: .*[Kk]eepalive/);
      expect(f.ms).toBeLessThan(3000);
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await conn.close();
  });
});
