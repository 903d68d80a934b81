/**
 * `tsplay doc` covers every shipped module: a one-line description, arguments
 * from the schema, examples that parse and pass the static check, return
 * values. Runs over whatever the registry holds (families still landing too).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModules } from '../../../modules/registry.js';
import { checkPlaybook } from '../../../engine/playbook/index.js';
import { parseYaml } from '../../../engine/yaml.js';
import { argumentDocs, moduleDocData, typeOf } from '../../../engine/extend/module-doc.js';
import { formatModuleDoc } from '../../../engine/cli/doc.js';
import { defineModule } from '../../../engine/module-api.js';

/** Engine actions with nothing to return. */
const NO_RETURN_VALUES = new Set(['meta']);
/** What an example must not produce under the static check. */
const ARG_PROBLEMS = new Set(['TSPLAY_MODULE_ARGS', 'TSPLAY_UNKNOWN_MODULE', 'TSPLAY_UNKNOWN_KEY', 'TSPLAY_SCHEMA', 'TSPLAY_YAML_SYNTAX']);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-doc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modules = listModules();

/** The examples as the tasks of a play, through the static check. */
async function exampleProblems(name: string, examples: string): Promise<string[]> {
  const file = join(dir, `${name}.yml`);
  const body = examples.split('\n').map((l) => `    ${l}`).join('\n');
  writeFileSync(file, `- hosts: all\n  gather_facts: false\n  tasks:\n${body}\n`);
  return (await checkPlaybook(file)).filter((p) => ARG_PROBLEMS.has(p.code)).map((p) => p.format());
}

describe('documentation of every shipped module', () => {
  it('the registry has modules', () => {
    expect(modules.length).toBeGreaterThan(20);
  });

  it.each(modules.map((m) => [m.name, m] as const))('%s', async (name, mod) => {
    expect(mod.doc.short.trim(), 'doc.short').not.toBe('');
    expect(mod.doc.short, 'doc.short is one line').not.toMatch(/\n/);
    if (!NO_RETURN_VALUES.has(name)) expect(Object.keys(mod.doc.returns ?? {}).length, 'doc.returns').toBeGreaterThan(0);
    expect(mod.doc.examples, 'doc.examples').toBeTruthy();
    const tasks = parseYaml(mod.doc.examples!, `${name} examples`).value;
    expect(Array.isArray(tasks) && tasks.length > 0, 'examples are a list of tasks').toBe(true);
    const names = new Set([name, ...(mod.aliases ?? [])]);
    const usesIt = (tasks as Record<string, unknown>[]).some((t) => t && Object.keys(t).some((k) => names.has(k)));
    expect(usesIt, 'an example uses the module').toBe(true);
    // the examples pass the static check (module arguments against the schema)
    expect(await exampleProblems(name, mod.doc.examples!)).toEqual([]);
    // and the text rendering lists every argument
    const text = formatModuleDoc(moduleDocData(mod));
    for (const a of argumentDocs(mod)) expect(text).toContain(`  ${a.name} (`);
  });
});

describe('the example check itself', () => {
  it('catches an example with a bad argument', async () => {
    const problems = await exampleProblems('copy-bad', '- copy: { dest: /tmp/x, content: y, mdoe: "0644" }');
    expect(problems).toEqual([expect.stringMatching(/copy-bad\.yml:4:\d+: module 'copy': unknown argument 'mdoe'/)]);
  });
});

describe('argument docs from a schema', () => {
  const mod = defineModule({
    name: 'sample',
    doc: { short: 'sample', returns: { x: 'y' } },
    params: {
      type: 'object',
      anyOf: [{ required: ['path'] }, { required: ['dest'] }],
      required: ['state'],
      properties: {
        path: { type: 'string', description: 'the file' },
        dest: { type: 'string', description: 'Alias of path.' },
        state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'wanted state' },
        names: { type: 'array', items: { type: 'string' }, aliases: ['name'], description: 'some names' },
        mode: { anyOf: [{ type: 'string' }, { type: 'integer' }], description: 'permissions' },
      },
    },
    plan: () => ({ changes: [] }),
  });

  it('folds aliases, marks one-of requirements, keeps choices and defaults', () => {
    expect(argumentDocs(mod)).toEqual([
      { name: 'path', type: 'string', required: true, aliases: ['dest'], description: 'the file' },
      { name: 'state', type: 'string', required: true, default: 'present', choices: ['present', 'absent'], aliases: [], description: 'wanted state' },
      { name: 'names', type: 'list of string', required: false, aliases: ['name'], description: 'some names' },
      { name: 'mode', type: 'string | integer', required: false, aliases: [], description: 'permissions' },
    ]);
  });

  it('one of several names required', () => {
    const m = defineModule({ ...mod, params: { type: 'object', anyOf: [{ required: ['src'] }, { required: ['content'] }], properties: { src: { type: 'string' }, content: { type: 'string' } } } });
    expect(argumentDocs(m).map((a) => a.required)).toEqual([['src', 'content'], ['src', 'content']]);
  });

  it('renders text with arguments, returns and check mode', () => {
    const text = formatModuleDoc(moduleDocData(mod, '/x/library/sample.ts'));
    expect(text).toContain('custom module: /x/library/sample.ts');
    expect(text).toContain('  path (string) [required]\n      the file\n      aliases: dest');
    expect(text).toContain('  state (string) [required; default "present"]\n      wanted state\n      choices: "present", "absent"');
    expect(text).toContain('RETURNS\n  x: y');
    expect(text).toContain('check mode: supported: the module changes nothing');
  });

  it('types', () => {
    expect(typeOf({ enum: ['a', 1] })).toBe('string | number');
    expect(typeOf({ type: ['string', 'integer'] })).toBe('string | integer');
    expect(typeOf({})).toBe('any');
  });
});
