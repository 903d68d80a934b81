import { shellJoin } from '../../engine/connection/types.js';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { failFromCommand, runAndReport } from './exec-common.js';

export interface RawParams {
  cmd?: string;
  executable?: string;
}

export const raw = defineModule<RawParams, undefined>({
  name: 'raw',
  aliases: ['ansible.builtin.raw'],
  freeForm: 'cmd',
  doc: {
    short: 'Run a command as is, with nothing else on the host',
    description: 'Sends the text to the host shell unchanged (or to `executable -c`). For bootstrapping hosts. Check mode: skipped.',
    examples: '- raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3)',
    returns: { rc: 'exit status', stdout: 'standard output', stderr: 'standard error' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command text.' },
      executable: { type: 'string', description: 'Run the text with this shell (`executable -c text`) instead of the connection shell.' },
    },
  },
  plan(p) {
    if (!p.cmd || p.cmd.trim() === '') throw new ModuleFailure('no command given');
    return { changes: [`run ${p.cmd}`], unpredictable: 'command would run' };
  },
  async apply(ctx, p) {
    const cmd = p.cmd ?? '';
    const { data, res } = await runAndReport(ctx, {
      script: p.executable ? shellJoin([p.executable, '-c', cmd]) : cmd,
      shownCmd: cmd,
      strip: false,
    });
    const out = { rc: data.rc, stdout: data.stdout, stderr: data.stderr, cmd };
    if (res.rc !== 0) failFromCommand(res, ctx, out, cmd);
    return { changed: true, data: out };
  },
});
