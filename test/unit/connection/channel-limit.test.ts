import { describe, expect, it } from 'vitest';
import { ChannelLimit } from '../../../engine/connection/channel-limit.js';

describe('ChannelLimit.tryAcquire (extra shells never wait and never take the reserve)', () => {
  it('takes a slot only below the given ceiling, and never ahead of a waiter', async () => {
    const l = new ChannelLimit(3);
    expect(l.tryAcquire(2)).toBe(true);
    expect(l.tryAcquire(2)).toBe(true);
    expect(l.tryAcquire(2)).toBe(false); // the third slot is kept spare
    expect(l.inUse).toBe(2);
    await l.acquire();
    expect(l.tryAcquire()).toBe(false);
    let got = false;
    void l.acquire().then(() => (got = true));
    l.release(); // handed to the waiter
    await new Promise((r) => setImmediate(r));
    expect(got).toBe(true);
    expect(l.tryAcquire()).toBe(false);
    l.release();
    expect(l.tryAcquire(5)).toBe(true); // a ceiling above max is max
    expect(l.peak).toBe(3);
  });
});
