/**
 * ShellPool on real local `sh` processes standing in for SSH channels: one
 * shell while commands do not overlap, extra shells when they queue up behind
 * a long one, and the queue still served when no extra shell can be had.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { ShellPool, type ShellPoolOptions } from '../../../engine/connection/shell-pool.js';
import type { OpenedShell } from '../../../engine/connection/shell-open.js';

const M = '__tsplay_0123456789abcdef01234567';
type Opened = OpenedShell & { release: () => void };

const children: Array<{ kill: () => void }> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

/** a local sh behind a ClientChannel-shaped emitter (data, stderr data, write, close) */
function localShell(): Opened & { closeChannel: () => void } {
  const child = spawn('sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const channel = Object.assign(new EventEmitter(), {
    stderr: child.stderr,
    write: (text: string) => child.stdin.write(text),
    close: () => child.kill('SIGKILL'),
  });
  child.stdout.on('data', (d: Buffer) => channel.emit('data', d));
  child.on('close', () => channel.emit('close'));
  children.push({ kill: () => child.kill('SIGKILL') });
  return {
    channel: channel as unknown as ClientChannel,
    marker: M,
    pid: child.pid ?? NaN,
    pgid: NaN,
    framing: 'split',
    release: () => undefined,
    closeChannel: () => child.kill('SIGKILL'),
  };
}

function pool(over: Partial<ShellPoolOptions> & { extra?: () => Promise<Opened> | undefined } = {}) {
  const counts = { opened: 0, extra: 0 };
  const p = new ShellPool({
    session: {
      host: 'h',
      open: async () => {
        counts.opened++;
        return localShell();
      },
      lostReason: () => undefined,
      onSend: () => undefined,
    },
    openExtra:
      over.extra ??
      (() => {
        counts.extra++;
        return Promise.resolve(localShell());
      }),
    maxShells: over.maxShells ?? 3,
    growAfterMs: over.growAfterMs ?? 30,
  });
  return { p, counts };
}

const run = (p: ShellPool, script: string) => p.exec({ script });

describe('ShellPool', () => {
  it('keeps one shell for commands that do not overlap', async () => {
    const { p, counts } = pool();
    for (let i = 0; i < 5; i++) expect((await run(p, `echo ${i}`)).stdout).toBe(`${i}\n`);
    expect(counts).toEqual({ opened: 1, extra: 0 });
    expect(p.size).toBe(1);
  });

  it('keeps one shell for a burst of quick commands (they finish before the grow delay)', async () => {
    const { p, counts } = pool({ growAfterMs: 500 });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => run(p, `echo ${i}`)));
    expect(out.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    expect(counts.extra).toBe(0);
  });

  it('does not count a shell that is still starting as a long command', async () => {
    let extra = 0;
    const p = new ShellPool({
      session: {
        host: 'h',
        open: async () => {
          await new Promise((r) => setTimeout(r, 300));
          return localShell();
        },
        lostReason: () => undefined,
        onSend: () => undefined,
      },
      openExtra: () => {
        extra++;
        return Promise.resolve(localShell());
      },
      maxShells: 3,
      growAfterMs: 150,
    });
    const out = await Promise.all([run(p, 'echo a'), run(p, 'echo b'), run(p, 'echo c')]);
    expect(out.map((r) => r.stdout)).toEqual(['a\n', 'b\n', 'c\n']);
    expect(extra).toBe(0);
  });

  it('opens extra shells, up to maxShells, when long commands queue up', async () => {
    const { p, counts } = pool({ maxShells: 3 });
    const started = performance.now();
    const out = await Promise.all(Array.from({ length: 6 }, (_, i) => run(p, `sleep 0.4; echo ${i}; echo e${i} >&2; exit ${i}`)));
    const took = performance.now() - started;
    expect(out.map((r) => [r.rc, r.stdout, r.stderr])).toEqual(Array.from({ length: 6 }, (_, i) => [i, `${i}\n`, `e${i}\n`]));
    expect(counts).toEqual({ opened: 1, extra: 2 });
    expect(p.size).toBe(3);
    // 6 x 0.4 s on 3 shells: 2 rounds, not 6
    expect(took).toBeLessThan(1800);
    expect(took).toBeGreaterThanOrEqual(780);
  });

  it('serves the queue with the shells it has when no channel can be spared', async () => {
    let asked = 0;
    const { p } = pool({
      extra: () => {
        asked++;
        return undefined;
      },
    });
    const out = await Promise.all([run(p, 'sleep 0.2; echo a'), run(p, 'echo b'), run(p, 'echo c')]);
    expect(out.map((r) => r.stdout)).toEqual(['a\n', 'b\n', 'c\n']);
    expect(asked).toBeGreaterThan(0);
    expect(p.size).toBe(1);
  });

  it('keeps serving after an extra shell fails to open, and does not retry at once', async () => {
    let asked = 0;
    const { p } = pool({
      extra: () => {
        asked++;
        return Promise.reject(new Error('administratively prohibited'));
      },
    });
    const out = await Promise.all([run(p, 'sleep 0.3; echo a'), run(p, 'sleep 0.3; echo b'), run(p, 'echo c')]);
    expect(out.map((r) => r.stdout)).toEqual(['a\n', 'b\n', 'c\n']);
    // one try for the two waiting commands at once, none after the failure
    expect(asked).toBe(2);
  });

  it('drops an extra shell whose channel closed, and reuses the open ones', async () => {
    const extras: Array<ReturnType<typeof localShell>> = [];
    const { p, counts } = pool({
      maxShells: 2,
      extra: () => {
        const s = localShell();
        extras.push(s);
        return Promise.resolve(s);
      },
    });
    await Promise.all([run(p, 'sleep 0.2'), run(p, 'sleep 0.2')]);
    expect(extras.length).toBe(1);
    expect(p.size).toBe(2);
    extras[0]!.closeChannel();
    await new Promise((r) => setTimeout(r, 100));
    expect(p.size).toBe(1);
    expect((await run(p, 'echo again')).stdout).toBe('again\n');
    expect(counts.opened).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(p.idleSessions().length).toBe(1);
  });

  it('offers no shell for eviction while commands wait', async () => {
    const { p } = pool({ extra: () => undefined });
    const a = run(p, 'sleep 0.2');
    const b = run(p, 'echo b');
    await new Promise((r) => setTimeout(r, 50));
    expect(p.idleSessions()).toEqual([]);
    await Promise.all([a, b]);
    await new Promise((r) => setImmediate(r));
    expect(p.idleSessions().length).toBe(1);
  });
});
