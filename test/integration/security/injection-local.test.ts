/**
 * The file modules for real (LocalConnection): a file whose name holds
 * quotes, `$()`, backticks, `;`, a newline, `|`, `&`, `*` and `$HOME` is
 * created with exactly that name, its content is exactly what was asked, and
 * nothing the name "says" gets executed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../engine/connection/local.js';
import type { AnyModule } from '../../../engine/module-api.js';
import { coerceModuleArgs, validateModuleArgs } from '../../../engine/playbook/index.js';
import { getModule } from '../../../modules/registry.js';
import { makeTestContext } from '../../helpers/ctx-utility-context.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-inj-local-'));
const canary = join(dir, 'PWNED');
const NAME = `a'b"c $(touch ${canary}1) \`touch ${canary.replace(/\//g, '\\/')}2\`; touch PWNED3\nx|y&z*q $HOME -- {{ x }}`.replace(/\//g, '_');
const CONTENT = `secret'"$(touch ${canary}4)\`id\`;\n$HOME\n`;
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'templates', 'c.j2'), CONTENT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function apply(module: string, raw: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const mod = getModule(module) as AnyModule;
  const p = coerceModuleArgs(mod, raw);
  expect(validateModuleArgs(module, p, { file: 't', line: 1, col: 1 })).toEqual([]);
  const ctx = makeTestContext({ conn: new LocalConnection('localhost'), baseDir: dir });
  const facts = mod.probe ? await mod.probe(ctx, p) : undefined;
  const plan = mod.plan(p, facts, { host: 'localhost', check: false, diff: false, noLog: false });
  if (plan.changes.length > 0 && mod.apply) return (await mod.apply(ctx, p, plan)).data;
  return plan.data;
}

/** A file the hostile text would create if run: a bare name ending in PWNEDn (real test files have spaces). */
function noCanary(): void {
  const bare = /^[\w.-]*PWNED\d$/;
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
  expect(walk(dir).filter((n) => bare.test(n))).toEqual([]);
  expect(readdirSync(process.cwd()).filter((n) => bare.test(n))).toEqual([]);
  expect(existsSync('/tmp/PWNED1')).toBe(false);
}

describe('file modules with hostile names and content, for real', () => {
  it('copy writes exactly that file with exactly that content', async () => {
    const dest = join(dir, `copy ${NAME}`);
    await apply('copy', { content: CONTENT, dest, mode: '0600', backup: true });
    expect(readFileSync(dest, 'utf8')).toBe(CONTENT);
    await apply('copy', { content: `${CONTENT}v2`, dest, backup: true });
    expect(readdirSync(dir).filter((n) => n.startsWith(`copy ${NAME.split('\n')[0]}`)).length).toBe(2);
    noCanary();
  });

  it('file: touch, directory, link and absent', async () => {
    const d = join(dir, `dir ${NAME}`);
    await apply('file', { path: d, state: 'directory', mode: '0750' });
    await apply('file', { path: join(d, NAME), state: 'touch' });
    expect(existsSync(join(d, NAME))).toBe(true);
    await apply('file', { path: join(dir, `link ${NAME}`), src: join(d, NAME), state: 'link' });
    expect(existsSync(join(dir, `link ${NAME}`))).toBe(true);
    await apply('file', { path: d, state: 'absent' });
    expect(existsSync(d)).toBe(false);
    noCanary();
  });

  it('template, lineinfile, blockinfile, replace and stat', async () => {
    const t = join(dir, `tpl ${NAME}`);
    await apply('template', { src: 'c.j2', dest: t });
    expect(readFileSync(t, 'utf8')).toBe(CONTENT);
    const l = join(dir, `lines ${NAME}`);
    await apply('lineinfile', { path: l, line: NAME.replace('\n', ' '), create: true });
    await apply('blockinfile', { path: l, block: CONTENT.trimEnd() });
    await apply('replace', { path: l, regexp: 'secret', replace: `$(touch ${canary}5)` });
    expect(readFileSync(l, 'utf8')).toContain(`$(touch ${canary}5)'"`);
    const st = await apply('stat', { path: l, get_checksum: true });
    expect((st?.stat as { exists?: boolean } | undefined)?.exists).toBe(true);
    noCanary();
  });

  it('command passes argv and chdir as data', async () => {
    const d = join(dir, `cwd ${NAME}`);
    mkdirSync(d);
    const out = await apply('command', { argv: ['printf', '%s', NAME], chdir: d });
    expect(out?.stdout).toBe(NAME);
    noCanary();
  });
});
