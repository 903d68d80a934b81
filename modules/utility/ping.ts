import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export interface PingParams {
  data?: string;
}

export const ping = defineModule<PingParams, { rc: number }>({
  name: 'ping',
  aliases: ['ansible.builtin.ping'],
  doc: {
    short: 'Check that the host answers commands',
    description: 'Runs one command over the connection. data=crash makes it fail (to test error handling).',
    examples: '- ping:',
    returns: { ping: 'the data parameter, default pong' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { data: { type: 'string', default: 'pong', description: 'The value returned as ping.' } },
  },
  async probe(ctx) {
    const res = await ctx.run('true');
    return { rc: res.rc };
  },
  plan(p, facts) {
    if (p.data === 'crash') throw new ModuleFailure('boom: ping was asked to crash');
    if (facts.rc !== 0) throw new ModuleFailure(`the host did not run a command (rc ${facts.rc})`);
    return { changes: [], data: { ping: p.data ?? 'pong' } };
  },
});
