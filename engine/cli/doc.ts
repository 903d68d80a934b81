/**
 * `tsplay doc MODULE`, `tsplay doc --list`, `--json`: generated from each
 * module's schema and doc (engine/extend/module-doc.ts). Custom modules in
 * ./library, ./roles/X/library and modules_path are documented too.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ExitCode, TsplayError } from '../errors.js';
import { allModuleNames, getModule, listModules } from '../../modules/registry.js';
import { didYouMean } from '../playbook/suggest.js';
import type { AnyModule } from '../module-api.js';
import { loadConfig } from '../inventory/config.js';
import { loadPlaybookModules } from '../extend/for-playbook.js';
import { customModuleFile } from '../extend/loader.js';
import { moduleDocData, type ArgumentDoc, type ModuleDocData } from '../extend/module-doc.js';

const HELP = `tsplay doc MODULE [--json]      arguments, examples and return values of a module
tsplay doc --list [--json]      every module with its one-line description

  -M, --module-path DIR   also load custom modules from DIR (repeatable; besides
                          ./library, ./roles/*/library and modules_path)`;

interface DocFlags {
  list?: boolean;
  json?: boolean;
  help?: boolean;
  'module-path'?: string[];
}

export async function docCommand(argv: string[]): Promise<number> {
  let values: DocFlags;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { list: { type: 'boolean', short: 'l' }, json: { type: 'boolean', short: 'j' }, help: { type: 'boolean', short: 'h' }, 'module-path': { type: 'string', short: 'M', multiple: true } },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}\n`);
    return ExitCode.badOptions;
  }
  if (values.help) return write(`${HELP}\n`);
  try {
    await loadLocalModules(values['module-path'] ?? []);
  } catch (e) {
    if (!(e instanceof TsplayError)) throw e;
    process.stderr.write(`${e.format()}\n`);
    return ExitCode.error;
  }
  if (values.list || positionals.length === 0) return listDocs(!!values.json);
  let code: number = ExitCode.ok;
  for (const name of positionals) {
    const mod = getModule(name);
    if (!mod) {
      process.stderr.write(`unknown module '${name}'${didYouMean(name, allModuleNames())} (tsplay doc --list shows them all)\n`);
      code = ExitCode.error;
      continue;
    }
    const data = moduleDocData(mod, customModuleFile(mod));
    process.stdout.write(values.json ? `${JSON.stringify(data, null, 2)}\n` : formatModuleDoc(data));
  }
  return code;
}

function write(text: string): number {
  process.stdout.write(text);
  return ExitCode.ok;
}

/**
 * Custom modules reachable from the working directory, as a playbook there
 * would see them. One that does not load is reported, and the others are
 * still documented.
 */
async function loadLocalModules(extra: string[]): Promise<void> {
  const cfg = loadConfig();
  const found = await loadPlaybookModules(resolve('doc.yml'), { rolesPath: cfg.rolesPath, modulesPath: [...extra.map((d) => resolve(d)), ...cfg.modulesPath] });
  for (const w of [...found.problems, ...found.warnings]) process.stderr.write(`[WARNING]: ${w.format()}\n`);
}

function listDocs(json: boolean): number {
  const mods = listModules();
  if (json) {
    const list = mods.map((m: AnyModule) => ({ name: m.name, aliases: m.aliases ?? [], short: m.doc.short, ...(customModuleFile(m) ? { file: customModuleFile(m) } : {}) }));
    return write(`${JSON.stringify(list, null, 2)}\n`);
  }
  const width = Math.max(...mods.map((m) => m.name.length));
  return write(mods.map((m) => `${m.name.padEnd(width)}  ${m.doc.short}${customModuleFile(m) ? '  (custom)' : ''}\n`).join(''));
}

const show = (v: unknown): string => JSON.stringify(v);

function formatArgument(a: ArgumentDoc): string[] {
  const flags = [
    a.required === true ? 'required' : Array.isArray(a.required) ? `required: one of ${a.required.join(', ')}` : undefined,
    a.default !== undefined ? `default ${show(a.default)}` : undefined,
  ].filter(Boolean);
  const lines = [`  ${a.name} (${a.type})${flags.length ? ` [${flags.join('; ')}]` : ''}`];
  if (a.description) lines.push(...wrap(a.description, 6));
  if (a.choices) lines.push(`      choices: ${a.choices.map(show).join(', ')}`);
  if (a.aliases.length) lines.push(`      aliases: ${a.aliases.join(', ')}`);
  return lines;
}

/** Text wrapped at 100 columns under an indent. */
function wrap(text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let cur = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (cur && pad.length + cur.length + word.length + 1 > 100) {
        lines.push(pad + cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    lines.push(pad + cur);
  }
  return lines;
}

export function formatModuleDoc(d: ModuleDocData): string {
  const lines = [`${d.name}: ${d.short}`];
  if (d.aliases.length) lines.push(`  also: ${d.aliases.join(', ')}`);
  if (d.file) lines.push(`  custom module: ${d.file}`);
  if (d.description) lines.push('', ...wrap(d.description, 0));
  lines.push('', 'ARGUMENTS');
  if (d.arguments.length === 0) lines.push('  (none)');
  for (const a of d.arguments) lines.push(...formatArgument(a));
  lines.push('', 'RETURNS');
  const returns = Object.entries(d.returns);
  if (returns.length === 0) lines.push('  (nothing besides changed/failed)');
  for (const [k, v] of returns) lines.push(`  ${k}: ${v}`);
  if (d.examples) lines.push('', 'EXAMPLES', d.examples);
  lines.push('', `check mode: ${d.checkMode}${d.controllerOnly ? '; runs on the controller' : ''}`);
  return `${lines.join('\n')}\n`;
}
