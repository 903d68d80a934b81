/**
 * become_method su with a password, on real sshd: connected as one throwaway
 * user (A), su to a second one (B) with B's password, through a pty.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BecomeOptions, SshConnection } from '../../../engine/connection/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { cliBuilt, tsplay } from '../security/cli-helpers.js';
import { connectionTo } from './helpers.js';

const A = 'tsplaysua';
const B = 'tsplaysub';
const A_PASSWORD = 'A-only-for-the-account-tsplay';
const B_PASSWORD = "Su-'$(pw)-\"b\"-ü;x\\ tsplay";
const canTest = sshdAvailable() && process.getuid?.() === 0 && existsSync('/usr/bin/su') && existsSync('/usr/bin/setsid');

function createUsers(): void {
  for (const u of [A, B]) {
    spawnSync('userdel', ['-r', u], { stdio: 'ignore' });
    execFileSync('useradd', ['-m', '-s', '/bin/sh', u]);
  }
  // A needs a password too: sshd refuses even a key for a locked account
  execFileSync('chpasswd', [], { input: `${A}:${A_PASSWORD}\n${B}:${B_PASSWORD}\n` });
}

async function removeUsers(): Promise<void> {
  for (const u of [A, B]) {
    // sessions of the user may take a moment to end after close()
    for (let i = 0; i < 30; i++) {
      if (spawnSync('userdel', ['-r', u], { stdio: 'ignore' }).status !== 8) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function passwordInProcessTable(): boolean {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`).includes(B_PASSWORD)) return true;
    } catch {
      /* gone */
    }
  }
  return false;
}

const su: BecomeOptions = { method: 'su', user: B, password: B_PASSWORD };

