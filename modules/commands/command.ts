import { shellJoin } from '../../engine/connection/types.js';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { checkModeData, notRunData, pathSkipReason, probePaths, runExecTask, splitArgs, wouldRunData, type PathFacts } from './exec-common.js';

export interface CommandParams {
  cmd?: string;
  argv?: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

/** Parameters shared by command, shell and script. */
export const execParamProps = {
  chdir: { type: 'string', description: 'Change into this directory on the host before running.' },
  creates: { type: 'string', description: 'A path or glob on the host; when it exists the command is not run.' },
  removes: { type: 'string', description: 'A path or glob on the host; when it does not exist the command is not run.' },
} as const;

export const stdinProps = {
  stdin: { type: 'string', description: 'Text fed to the command on its standard input.' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to stdin.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip trailing newlines from stdout and stderr.' },
} as const;

export const execReturns = {
  rc: 'exit status',
  stdout: 'standard output',
  stderr: 'standard error',
  cmd: 'the command that ran',
  start: 'start time',
  end: 'end time',
  delta: 'duration (H:MM:SS.ffffff)',
  msg: "'' or 'non-zero return code'",
};

/** The argv a command task runs: argv as given, or cmd split like shlex (no expansion). */
export function commandArgv(p: CommandParams): string[] {
  if (p.argv && p.argv.length > 0) return p.argv;
  return splitArgs(p.cmd ?? '');
}

export const command = defineModule<CommandParams, PathFacts>({
  name: 'command',
  aliases: ['ansible.builtin.command'],
  freeForm: 'cmd',
  doc: {
    short: 'Run a command on the host without a shell',
    description:
      'Runs argv directly: no shell, so no pipes, redirections, globbing or variable expansion; every word is passed as data. ' +
      'Always reports changed unless creates/removes decide it did not need to run. In check mode it is skipped ("command would run"); ' +
      'with creates/removes it is ok when they show it would not run, and changed ("Command would have run if not in check mode") when they show it would.',
    examples: [
      '- command: /usr/bin/pg_ctlcluster 15 main status',
      '- command:',
      '    argv: [etcdctl, endpoint, health]',
      '    chdir: /var/lib/etcd',
      '- command: /usr/local/bin/init-db',
      '  args:',
      '    creates: /var/lib/db/.initialised',
    ].join('\n'),
    returns: execReturns,
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command line, split into words like a shell would split it (quotes honoured) but never expanded.' },
      argv: { type: 'array', items: { type: 'string' }, description: 'The command as a list of words; use instead of cmd.' },
      ...execParamProps,
      ...stdinProps,
    },
  },
  async probe(ctx, p) {
    return probePaths(ctx, p);
  },
  plan(p, facts) {
    if (p.cmd !== undefined && p.argv !== undefined) throw new ModuleFailure('command takes cmd (or free-form text) or argv, not both');
    const argv = commandArgv(p);
    if (argv.length === 0) throw new ModuleFailure('no command given: set cmd or argv');
    const skip = pathSkipReason(p, facts);
    if (skip) return { changes: [], reason: skip, data: notRunData(argv, skip, p.creates ?? p.removes ?? '') };
    return { changes: [`run ${shellJoin(argv)}`], unpredictable: 'command would run', checkData: wouldRunData(p, argv), checkSkipData: checkModeData(argv) };
  },
  async apply(ctx, p) {
    const argv = commandArgv(p);
    return runExecTask(ctx, p, { argv, shown: argv });
  },
});
