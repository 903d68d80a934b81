import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo } from './helpers.js';

/**
 * A host where every session first sleeps (sshd's ForceCommand), like sh
 * starting on a loaded machine: the connect itself is quick, the shell is slow.
 */
describe.skipIf(!sshdAvailable())('a slow shell start is not an unreachable host', () => {
  let h: SshdHarness;
  beforeAll(async () => {
    h = await startSshdHosts(1, { sshdExtra: 'ForceCommand sleep 2; exec sh -c "$SSH_ORIGINAL_COMMAND"' });
  });
  afterAll(() => h?.stop());

  it('waits for a shell slower than the connect timeout (own deadline, at least 30 s)', async () => {
    const c = connectionTo(h, h.hosts[0]!, { connectTimeoutMs: 1500 });
    try {
      const started = performance.now();
      const r = await c.run('echo up');
      expect(r).toMatchObject({ rc: 0, stdout: 'up\n' });
      expect(performance.now() - started).toBeGreaterThan(1500);
    } finally {
      await c.close();
    }
  });

  it('still reports a shell that never announces itself within its own deadline', async () => {
    const c = connectionTo(h, h.hosts[0]!, { connectTimeoutMs: 1500, shellStartTimeoutMs: 400 });
    try {
      const err = await c.run('echo up').catch((e: unknown) => e as Error & { code: string });
      expect(err).toMatchObject({ code: 'TSPLAY_CONNECTION', message: 'the shell on h0 did not start within 400 ms' });
    } finally {
      await c.close();
    }
  });
});
