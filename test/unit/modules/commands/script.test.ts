import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { script, scriptRunner } from '../../../../modules/commands/script.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const base = mkdtempSync(join(tmpdir(), 'tsplay-script-'));
mkdirSync(join(base, 'files'));
writeFileSync(join(base, 'files', 'args.sh'), '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\necho "cwd=$(pwd)"\n');
writeFileSync(join(base, 'files', 'fail.sh'), '#!/bin/sh\necho "it broke" >&2\nexit 5\n');
writeFileSync(join(base, 'files', 'hello.py'), 'print("hi from python")\n');
afterAll(() => rmSync(base, { recursive: true, force: true }));
const planCtx = { host: 'h', check: false, diff: false, noLog: false };

describe('script planner', () => {
  it('is unpredictable; creates makes it a no-op (idempotence)', () => {
    expect(script.plan({ cmd: 'args.sh a' }, {}, planCtx).unpredictable).toBe('script would run');
    expect(script.plan({ cmd: 'args.sh a', creates: '/x' }, { createsExists: true }, planCtx)).toMatchObject({ changes: [], skipped: 'skipped, since /x exists' });
    expect(script.plan({ cmd: 'args.sh a', removes: '/y' }, { removesExists: false }, planCtx).skipped).toBe('skipped, since /y does not exist');
  });
  it('quotes every argument in the runner', () => {
    expect(scriptRunner({ argv: ['$(id)', "a'b"] })).toContain(`"$t" '$(id)' 'a'\\''b' </dev/null`);
  });
});

describe('script on a real host', () => {
  it('copies and runs with arguments as data, in chdir, then removes the copy', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('tsplay-script.')).length;
    const ctx = makeTestContext({ baseDir: base });
    const { result } = await runModule(script, { cmd: `args.sh 'a b' '$(echo pwned)' "\`id\`;x" 'two\nlines'`, chdir: base }, ctx);
    expect(result.status).toBe('changed');
    expect(result.data.stdout).toBe(`[a b]\n[$(echo pwned)]\n[\`id\`;x]\n[two\nlines]\ncwd=${base}\n`);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('tsplay-script.')).length).toBe(before);
  });
  it('runs with an executable', async () => {
    const { result } = await runModule(script, { cmd: 'hello.py', executable: 'python3' }, makeTestContext({ baseDir: base }));
    expect(result.data.stdout).toBe('hi from python\n');
  });
  it('fails with the exit status and stderr', async () => {
    const { result } = await runModule(script, { cmd: 'fail.sh' }, makeTestContext({ baseDir: base }));
    expect(result.status).toBe('failed');
    expect(result.detail).toBe('command fail.sh exited 5: it broke');
  });
  it('check mode: skipped, nothing runs; creates decides', async () => {
    const marker = join(base, 'made');
    writeFileSync(join(base, 'files', 'make.sh'), `touch '${marker}'\n`);
    const checked = await runModule(script, { cmd: 'make.sh' }, makeTestContext({ baseDir: base, check: true }));
    expect(checked.result.status).toBe('skipped');
    expect(existsSync(marker)).toBe(false);
    expect((await runModule(script, { cmd: 'make.sh', creates: marker }, makeTestContext({ baseDir: base }))).result.status).toBe('changed');
    expect((await runModule(script, { cmd: 'make.sh', creates: marker }, makeTestContext({ baseDir: base }))).result.status).toBe('skipped');
  });
});
