import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { execParamProps, execReturns, stdinProps } from './command.js';
import { checkModeData, notRunData, pathSkipReason, probePaths, runExecTask, wouldRunData, type PathFacts } from './exec-common.js';

export interface ShellParams {
  cmd?: string;
  chdir?: string;
  creates?: string;
  removes?: string;
  executable?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

export const shell = defineModule<ShellParams, PathFacts>({
  name: 'shell',
  aliases: ['ansible.builtin.shell'],
  freeForm: 'cmd',
  doc: {
    short: 'Run a command through a shell on the host',
    description:
      'Runs cmd with `/bin/sh -c` (or `executable -c`), so pipes, redirections and variables work. ' +
      'Template values into it with `| quote`. Check mode: skipped unless creates/removes decide.',
    examples: [
      '- shell: pg_lsclusters | grep -q online',
      '- shell:',
      '    cmd: set -o pipefail; journalctl -u patroni | tail -n 50',
      '    executable: /bin/bash',
    ].join('\n'),
    returns: execReturns,
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The shell script to run.' },
      executable: { type: 'string', description: 'The shell to run it with (absolute path), default /bin/sh.' },
      ...execParamProps,
      ...stdinProps,
    },
  },
  async probe(ctx, p) {
    return probePaths(ctx, p);
  },
  plan(p, facts) {
    if (!p.cmd || p.cmd.trim() === '') throw new ModuleFailure('no command given: set cmd');
    const skip = pathSkipReason(p, facts);
    if (skip) return { changes: [], reason: skip, data: notRunData(p.cmd, skip, p.creates ?? p.removes ?? '') };
    return { changes: [`run ${p.cmd}`], unpredictable: 'command would run', checkData: wouldRunData(p, p.cmd), checkSkipData: checkModeData(p.cmd) };
  },
  async apply(ctx, p) {
    const cmd = p.cmd ?? '';
    return runExecTask(ctx, p, { argv: [p.executable ?? '/bin/sh', '-c', cmd], shown: cmd, failShown: cmd });
  },
});
