/**
 * Hosts that cannot be reached at start, or whose sshd dies in the middle of
 * a play: UNREACHABLE with the reason, the others finish, exit 3; after
 * healing, `--retry-failed` reruns only those hosts and converges them.
 * Host key mismatch is refused with the fix in the message.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { cliBuilt, tsplay, tsplayAsync } from '../security/cli-helpers.js';
import { cutHost, recapOf } from './helpers.js';

// each case runs the CLI against real hosts: slow on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

const PLAY = `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: first
      copy: { content: "one\\n", dest: "{{ workdir }}/one" }
    - name: slow
      command: sleep 2
      changed_when: false
    - name: last
      copy: { content: "two\\n", dest: "{{ workdir }}/two" }
`;

describe.skipIf(!sshdAvailable() || !cliBuilt())('unreachable hosts', () => {
  let h: SshdHarness;
  let dir: string;
  beforeAll(async () => {
    h = await startSshdHosts(3, { prefix: 'u' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-faults-'));
    writeFileSync(join(dir, 'site.yml'), PLAY);
  });
  afterAll(() => h?.stop());

  function inventory(extraLines = ''): string {
    return `${h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${h.knownHostsPath}`)}${extraLines}`;
  }

  it('a host unreachable at start: UNREACHABLE with the reason, the others finish, exit 3', async () => {
    const dead = await freePort();
    writeFileSync(join(dir, 'inv1.ini'), inventory(`ghost ansible_host=127.0.0.1 ansible_port=${dead} ansible_user=root ansible_ssh_private_key_file=${h.keyPath} workdir=${dir}/ghost\n`));
    const r = tsplay(['run', 'site.yml', '-i', 'inv1.ini', '--output', 'plain'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/ghost.*UNREACHABLE/);
    expect(r.stdout).toMatch(/ECONNREFUSED|refused/i);
    expect(recapOf(r.stdout, 'ghost')).toMatchObject({ unreachable: 1 });
    for (const host of h.hosts) {
      expect(recapOf(r.stdout, host.name)).toMatchObject({ unreachable: 0, failed: 0 });
      expect(readFileSync(join(host.dir, 'two'), 'utf8')).toBe('two\n');
    }
    expect(readFileSync(join(dir, '.tsplay', 'site.retry'), 'utf8')).toBe('ghost\n');
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('sshd killed mid-play: that host UNREACHABLE, the others finish, exit 3; restart + --retry-failed converges only it', async () => {
    writeFileSync(join(dir, 'inv2.ini'), inventory());
    for (const host of h.hosts) rmSync(join(host.dir, 'two'), { force: true });
    const victim = h.hosts[1]!;
    let cut = false;
    const r = await tsplayAsync(['run', 'site.yml', '-i', 'inv2.ini', '--output', 'plain'], {
      cwd: dir,
      onStdout(all) {
        if (!cut && all.includes('TASK [slow]')) {
          cut = true;
          setTimeout(() => cutHost(victim), 300);
        }
      },
    });
    expect(cut).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`${victim.name}.*UNREACHABLE`));
    expect(recapOf(r.stdout, victim.name)).toMatchObject({ unreachable: 1 });
    expect(existsSync(join(victim.dir, 'two'))).toBe(false);
    for (const other of [h.hosts[0]!, h.hosts[2]!]) expect(readFileSync(join(other.dir, 'two'), 'utf8')).toBe('two\n');
    expect(readFileSync(join(dir, '.tsplay', 'site.retry'), 'utf8')).toBe(`${victim.name}\n`);

    await h.restart(victim);
    const again = tsplay(['run', 'site.yml', '-i', 'inv2.ini', '--output', 'plain', '--retry-failed'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(recapOf(again.stdout, victim.name)).toMatchObject({ ok: 3, unreachable: 0, failed: 0 });
    for (const other of [h.hosts[0]!, h.hosts[2]!]) expect(again.stdout).not.toMatch(new RegExp(`^${other.name}\\s+:`, 'm'));
    expect(readFileSync(join(victim.dir, 'two'), 'utf8')).toBe('two\n');
  }, 60_000);

  it('a changed host key is refused, with the fix in the message', () => {
    const wrongKnown = join(dir, 'known_wrong');
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIDz5cX8Ybq8ZbMxiJ4Yy3D0b7Gm8tX8+fHqk3QmW7o1Q';
    writeFileSync(wrongKnown, h.hosts.map((x) => `[127.0.0.1]:${x.port} ssh-ed25519 ${other}`).join('\n') + '\n');
    writeFileSync(join(dir, 'inv3.ini'), h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${wrongKnown}`));
    const r = tsplay(['run', 'site.yml', '-i', 'inv3.ini', '--output', 'plain', '--limit', h.hosts[0]!.name], { cwd: dir });
    expect(r.code).toBe(3);
    const all = r.stdout + r.stderr;
    expect(all).toMatch(/host key/i);
    expect(all).toMatch(/ssh-keygen -R|known_hosts/);
    expect(existsSync(join(h.hosts[0]!.dir, 'one')) && readFileSync(join(h.hosts[0]!.dir, 'one'), 'utf8') === 'changed').toBe(false);
  });

  it('a host that accepts TCP but never answers is UNREACHABLE after the connection timeout (-T), the others finish', async () => {
    const { createServer } = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const silent = createServer((sock) => held.push(sock));
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as { port: number }).port;
    try {
      writeFileSync(join(dir, 'inv4.ini'), inventory(`mute ansible_host=127.0.0.1 ansible_port=${port} ansible_user=root ansible_ssh_private_key_file=${h.keyPath} workdir=${dir}/mute\n`));
      const started = Date.now();
      const r = await tsplayAsync(['run', 'site.yml', '-i', 'inv4.ini', '--output', 'plain', '-T', '10'], { cwd: dir, timeoutMs: 90_000 });
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(/mute.*UNREACHABLE/);
      expect(r.stdout).toMatch(/tim(ed|e) ?out/i);
      expect(Date.now() - started).toBeLessThan(60_000);
      for (const host of h.hosts) expect(recapOf(r.stdout, host.name), r.stdout).toMatchObject({ unreachable: 0, failed: 0 });
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });
});
