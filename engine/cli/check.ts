/** `tsplay check PLAYBOOK -i INV`: every problem, with file:line:col; no host touched. */
import { ExitCode } from '../errors.js';
import { parseOrExit } from './options.js';
import { prepare, printProblems } from './prepare.js';
import { reportError } from './run.js';

const CHECK_HELP = 'tsplay check PLAYBOOK [-i INVENTORY] [-e VARS]\n  loads and checks playbooks, roles, includes, vars files, templates, module arguments and host patterns';

export async function checkCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExit(argv, CHECK_HELP);
  if (typeof parsed === 'number') return parsed;
  const { flags, positionals } = parsed;
  try {
    const prep = await prepare(positionals[0], flags, { sealedVaultValues: true });
    for (const w of prep.warnings) process.stderr.write(`[WARNING]: ${w.format()}\n`);
    if (prep.problems.length > 0) {
      printProblems(prep.problems, prep.redactor);
      return ExitCode.parseError;
    }
    const pb = prep.playbook!;
    const tasks = pb.plays.reduce((n, p) => n + p.sections.reduce((m, s) => m + s.tasks.length, 0) + p.handlers.length, 0);
    process.stdout.write(`${prep.playbookFile}: ok (${pb.plays.length} play${pb.plays.length === 1 ? '' : 's'}, ${tasks} task${tasks === 1 ? '' : 's'} and handlers at top level)\n`);
    return ExitCode.ok;
  } catch (e) {
    return reportError(e);
  }
}