describe.skipIf(!canTest)('become_method su with a password (pty) on a real sshd', () => {
  let h: SshdHarness;
  let c: SshConnection;
  beforeAll(async () => {
    createUsers();
    h = await startSshdHosts(2);
    chmodSync(h.root, 0o711); // sshd reads authorized_keys as the user
    c = connectionTo(h, h.hosts[0]!, { username: A });
  });
  afterAll(async () => {
    await c?.close();
    h?.stop();
    await removeUsers();
  });

  it('runs commands as B, stdout and stderr apart, rc, stdin, env and cwd as on a plain shell', async () => {
    expect((await c.run('id -un')).stdout).toBe(`${A}\n`);
    const r = await c.run('id -un; echo to-err >&2; printf "no newline"; exit 3', { become: su });
    expect(r).toMatchObject({ rc: 3, stdout: `${B}\nno newline`, stderr: 'to-err\n' });
    const io = await c.run('cat; printf "%s|" "$V" "$(pwd)"; echo e2 >&2', { become: su, stdin: 'in\n', env: { V: 'a b' }, cwd: '/tmp' });
    expect(io).toMatchObject({ rc: 0, stdout: 'in\na b|/tmp|', stderr: 'e2\n' });
    expect(passwordInProcessTable()).toBe(false);
  });

  it('is one persistent shell, 8-bit clean, with long lines, large data and no terminal for commands', async () => {
    const before = c.stats().channels;
    for (let i = 0; i < 20; i++) expect((await c.run(['id', '-un'], { become: su })).stdout).toBe(`${B}\n`);
    expect(c.stats().channels).toBe(before);
    const long = 'x'.repeat(10_000); // a canonical terminal would cut a line at 4 KB
    expect((await c.run(`printf %s ${long} | wc -c`, { become: su })).stdout.trim()).toBe('10000');
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(300_000, 0x0d), Buffer.from('\x03\x04\x1a\x11\x13')]);
    const sum = await c.run('sha256sum', { become: su, stdin: data });
    expect(sum.stdout.split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await c.run("printf 'a\\r\\nb\\t\\033\\004'", { become: su })).stdout).toBe('a\r\nb\t\x1b\x04');
    const tty = await c.run('test -t 1 && echo tty-out; test -t 2 && echo tty-err; cat /dev/tty </dev/null', { become: su, timeoutMs: 5000 });
    expect(tty).toMatchObject({ stdout: '', timedOut: false });
    expect(tty.rc).not.toBe(0); // no controlling terminal: /dev/tty cannot be opened
  });

  it('writes and reads files as B, and cuts a stuck command', async () => {
    const home = `/home/${B}`;
    await c.put('owned by b\n', `${home}/f.txt`, { become: su, mode: '0600' });
    expect(statSync(`${home}/f.txt`).uid).toBe(Number(execFileSync('id', ['-u', B], { encoding: 'utf8' })));
    const big = Buffer.alloc(200_000, 'q');
    await c.put(big, `${home}/big`, { become: su });
    expect((await c.get(`${home}/big`, { become: su })).equals(big)).toBe(true);
    const cut = await c.run('sleep 57.13', { become: su, timeoutMs: 300 });
    expect(cut).toMatchObject({ rc: 124, timedOut: true });
    expect((await c.run('id -un', { become: su })).stdout).toBe(`${B}\n`);
    const left = await c.run('pgrep -fc "^sleep 57.13" || true');
    expect(left.stdout.trim()).toBe('0');
  });

  it('runs overlapping long commands on extra su pty shells, each answering su, outputs apart', async () => {
    await c.run('true', { become: su });
    const started = performance.now();
    const out = await Promise.all([0, 1, 2].map((i) => c.run(`sleep 1.5; id -un; echo err${i} >&2; exit ${i}`, { become: su })));
    expect(out.map((r) => [r.rc, r.stdout, r.stderr])).toEqual([0, 1, 2].map((i) => [i, `${B}\n`, `err${i}\n`]));
    // one after another: 4.5 s at least
    expect(performance.now() - started).toBeLessThan(3800);
    expect(c.shellCount(su)).toBe(3);
    expect(passwordInProcessTable()).toBe(false);
  });

  it('fails fast and clearly on a wrong password, never showing it', async () => {
    const other = connectionTo(h, h.hosts[0]!, { username: A });
    const wrong = 'wrong-su-password-tsplay';
    const started = performance.now();
    const err = await other.run('id', { become: { ...su, password: wrong } }).catch((e: unknown) => e as Error & { code: string; hint?: string });
    expect(performance.now() - started).toBeLessThan(10_000); // pam_unix waits ~2 s after a failure
    expect(err).toMatchObject({ code: 'TSPLAY_AUTH' });
    expect(err.message).toBe(`become (su to ${B}) failed on h0: password rejected (su: Authentication failure)`);
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(wrong);
    expect((await other.run('echo plain still fine')).stdout).toBe('plain still fine\n');
    await other.close();
  });

  it('with a password set but none asked (connected as root), the pty shell works the same', async () => {
    const asRoot = connectionTo(h, h.hosts[1]!);
    try {
      expect(await asRoot.run('id -un; echo e >&2', { become: su })).toMatchObject({ rc: 0, stdout: `${B}\n`, stderr: 'e\n' });
    } finally {
      await asRoot.close();
    }
  });

  it('su without a password from an unprivileged user says what is missing', async () => {
    const other = connectionTo(h, h.hosts[0]!, { username: A });
    const err = await other.run('id', { become: { method: 'su', user: B } }).catch((e: unknown) => e as Error & { code: string; hint?: string });
    expect(err).toMatchObject({ code: 'TSPLAY_AUTH' });
    expect(err.message).toMatch(new RegExp(`become \\(su to ${B}\\) failed on h0`));
    expect(err.message).toMatch(/su asks for a password/);
    expect(err.hint).toMatch(/ansible_become_password/);
    await other.close();
  });

  describe.skipIf(!cliBuilt())('through the CLI, on two hosts at once', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tsplay-su-cli-'));
      const vars = [
        `ansible_user=${A}`,
        'ansible_become=true',
        'ansible_become_method=su',
        `ansible_become_user=${B}`,
        `ansible_ssh_known_hosts_file=${h.knownHostsPath}`,
        'ansible_python_interpreter=/usr/bin/python3',
      ].join(' ');
      const ini = h.inventoryIni('hosts', vars).replace(/ansible_user=root /g, '');
      // the password as a group var in YAML: any character, no INI quoting rules involved
      writeFileSync(join(dir, 'hosts.ini'), ini);
      execFileSync('mkdir', ['-p', join(dir, 'group_vars')]);
      writeFileSync(join(dir, 'group_vars', 'hosts.yml'), `ansible_become_password: ${JSON.stringify(B_PASSWORD)}\n`);
      writeFileSync(
        join(dir, 'site.yml'),
        ['- hosts: hosts', '  gather_facts: false', '  tasks:', '    - name: whoami', '      command: id -un', '      register: who', '      changed_when: false', ''].join('\n'),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('id -un is B on both hosts, and the password appears nowhere in the output', () => {
      const r = tsplay(['run', 'site.yml', '-i', 'hosts.ini', '--output', 'json', '-vvvv'], { cwd: dir });
      expect(r.stderr + r.stdout).not.toContain(B_PASSWORD);
      expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
      const results = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; host?: string; task?: { name: string }; result?: { status: string; data?: { stdout?: string } } })
        .filter((e) => e.type === 'host_result' && e.task?.name === 'whoami');
      expect(results.map((e) => [e.host, e.result?.status, e.result?.data?.stdout]).sort()).toEqual([
        ['h0', 'ok', B],
        ['h1', 'ok', B],
      ]);
    }, 120_000);

    it.skipIf(!existsSync('/usr/bin/ansible-playbook'))('ansible-playbook with become_method su gives the same id -un', () => {
      const r = spawnSync('ansible-playbook', ['-i', 'hosts.ini', 'site.yml', '-v'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${h.knownHostsPath} -o StrictHostKeyChecking=yes -o ControlMaster=no`,
          ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'),
          ANSIBLE_NOCOLOR: '1',
          // ansible copies its module to a temp file B must read (su disables pipelining; no ACLs here)
          ANSIBLE_SHELL_ALLOW_WORLD_READABLE_TEMP: '1',
        },
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const who = [...r.stdout.matchAll(/ok: \[(h\d)\] => .*"stdout": "([^"]*)"/g)].map((m) => [m[1], m[2]]).sort();
      expect(who).toEqual([
        ['h0', B],
        ['h1', B],
      ]);
      expect(r.stdout + r.stderr).not.toContain(B_PASSWORD);
    }, 120_000);
  });
});
