import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../../engine/connection/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';

const USER = 'tsplaypwauth';
const PASSWORD = 'pw-for-tsplay-auth-test';
const canTest = sshdAvailable() && process.getuid?.() === 0;

describe.skipIf(!canTest)('password and ssh-agent authentication on a real sshd', () => {
  let h: SshdHarness;
  let agentPid = 0;
  let agentSock = '';
  beforeAll(async () => {
    spawnSync('userdel', ['-r', USER], { stdio: 'ignore' });
    execFileSync('useradd', ['-m', '-s', '/bin/sh', USER]);
    execFileSync('chpasswd', [], { input: `${USER}:${PASSWORD}\n` });
    h = await startSshdHosts(1, { sshdExtra: `Match User ${USER}\n  PasswordAuthentication yes` });
    chmodSync(h.root, 0o711);
    agentSock = join(h.root, 'agent.sock');
    const out = execFileSync('ssh-agent', ['-s', '-a', agentSock], { encoding: 'utf8' });
    agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1] ?? 0);
    execFileSync('ssh-add', ['-q', h.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });
  });
  afterAll(async () => {
    if (agentPid) process.kill(agentPid, 'SIGTERM');
    h?.stop();
    for (let i = 0; i < 30 && spawnSync('userdel', ['-r', USER], { stdio: 'ignore' }).status === 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  const base = () => ({ host: 'h0', address: '127.0.0.1', port: h.hosts[0]!.port, knownHostsFiles: [h.knownHostsPath], connectTimeoutMs: 5000 });

  it('logs in with a password, and names the methods when it is wrong', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      const ok = new SshConnection({ ...base(), username: USER, password: PASSWORD });
      expect((await ok.run('id -un')).stdout).toBe(`${USER}\n`);
      await ok.close();
      const bad = new SshConnection({ ...base(), username: USER, password: 'nope-wrong' });
      const err = await bad.connect().catch((e: unknown) => e as Error & { code: string });
      expect(err.code).toBe('TSPLAY_AUTH');
      expect(err.message).toMatch(/tried: (publickey \(\S+\), )*password$/);
      expect(err.message).not.toContain('nope-wrong');
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('logs in with a key held by ssh-agent (SSH_AUTH_SOCK)', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agentSock;
    try {
      const c = new SshConnection({ ...base(), username: 'root' });
      expect((await c.run('echo via-agent')).stdout).toBe('via-agent\n');
      await c.close();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });
});
