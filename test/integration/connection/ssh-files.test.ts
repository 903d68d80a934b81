import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../engine/connection/index.js';
import { isTsplayError } from '../../../engine/errors.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo, killSshdHard } from './helpers.js';

const modeOf = (p: string): string => (statSync(p).mode & 0o7777).toString(8);

describe.skipIf(!sshdAvailable())('SshConnection put/get on a real sshd', () => {
  let h: SshdHarness;
  let c: SshConnection;
  let dir: string;
  beforeAll(async () => {
    h = await startSshdHosts(2);
    c = connectionTo(h, h.hosts[0]!);
    dir = h.hosts[0]!.dir;
    await c.connect();
  });
  afterAll(async () => {
    await c?.close();
    h?.stop();
  });

  it('puts and gets a small file byte-exact with its mode, through the shell only', async () => {
    const data = Buffer.concat([Buffer.from("it's \"small\" $(x)\n"), randomBytes(2000)]);
    const p = join(dir, 'small.bin');
    await c.run('true');
    const channelsBefore = c.stats().channels;
    await c.put(data, p, { mode: '0640' });
    expect(readFileSync(p).equals(data)).toBe(true);
    expect(modeOf(p)).toBe('640');
    expect((await c.get(p)).equals(data)).toBe(true);
    expect(c.stats().channels).toBe(channelsBefore); // no SFTP for small files
    expect(readdirSync(dir).filter((f) => f.includes('tsplay-'))).toEqual([]);
  });

  it('puts and gets a 2 MB file over SFTP, byte-exact, mode and owner applied', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const p = join(dir, 'big.bin');
    const before = c.stats();
    await c.put(data, p, { mode: 'u=rw,go=r', owner: 'root', group: 'root' });
    expect(readFileSync(p).equals(data)).toBe(true);
    expect(modeOf(p)).toBe('644');
    expect((await c.get(p)).equals(data)).toBe(true);
    const after = c.stats();
    expect(after.channels).toBe(before.channels + 1); // one SFTP channel, reused
    expect(after.bytesSent - before.bytesSent).toBeGreaterThanOrEqual(data.length);
    await c.put(randomBytes(100_000), join(dir, 'big2.bin'));
    expect(c.stats().channels).toBe(before.channels + 1);
  });

  it('keeps an existing file\'s mode when none is given, and the umask default for new files', async () => {
    const p = join(dir, 'keep.txt');
    writeFileSync(p, 'old');
    await c.run(['chmod', '0600', p]);
    await c.put('new', p);
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(modeOf(p)).toBe('600');
    await c.put('fresh', join(dir, 'fresh.txt'));
    expect(modeOf(join(dir, 'fresh.txt'))).toBe('644');
  });

  it('reports a missing file and a missing directory as errors', async () => {
    await expect(c.get(join(dir, 'nope'))).rejects.toMatchObject({ code: 'TSPLAY_FILE_NOT_FOUND' });
    await expect(c.put('x', join(dir, 'no/such/dir/f'))).rejects.toThrow(/writing .*no\/such\/dir\/f on h0 failed/);
    await expect(c.put('x', dir)).rejects.toThrow(/is a directory/);
  });

  it('never shows a partial file when the connection is cut mid-transfer', async () => {
    const host = h.hosts[1]!;
    const conn = connectionTo(h, host, { retries: 0 });
    const target = join(host.dir, 'atomic.bin');
    writeFileSync(target, 'previous content');
    await conn.connect();
    const data = randomBytes(40 * 1024 * 1024);
    const put = conn.put(data, target).then(
      () => 'finished',
      (e: unknown) => e,
    );
    // cut the connection as soon as the temporary file has started to grow
    const deadline = Date.now() + 10_000;
    for (;;) {
      const tmp = readdirSync(host.dir).find((f) => f.startsWith('.atomic.bin.tsplay-'));
      if (tmp && statSync(join(host.dir, tmp)).size > 0) break;
      if (Date.now() > deadline) throw new Error('transfer never started');
      await new Promise((r) => setTimeout(r, 2));
    }
    killSshdHard(h, host);
    const outcome = await put;
    expect(outcome).not.toBe('finished');
    expect(isTsplayError(outcome) && outcome.code).toBe('TSPLAY_CONNECTION');
    expect((outcome as Error).message).toMatch(/h1/);
    expect(existsSync(target)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('previous content');
    await conn.close();

    // the cut left its temp file; once it is stale, the next write of the target removes it
    const leftovers = readdirSync(host.dir).filter((f) => f.startsWith('.atomic.bin.tsplay-'));
    expect(leftovers).toHaveLength(1);
    await h.restart(host);
    const again = connectionTo(h, host);
    await again.put('new content', target);
    expect(readdirSync(host.dir).filter((f) => f.startsWith('.atomic.bin.tsplay-'))).toEqual(leftovers); // not stale yet
    const tenMinutesAgo = Date.now() / 1000 - 600;
    utimesSync(join(host.dir, leftovers[0]!), tenMinutesAgo, tenMinutesAgo);
    await again.put('newer content', target);
    expect(readdirSync(host.dir).filter((f) => f.startsWith('.atomic.bin.tsplay-'))).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('newer content');
    await again.close();
  });
});
