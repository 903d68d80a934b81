/**
 * Ctrl-C during a local command (`ansible_connection=local`, and
 * `delegate_to: localhost`): tsplay ends the command's process group and
 * exits 99 at once. It used to print the recap and then live on until the
 * command ended by itself (29 s for `sleep 30`), the command being in its
 * own process group, out of the terminal's reach.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleepingPids, waitUntil } from '../../helpers/wait.js';
import { cliBuilt, tsplayAsync } from '../security/cli-helpers.js';

describe.skipIf(!cliBuilt())('Ctrl-C during a local command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-local-int-'));
    writeFileSync(join(dir, 'hosts.ini'), 'localhost ansible_connection=local\nfar ansible_connection=local\n');
    writeFileSync(join(dir, 'local.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: hang\n      command: sleep 30.61\n');
    writeFileSync(
      join(dir, 'delegated.yml'),
      '- hosts: far\n  gather_facts: false\n  tasks:\n    - name: hang\n      command: sleep 30.62\n      delegate_to: localhost\n',
    );
  });
  afterAll(() => {
    for (const pid of [...sleepingPids('30.61'), ...sleepingPids('30.62')]) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['ansible_connection=local', 'local.yml', '30.61'],
    ['delegate_to: localhost', 'delegated.yml', '30.62'],
  ])('%s: SIGINT ends the command, exit 99 within seconds, no sleep left', async (_what, playbook, secs) => {
    let sentAt = 0;
    const r = await tsplayAsync(['run', playbook, '-i', 'hosts.ini', '--output', 'plain'], {
      cwd: dir,
      timeoutMs: 40_000,
      onStdout(all, child) {
        if (sentAt || !all.includes('TASK [hang]')) return;
        sentAt = -1;
        void waitUntil(() => sleepingPids(secs).length > 0, 10_000).then(() => {
          sentAt = Date.now();
          child.kill('SIGINT');
        });
      },
    });
    expect(sentAt, r.stdout + r.stderr).toBeGreaterThan(0);
    expect(r.code, r.stdout + r.stderr).toBe(99);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(r.stdout).toContain('PLAY RECAP');
    expect(sleepingPids(secs)).toEqual([]);
  }, 45_000);
});
