import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../engine/connection/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo } from './helpers.js';

const USER = 'tsplaybecome';
const PASSWORD = "Pw-'$(not)-\"x\"-tsplay";
const SUDOERS = '/etc/sudoers.d/tsplay-become-test';
const canTest = sshdAvailable() && existsSync('/usr/bin/sudo') && process.getuid?.() === 0;

function createUser(): void {
  spawnSync('userdel', ['-r', USER], { stdio: 'ignore' });
  execFileSync('useradd', ['-m', '-s', '/bin/sh', USER]);
  execFileSync('chpasswd', [], { input: `${USER}:${PASSWORD}\n` });
  writeFileSync(SUDOERS, `${USER} ALL=(ALL) ALL\nDefaults:${USER} !lecture\n`, { mode: 0o440 });
}

async function removeUser(): Promise<void> {
  rmSync(SUDOERS, { force: true });
  // sshd sessions of the user may take a moment to end after close()
  for (let i = 0; i < 30; i++) {
    if (spawnSync('userdel', ['-r', USER], { stdio: 'ignore' }).status !== 8) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** any process command line holding the password? */
function passwordInProcessTable(): boolean {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`).includes(PASSWORD)) return true;
    } catch {
      /* gone */
    }
  }
  return false;
}

describe.skipIf(!canTest)('become through sudo and su on a real sshd', () => {
  let h: SshdHarness;
  let c: SshConnection;
  const become = { user: 'root', method: 'sudo' as const, password: PASSWORD };
  beforeAll(async () => {
    createUser();
    h = await startSshdHosts(1);
    // sshd reads authorized_keys as the user: let it through the harness directory
    chmodSync(h.root, 0o711);
    c = connectionTo(h, h.hosts[0]!, { username: USER });
  });
  afterAll(async () => {
    await c?.close();
    h?.stop();
    await removeUser();
  });

  it('runs commands as root through one persistent sudo shell, password on stdin only', async () => {
    expect((await c.run('id -un')).stdout).toBe(`${USER}\n`);
    const r = await c.run('id -un; cat; printf %s "$V"', { become, stdin: 'in\n', env: { V: 'env' } });
    expect(r).toMatchObject({ rc: 0, stdout: 'root\nin\nenv', stderr: '' });
    expect(passwordInProcessTable()).toBe(false);
    for (let i = 0; i < 20; i++) expect((await c.run(['id', '-u'], { become })).stdout).toBe('0\n');
    expect(c.stats().channels).toBe(2); // plain shell + one root shell, however many commands
    const masked = await c.run(`echo ${PASSWORD.length}`, { become, secrets: ['tsplay'] });
    expect(masked.shown).not.toContain('tsplay');
  });

  it('writes and reads root-only files through the become shell, big ones too', async () => {
    const dir = join(h.hosts[0]!.dir, 'rootonly');
    mkdirSync(dir, { mode: 0o700 });
    const small = join(dir, 'small.conf');
    await c.put('secret: 1\n', small, { become, mode: '0600', owner: USER });
    expect(readFileSync(small, 'utf8')).toBe('secret: 1\n');
    expect(statSync(small).mode & 0o777).toBe(0o600);
    expect(statSync(small).uid).toBe(Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })));
    const bigData = Buffer.alloc(300_000, 'z');
    await c.put(bigData, join(dir, 'big'), { become });
    expect((await c.get(join(dir, 'big'), { become })).equals(bigData)).toBe(true);
    await expect(c.get(small)).rejects.toThrow(/Permission denied/);
  });

  it('becomes another user and cuts a stuck become command', async () => {
    expect((await c.run('id -un', { become: { ...become, user: 'nobody' } })).stdout).toBe('nobody\n');
    const r = await c.run('sleep 58.31', { become, timeoutMs: 300 });
    expect(r).toMatchObject({ rc: 124, timedOut: true });
    expect((await c.run('id -un', { become })).stdout).toBe('root\n');
    const left = await c.run('for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done | grep -c "^sleep 58.31" || true');
    expect(left.stdout.trim()).toBe('0');
  });

  it('fails with TSPLAY_AUTH on a wrong password, never showing it', async () => {
    const other = connectionTo(h, h.hosts[0]!, { username: USER });
    const wrong = 'definitely-wrong-pw';
    const err = await other.run('id', { become: { password: wrong } }).catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'TSPLAY_AUTH', message: 'become password rejected by sudo on h0' });
    const none = await other.run('id', { become: {} }).catch((e: unknown) => e as Error & { code: string });
    expect(none).toMatchObject({ code: 'TSPLAY_AUTH' });
    expect(none.message).toMatch(/asks for a password/);
    expect((await other.run('echo still fine')).stdout).toBe('still fine\n');
    await other.close();
  });

  it('su works from root without a password', async () => {
    const asRoot = connectionTo(h, h.hosts[0]!);
    expect((await asRoot.run('id -un', { become: { method: 'su', user: USER } })).stdout).toBe(`${USER}\n`);
    await asRoot.close();
  });
});
