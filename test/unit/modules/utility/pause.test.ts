import { describe, expect, it } from 'vitest';
import { pause, pauseMs, sleep } from '../../../../modules/utility/pause.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

describe('pause', () => {
  it('computes the length from seconds or minutes (numbers or strings)', () => {
    expect(pauseMs({ seconds: '2' })).toBe(2000);
    expect(pauseMs({ minutes: 0.5 })).toBe(30_000);
    expect(pauseMs({ prompt: 'x' })).toBeUndefined();
  });
  it('waits the given seconds, in check mode too, and plans nothing', async () => {
    const t0 = Date.now();
    const r = await runModule(pause, { seconds: 0.2 }, makeTestContext({ check: true }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(r.result.status).toBe('ok');
    expect(r.result.data).toMatchObject({ user_input: '', echo: true });
    expect(r.plan?.changes).toEqual([]);
  });
  it('returns at once with a warning when stdin is not a TTY', async () => {
    const ctx = makeTestContext();
    const t0 = Date.now();
    const r = await runModule(pause, { prompt: 'Press enter' }, ctx);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.result.status).toBe('ok');
    expect(ctx.warnings[0]).toMatch(/stdin is not interactive/);
  });
  it('ends early when the run is interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await sleep(10_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
