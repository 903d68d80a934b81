/** `tsplay role init NAME [--path DIR]`: scaffolds a role (engine/extend/role-init.ts). */
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { ExitCode, TsplayError } from '../errors.js';
import { scaffoldRole } from '../extend/role-init.js';

const HELP = `tsplay role init NAME [--path DIR]

  Creates DIR/NAME (DIR defaults to ./roles) in Ansible's layout: tasks, handlers,
  defaults, vars, templates, files, meta (with argument_specs.yml), README.md and
  tests/test.yml with tests/inventory. An existing directory is never overwritten.`;

export async function roleCommand(argv: string[]): Promise<number> {
  let values: { path?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { path: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}\n`);
    return ExitCode.badOptions;
  }
  const [action, name, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.ok;
  }
  if (action !== 'init' || !name || extra.length) {
    process.stderr.write(`${action && action !== 'init' ? `unknown action '${action}'\n\n` : ''}${HELP}\n`);
    return ExitCode.badOptions;
  }
  try {
    const { roleDir, files } = scaffoldRole({ name, path: values.path });
    const shown = relative(process.cwd(), roleDir) || roleDir;
    process.stdout.write(`role ${name} created in ${shown}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    process.stdout.write(`check it: tsplay check ${shown}/tests/test.yml -i ${shown}/tests/inventory\n`);
    return ExitCode.ok;
  } catch (e) {
    if (!(e instanceof TsplayError)) throw e;
    process.stderr.write(`${e.format()}\n`);
    return ExitCode.badOptions;
  }
}
