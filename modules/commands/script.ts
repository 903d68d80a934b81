import { readFile } from 'node:fs/promises';
import { shellJoin, shellQuote } from '../../engine/connection/types.js';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { execParamProps } from './command.js';
import { failFromCommand, pathSkipReason, probePaths, runAndReport, splitArgs, type PathFacts } from './exec-common.js';

export interface ScriptParams {
  cmd?: string;
  chdir?: string;
  creates?: string;
  removes?: string;
  executable?: string;
}

/**
 * The remote side of `script`: the script body arrives on stdin, goes to a
 * private temporary file, runs with the quoted arguments, and is removed.
 */
export function scriptRunner(opts: { argv: string[]; chdir?: string; executable?: string }): string {
  const run = opts.executable ? `${shellQuote(opts.executable)} "$t"` : '"$t"';
  const args = opts.argv.length ? ` ${shellJoin(opts.argv)}` : '';
  return [
    't=$(mktemp "${TMPDIR:-/tmp}/tsplay-script.XXXXXX") || exit 1',
    'cat > "$t" && chmod 700 "$t" || { rm -f "$t"; exit 1; }',
    opts.chdir ? `cd ${shellQuote(opts.chdir)} || { rm -f "$t"; exit 1; }` : ':',
    `${run}${args} </dev/null`,
    'rc=$?; rm -f "$t"; exit $rc',
  ].join('\n');
}

export const script = defineModule<ScriptParams, PathFacts>({
  name: 'script',
  aliases: ['ansible.builtin.script'],
  freeForm: 'cmd',
  doc: {
    short: 'Copy a controller script to the host and run it',
    description:
      'cmd is "path [args...]": the path is looked up in the role files/ then the playbook directory; arguments are split ' +
      'like a shell would and passed as data (no expansion). One round trip: the body travels on stdin to a private temporary file. ' +
      'When creates/removes decide it need not run, the task is skipped (as in Ansible).',
    examples: ['- script: files/bootstrap.sh --cluster main', '- script:', '    cmd: check.py', '    executable: python3', '    creates: /etc/done'].join('\n'),
    returns: { rc: 'exit status', stdout: 'standard output', stderr: 'standard error' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The script path on the controller, followed by its arguments.' },
      executable: { type: 'string', description: 'Run the script with this interpreter (python3, /bin/bash) instead of its shebang.' },
      ...execParamProps,
    },
  },
  async probe(ctx, p) {
    return probePaths(ctx, p);
  },
  plan(p, facts) {
    const words = splitArgs(p.cmd ?? '');
    if (words.length === 0) throw new ModuleFailure('no script given: set cmd to "path [args]"');
    const skip = pathSkipReason(p, facts);
    // unlike command, Ansible's script reports these as skipped
    if (skip) {
      const why = p.creates !== undefined && facts.createsExists ? `skipped, since ${p.creates} exists` : `skipped, since ${p.removes} does not exist`;
      return { changes: [], skipped: why, data: { msg: why } };
    }
    return { changes: [`run script ${p.cmd}`], unpredictable: 'script would run' };
  },
  async apply(ctx, p) {
    const [path, ...argv] = splitArgs(p.cmd ?? '');
    const body = await readFile(ctx.findFile('files', path!));
    const { data, res } = await runAndReport(ctx, {
      // its own sh: the runner's variables and exits stay out of the connection shell
      script: ['sh', '-c', scriptRunner({ argv, chdir: p.chdir, executable: p.executable })],
      shownCmd: p.cmd ?? '',
      stdin: body,
      strip: false,
    });
    const out = { rc: data.rc, stdout: data.stdout, stderr: data.stderr, cmd: p.cmd };
    if (res.rc !== 0) failFromCommand(res, ctx, out, p.cmd ?? '');
    return { changed: true, data: out };
  },
});
