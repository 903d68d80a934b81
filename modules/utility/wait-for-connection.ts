import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { sleep } from './pause.js';

export interface WaitForConnectionParams {
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
}

interface ConnectionFacts {
  elapsed: number;
  ok: boolean;
  lastError?: string;
}

/** One attempt: reopen the connection if needed and run `true`. */
async function attempt(ctx: ModuleContext, timeoutMs: number, reconnect: boolean): Promise<string | undefined> {
  try {
    if (reconnect) await ctx.conn.connect();
    const res = await ctx.run('true', { timeoutMs });
    return res.rc === 0 ? undefined : `rc ${res.rc}${res.timedOut ? ' (timed out)' : ''}`;
  } catch (e) {
    await ctx.conn.close().catch(() => undefined);
    return (e as Error).message;
  }
}

export const waitForConnection = defineModule<WaitForConnectionParams, ConnectionFacts>({
  name: 'wait_for_connection',
  aliases: ['ansible.builtin.wait_for_connection'],
  doc: {
    short: 'Wait until the host answers over its connection again',
    description: 'Runs `true` over the connection, reconnecting after each failure, until it answers or timeout passes (after a reboot). Skipped in check mode, as in Ansible.',
    examples: ['- wait_for_connection:', '    delay: 5', '    timeout: 300'].join('\n'),
    returns: { elapsed: 'seconds waited' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timeout: { type: 'integer', minimum: 0, default: 600, description: 'Seconds to wait at most.' },
      delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before the first attempt.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between attempts.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds for one attempt.' },
    },
  },
  async probe(ctx, p) {
    if (ctx.check) return { elapsed: 0, ok: true };
    const started = Date.now();
    const deadline = started + (p.timeout ?? 600) * 1000;
    await sleep((p.delay ?? 0) * 1000, ctx.signal);
    let lastError: string | undefined;
    for (let n = 0; ; n++) {
      lastError = await attempt(ctx, (p.connect_timeout ?? 5) * 1000, n > 0 && lastError !== undefined);
      const elapsed = Math.round((Date.now() - started) / 1000);
      if (lastError === undefined) return { elapsed, ok: true };
      if (Date.now() >= deadline || ctx.signal?.aborted) return { elapsed, ok: false, lastError };
      await sleep(Math.min((p.sleep ?? 1) * 1000, Math.max(0, deadline - Date.now())), ctx.signal);
    }
  },
  plan(p, facts, pc) {
    if (pc.check) return { changes: [], skipped: 'wait_for_connection does not run in check mode' };
    if (!facts.ok) {
      throw new ModuleFailure(`timed out waiting for connection after ${p.timeout ?? 600}s: ${facts.lastError ?? 'no answer'}`, { data: { elapsed: facts.elapsed } });
    }
    return { changes: [], data: { elapsed: facts.elapsed } };
  },
});
