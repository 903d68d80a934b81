/** The doc, schema and role subcommands in-process: output, options and exit codes. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { docCommand } from '../../../engine/cli/doc.js';
import { schemaCommand } from '../../../engine/cli/schema.js';
import { roleCommand } from '../../../engine/cli/role.js';

let dir: string;
let cwd: string;
let out: string;
let err: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cli-extend-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

function capture(): void {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
}
afterEach(() => vi.restoreAllMocks());

describe('tsplay doc', () => {
  it('a module by name or alias, as text and as JSON', async () => {
    capture();
    expect(await docCommand(['ansible.builtin.copy'])).toBe(0);
    expect(out).toMatch(/^copy: /);
    expect(out).toContain('ARGUMENTS\n  src (string) [required: one of src, content]');
    expect(out).toContain('RETURNS\n');
    expect(out).toContain('EXAMPLES\n');
    capture();
    expect(await docCommand(['copy', '--json'])).toBe(0);
    const data = JSON.parse(out) as { name: string; arguments: { name: string; required: unknown }[]; returns: Record<string, string> };
    expect(data.name).toBe('copy');
    expect(data.arguments.find((a) => a.name === 'dest')?.required).toBe(true);
    expect(Object.keys(data.returns).length).toBeGreaterThan(0);
  });

  it('--list, and an unknown module with a suggestion', async () => {
    capture();
    expect(await docCommand(['--list'])).toBe(0);
    expect(out).toMatch(/^copy {2,}Copy /m);
    capture();
    expect(await docCommand(['lineinfle'])).toBe(1);
    expect(err).toMatch(/unknown module 'lineinfle'.*did you mean 'lineinfile'/);
  });

  it('a broken custom module in ./library is reported; the others are still documented', async () => {
    mkdirSync(join(dir, 'library'), { recursive: true });
    writeFileSync(join(dir, 'library', 'bad_one.ts'), 'export default 42;\n');
    writeFileSync(join(dir, 'library', 'good_one.ts'), `import { defineModule } from 'tsplay';
export default defineModule({ name: 'good_one', doc: { short: 'works' }, params: { type: 'object', properties: { a: { type: 'string', description: 'an a' } } }, plan: () => ({ changes: [] }) });\n`);
    capture();
    expect(await docCommand(['good_one'])).toBe(0);
    expect(out).toContain('good_one: works');
    expect(out).toContain(`custom module: ${join(dir, 'library', 'good_one.ts')}`);
    expect(err).toMatch(/\[WARNING\]: .*bad_one\.ts:1:1: bad_one\.ts is not a valid module/);
    rmSync(join(dir, 'library'), { recursive: true });
  });
});

describe('tsplay schema', () => {
  it('--tasks -o FILE writes the task-file variant', async () => {
    capture();
    expect(await schemaCommand(['--tasks', '-o', 'tasks.json'])).toBe(0);
    const schema = JSON.parse(readFileSync(join(dir, 'tasks.json'), 'utf8')) as { items: unknown; title: string };
    expect(schema.items).toEqual({ $ref: '#/definitions/task' });
    expect(schema.title).toBe('tsplay task file');
    capture();
    expect(await schemaCommand(['--bogus'])).toBe(5);
  });
});

describe('tsplay role', () => {
  it('init NAME --path DIR; usage errors exit 5', async () => {
    capture();
    expect(await roleCommand(['init', 'cache', '--path', 'r'])).toBe(0);
    expect(existsSync(join(dir, 'r', 'cache', 'tests', 'test.yml'))).toBe(true);
    expect(out).toContain('check it: tsplay check r/cache/tests/test.yml -i r/cache/tests/inventory');
    capture();
    expect(await roleCommand(['init', 'cache', '--path', 'r'])).toBe(5);
    expect(err).toMatch(/already exists/);
    capture();
    expect(await roleCommand(['create', 'x'])).toBe(5);
    expect(err).toMatch(/unknown action 'create'/);
    capture();
    expect(await roleCommand(['init'])).toBe(5);
  });
});
