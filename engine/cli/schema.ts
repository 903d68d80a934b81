/**
 * `tsplay schema [--tasks] [-o FILE]`: the JSON Schema of playbooks (or of
 * task files) for editors; docs/extending.md shows the yaml-language-server
 * comment and VS Code settings. Custom modules in ./library,
 * ./roles/X/library and modules_path are included.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode } from '../errors.js';
import { loadConfig } from '../inventory/config.js';
import { editorSchema } from '../extend/editor-schema.js';
import { loadPlaybookModules } from '../extend/for-playbook.js';

const HELP = `tsplay schema [--tasks] [-o FILE]

  Prints the JSON Schema of playbooks (with --tasks: of task files such as
  roles/NAME/tasks/main.yml), for YAML editors. Every module's arguments are in
  it, custom modules of ./library, ./roles/*/library and modules_path included.
  -o, --output FILE   write to FILE instead of standard output`;

export async function schemaCommand(argv: string[] = []): Promise<number> {
  let values: { tasks?: boolean; output?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { tasks: { type: 'boolean' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}\n`);
    return ExitCode.badOptions;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.ok;
  }
  const cfg = loadConfig();
  const custom = await loadPlaybookModules(resolve('schema.yml'), { rolesPath: cfg.rolesPath, modulesPath: cfg.modulesPath });
  for (const p of [...custom.problems, ...custom.warnings]) process.stderr.write(`[WARNING]: ${p.format()}\n`);
  const text = `${JSON.stringify(editorSchema(values.tasks ? 'tasks' : 'playbook'), null, 2)}\n`;
  if (values.output) writeFileSync(values.output, text);
  else process.stdout.write(text);
  return ExitCode.ok;
}
