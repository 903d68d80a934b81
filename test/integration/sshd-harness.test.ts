import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../helpers/sshd.js';

describe.skipIf(!sshdAvailable())('sshd test harness', () => {
  it('starts hosts that accept the harness key and stops them', async () => {
    const h = await startSshdHosts(2);
    try {
      for (const host of h.hosts) {
        const out = execFileSync('ssh', ['-i', h.keyPath, '-p', String(host.port), '-o', `UserKnownHostsFile=${h.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', 'root@127.0.0.1', 'echo', 'hi'], { encoding: 'utf8' });
        expect(out.trim()).toBe('hi');
      }
    } finally {
      h.stop();
    }
  });
});
