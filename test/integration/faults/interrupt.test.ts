/**
 * SIGINT and SIGTERM to a running `tsplay run`: every connection is closed
 * (no sshd session left on the server), the recap is printed, exit 99.
 * A connection cut during a large copy leaves the target absent or whole,
 * never partial.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { cliBuilt, tsplayAsync } from '../security/cli-helpers.js';
import { cutHost, sessions, waitFor } from './helpers.js';

describe.skipIf(!sshdAvailable() || !cliBuilt())('interrupts and cut transfers', () => {
  let h: SshdHarness;
  let dir: string;
  beforeAll(async () => {
    h = await startSshdHosts(3, { prefix: 'i' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-int-'));
    writeFileSync(join(dir, 'hosts.ini'), h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${h.knownHostsPath}`));
    writeFileSync(join(dir, 'hang.yml'), `
- hosts: hosts
  gather_facts: false
  tasks:
    - name: quick
      command: "true"
    - name: hang
      command: sleep 120
`);
  });
  afterAll(() => h?.stop());

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: connections closed on the server, recap printed, exit 99', async (sig) => {
    let sent = false;
    const started = Date.now();
    const r = await tsplayAsync(['run', 'hang.yml', '-i', 'hosts.ini', '--output', 'plain'], {
      cwd: dir,
      timeoutMs: 60_000,
      onStdout(all, child) {
        if (!sent && all.includes('TASK [hang]')) {
          sent = true;
          // the sleeps have started on every host once each has its session
          void waitFor(() => h.hosts.every((x) => sessions(x) > 0), 5000).then(() => setTimeout(() => child.kill(sig), 500));
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(99);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(r.stdout).toContain('PLAY RECAP');
    expect(r.stderr).toContain(sig);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // sshd ends a session's process once its client has gone
    expect(await waitFor(() => h.hosts.every((x) => sessions(x) === 0), 10_000), h.hosts.map((x) => sessions(x)).join(',')).toBe(true);
  }, 70_000);

  it('a connection cut during a large copy leaves the target absent or whole', async () => {
    const victim = h.hosts[2]!;
    const big = randomBytes(48 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), big);
    const sum = createHash('sha256').update(big).digest('hex');
    writeFileSync(join(dir, 'big.yml'), `
- hosts: ${victim.name}
  gather_facts: false
  tasks:
    - name: big copy
      copy: { src: big.bin, dest: "{{ workdir }}/big.bin" }
`);
    let cut = false;
    const r = await tsplayAsync(['run', 'big.yml', '-i', 'hosts.ini', '--output', 'plain'], {
      cwd: dir,
      timeoutMs: 90_000,
      onStdout(all) {
        if (!cut && all.includes('TASK [big copy]')) {
          cut = true;
          // mid-transfer: a temporary file appears in the target directory first
          void waitFor(() => readdirSync(victim.dir).some((n) => n !== 'big.bin' && n.includes('big')), 20_000).then(() => cutHost(victim));
        }
      },
    });
    expect(cut).toBe(true);
    const target = join(victim.dir, 'big.bin');
    if (existsSync(target)) expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sum);
    expect(r.code === 3 || r.code === 0, r.stdout + r.stderr).toBe(true);
    if (r.code === 3) expect(existsSync(target)).toBe(false);
    console.log(`cut copy: exit ${r.code}, left in the directory: ${readdirSync(victim.dir).join(', ') || 'nothing'}`);
    await h.restart(victim);
    const again = await tsplayAsync(['run', 'big.yml', '-i', 'hosts.ini', '--output', 'plain'], { cwd: dir, timeoutMs: 90_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sum);
  }, 150_000);
});
