/**
 * Custom modules: found in library/ dirs, compiled (TypeScript on Node 20),
 * checked, registered; cached by content; broken ones reported with their file.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayErrors } from '../../../engine/errors.js';
import { libraryDirs, loadCustomModules, moduleFilesIn, customModuleFile } from '../../../engine/extend/loader.js';
import { compileModuleFile } from '../../../engine/extend/transpile.js';
import { getModule } from '../../../modules/registry.js';
import { validateModuleArgs } from '../../../engine/playbook/index.js';

let root: string;
let cacheDir: string;

const moduleSource = (name: string, extra = ''): string => `
import { defineModule } from 'tsplay';
import { greet } from './_helpers/greet.js';
interface P { who: string; times?: number }
export default defineModule<P, { seen: string }>({
  name: '${name}',
  doc: { short: 'says hello', examples: '- ${name}: { who: world }', returns: { greeting: 'the text' } },
  params: { type: 'object', additionalProperties: false, required: ['who'], properties: {
    who: { type: 'string', description: 'whom to greet' },
    times: { type: 'integer', description: 'how often' ${extra} } } },
  plan(p: P) { return { changes: [], reason: greet(p.who), data: { greeting: greet(p.who) } }; },
});
`;

function write(path: string, content: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsplay-extend-'));
  cacheDir = join(root, 'cache');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('module files', () => {
  it('takes .ts/.mts/.js/.mjs files directly in the dir, not helpers, tests or declarations', () => {
    const dir = join(root, 'files', 'library');
    for (const f of ['a.ts', 'b.mjs', 'c.js', 'd.mts', '_helper.ts', 'e.d.ts', 'f.test.ts', '.hidden.ts', 'readme.md']) write(join(dir, f), '');
    mkdirSync(join(dir, 'sub.ts'));
    expect(moduleFilesIn(dir).map((f) => f.slice(dir.length + 1))).toEqual(['a.ts', 'b.mjs', 'c.js', 'd.mts']);
  });

  it('library dirs: playbook first, then roles, then modules_path; missing ones left out', () => {
    const pb = join(root, 'dirs');
    for (const d of ['library', 'roles/web/library', 'roles/db/tasks', 'mods']) mkdirSync(join(pb, d), { recursive: true });
    expect(libraryDirs({ playbookDir: pb, rolesDirs: [join(pb, 'roles')], modulesPath: ['mods', 'nope'] })).toEqual([
      join(pb, 'library'),
      join(pb, 'roles/web/library'),
      join(pb, 'mods'),
    ]);
  });

  it("a role's test playbook (roles/X/tests/test.yml) sees the role's library/", () => {
    const role = join(root, 'rolelib', 'roles', 'web');
    for (const d of ['tasks', 'library', 'tests']) mkdirSync(join(role, d), { recursive: true });
    expect(libraryDirs({ playbookDir: join(role, 'tests') })).toContain(join(role, 'library'));
  });
});

describe('loadCustomModules', () => {
  it('compiles a TypeScript module with a relative helper and registers it', async () => {
    const pb = join(root, 'ok');
    write(join(pb, 'library', 'hello_ts.ts'), moduleSource('hello_ts'));
    write(join(pb, 'library', '_helpers', 'greet.ts'), 'export const greet = (w: string): string => `hello ${w}`;\n');
    const r = await loadCustomModules({ playbookDir: pb, cacheDir });
    expect(r.modules).toEqual([{ name: 'hello_ts', file: join(pb, 'library', 'hello_ts.ts'), replacesBuiltin: false }]);
    const mod = getModule('hello_ts')!;
    expect(customModuleFile(mod)).toBe(join(pb, 'library', 'hello_ts.ts'));
    expect(mod.plan({ who: 'you' }, { seen: '' }, { host: 'h', check: false, diff: false, noLog: false }).reason).toBe('hello you');
    // its own schema checks its arguments
    expect(validateModuleArgs('hello_ts', { who: 'x' }, { file: 'p.yml', line: 3, col: 5 })).toEqual([]);
    const bad = validateModuleArgs('hello_ts', { who: 'x', tiems: 2 }, { file: 'p.yml', line: 3, col: 5 });
    expect(bad[0]?.message).toMatch(/unknown argument 'tiems'.*did you mean 'times'/);
  });

  it('plain JavaScript modules exporting `module` work too', async () => {
    const pb = join(root, 'js');
    write(join(pb, 'library', 'hello_js.mjs'), `import { defineModule } from 'tsplay';
export const module = defineModule({ name: 'hello_js', doc: { short: 'js' }, params: { type: 'object', properties: {} }, plan: () => ({ changes: [] }) });\n`);
    await loadCustomModules({ playbookDir: pb, cacheDir });
    expect(getModule('hello_js')?.doc.short).toBe('js');
  });

  it('caches by content: same output while unchanged, a new one when a bundled helper changes', async () => {
    const lib = join(root, 'cache-test', 'library');
    const file = write(join(lib, 'cached_mod.ts'), moduleSource('cached_mod'));
    const helper = write(join(lib, '_helpers', 'greet.ts'), 'export const greet = (w: string): string => `hi ${w}`;\n');
    const first = await compileModuleFile(file, { cacheDir });
    expect(await compileModuleFile(file, { cacheDir })).toBe(first);
    writeFileSync(helper, 'export const greet = (w: string): string => `howdy ${w}`;\n');
    const second = await compileModuleFile(file, { cacheDir });
    expect(second).not.toBe(first);
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.json'))).toBe(true);
  });

  it('a later directory does not replace a module of an earlier one (precedence), and says so', async () => {
    const pb = join(root, 'prec');
    const src = (short: string) => `import { defineModule } from 'tsplay';
export default defineModule({ name: 'prec_mod', doc: { short: '${short}' }, params: { type: 'object', properties: {} }, plan: () => ({ changes: [] }) });\n`;
    write(join(pb, 'library', 'prec_mod.ts'), src('from playbook'));
    write(join(pb, 'mods', 'prec_mod.ts'), src('from modules_path'));
    const r = await loadCustomModules({ playbookDir: pb, modulesPath: ['mods'], cacheDir });
    expect(getModule('prec_mod')?.doc.short).toBe('from playbook');
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/also defined in .*library\/prec_mod.ts/)]);
  });

  it('a custom module may replace a shipped one (as Ansible library/ does)', async () => {
    const pb = join(root, 'override');
    write(join(pb, 'library', 'ping.ts'), `import { defineModule } from 'tsplay';
export default defineModule({ name: 'ping', doc: { short: 'my ping' }, params: { type: 'object', properties: {} }, plan: () => ({ changes: [] }) });\n`);
    const before = getModule('ping');
    const r = await loadCustomModules({ playbookDir: pb, cacheDir });
    expect(r.modules[0]?.replacesBuiltin).toBe(!!before);
    expect(getModule('ping')?.doc.short).toBe('my ping');
  });

  async function problemsOf(name: string, source: string): Promise<TsplayErrors> {
    const pb = join(root, `bad-${name}`);
    write(join(pb, 'library', `${name}.ts`), source);
    return loadCustomModules({ playbookDir: pb, cacheDir }).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as TsplayErrors,
    );
  }

  it('a syntax error is reported at its file:line:col', async () => {
    const e = await problemsOf('syntax', 'import { defineModule } from "tsplay";\nexport default defineModule({\n  name: "x",,\n});\n');
    expect(e).toBeInstanceOf(TsplayErrors);
    const err = e.errors[0]!;
    expect(err.code).toBe('TSPLAY_MODULE_LOAD');
    expect(err.source).toMatchObject({ file: expect.stringMatching(/bad-syntax\/library\/syntax\.ts$/), line: 3 });
    expect(err.format()).toMatch(/does not compile/);
  });

  it('an invalid schema, a missing doc and a missing plan are all named', async () => {
    const e = await problemsOf('shape', `export default { name: 'shape', params: { type: 'object', properties: { a: { type: 'strin' } } } };\n`);
    const msg = e.errors[0]!.message;
    expect(msg).toMatch(/doc\.short/);
    expect(msg).toMatch(/plan\(params, facts, ctx\) must be a function/);
    expect(msg).toMatch(/params is not a valid JSON Schema/);
    expect(e.errors[0]!.source?.file).toMatch(/shape\.ts$/);
  });

  it('a file without a module export, and one that throws when imported', async () => {
    expect((await problemsOf('noexport', 'export const x = 1;\n')).errors[0]!.message).toMatch(/must export a defineModule/);
    expect((await problemsOf('throws', 'throw new Error("boom at import");\n')).errors[0]!.message).toMatch(/throws when imported: boom at import/);
  });

  it('warns about parameters without a description', async () => {
    const pb = join(root, 'nodesc');
    write(join(pb, 'library', 'nodesc.ts'), `import { defineModule } from 'tsplay';
export default defineModule({ name: 'nodesc', doc: { short: 's' }, params: { type: 'object', properties: { a: { type: 'string' } } }, plan: () => ({ changes: [] }) });\n`);
    const r = await loadCustomModules({ playbookDir: pb, cacheDir });
    expect(r.warnings[0]?.message).toMatch(/parameters without a description: a/);
  });
});
