import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { command } from '../../../../modules/commands/command.js';
import { shell } from '../../../../modules/commands/shell.js';
import { raw } from '../../../../modules/commands/raw.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const planCtx = { host: 'h', check: false, diff: false, noLog: false };
/** every shell metacharacter a user value could carry */
const NASTY = `it's "q" $(echo pwned) \`echo pwned\`; echo pwned\nline2 $HOME *`;

describe('command planner', () => {
  it('is unpredictable unless creates/removes decide', () => {
    const plan = command.plan({ cmd: 'echo hi' }, {}, planCtx);
    expect(plan.unpredictable).toBe('command would run');
    expect(plan.changes).toEqual(['run echo hi']);
  });
  it('does nothing when creates exists (idempotence)', () => {
    const plan = command.plan({ cmd: 'touch /x', creates: '/x' }, { createsExists: true }, planCtx);
    expect(plan.changes).toEqual([]);
    expect(plan.unpredictable).toBeUndefined();
    expect(plan.data).toMatchObject({ rc: 0, cmd: ['touch', '/x'] });
  });
  it('fails without a command', () => {
    expect(() => command.plan({ cmd: '  ' }, {}, planCtx)).toThrow(/no command given/);
    expect(() => command.plan({ cmd: 'a', argv: ['b'] }, {}, planCtx)).toThrow(/not both/);
  });
});

describe('command on a real host (LocalConnection)', () => {
  it('runs argv without a shell and returns Ansible-shaped values', async () => {
    const { result } = await runModule(command, { cmd: 'echo "a  b" $HOME' }, makeTestContext());
    expect(result.status).toBe('changed');
    expect(result.data).toMatchObject({ rc: 0, stdout: 'a  b $HOME', stderr: '', cmd: ['echo', 'a  b', '$HOME'], msg: '' });
    expect(result.data.delta).toMatch(/^0:00:0\d\.\d{6}$/);
  });
  it('passes quotes, $(), backticks, ; and newlines as data', async () => {
    const { result } = await runModule(command, { argv: ['printf', '%s', NASTY] }, makeTestContext());
    expect(result.data.stdout).toBe(NASTY);
  });
  it('honours chdir, stdin and strip_empty_ends', async () => {
    const sub = join(dir, NASTY.replace(/\n/g, '_').replace(/\//g, '_'));
    mkdirSync(sub);
    const { result } = await runModule(command, { argv: ['pwd'], chdir: sub }, makeTestContext());
    expect(result.data.stdout).toBe(sub);
    const r2 = await runModule(command, { cmd: 'cat', stdin: 'hello', strip_empty_ends: false }, makeTestContext());
    expect(r2.result.data.stdout).toBe('hello\n');
  });
  it('creates: runs once, then is ok (idempotence), with a name full of metacharacters', async () => {
    const marker = join(dir, `m ${NASTY.replace(/\//g, '_')}`);
    const params = { argv: ['touch', marker], creates: marker };
    expect((await runModule(command, params, makeTestContext())).result.status).toBe('changed');
    expect(existsSync(marker)).toBe(true);
    const again = await runModule(command, params, makeTestContext());
    expect(again.result.status).toBe('ok');
    expect(again.result.reason).toContain('exists');
  });
  it('creates accepts a glob; removes skips when nothing matches', async () => {
    writeFileSync(join(dir, 'glob-a.txt'), '');
    expect((await runModule(command, { cmd: 'false', creates: join(dir, 'glob-*.txt') }, makeTestContext())).result.status).toBe('ok');
    expect((await runModule(command, { cmd: 'false', removes: join(dir, 'nothing-*') }, makeTestContext())).result.status).toBe('ok');
  });
  it('check mode: skipped "command would run", nothing executed', async () => {
    const marker = join(dir, 'check-marker');
    const { result } = await runModule(command, { argv: ['touch', marker] }, makeTestContext({ check: true }));
    expect(result).toMatchObject({ status: 'skipped', reason: 'command would run' });
    // as Ansible 2.14: a registered check-mode result still has stdout (empty)
    expect(result.data).toMatchObject({ cmd: ['touch', marker], rc: 0, stdout: '', stderr: '', stdout_lines: [], msg: 'Command would have run if not in check mode' });
    expect(existsSync(marker)).toBe(false);
    const sh = await runModule(shell, { cmd: `touch ${marker}` }, makeTestContext({ check: true }));
    expect(sh.result).toMatchObject({ status: 'skipped', data: { cmd: `touch ${marker}`, stdout: '', stderr: '' } });
    const decided = await runModule(command, { argv: ['touch', marker], removes: marker }, makeTestContext({ check: true }));
    expect(decided.result.status).toBe('ok');
  });
  it('check mode with creates/removes that say it would run: changed "Command would have run", as Ansible', async () => {
    const marker = join(dir, 'check-creates-marker');
    const { result } = await runModule(command, { argv: ['touch', marker], creates: marker }, makeTestContext({ check: true }));
    expect(result).toMatchObject({ status: 'changed', data: { rc: 0, msg: 'Command would have run if not in check mode' } });
    expect(existsSync(marker)).toBe(false);
    const sh = await runModule(shell, { cmd: `touch ${marker}`, removes: dir }, makeTestContext({ check: true }));
    expect(sh.result).toMatchObject({ status: 'changed', data: { msg: 'Command would have run if not in check mode' } });
    expect(existsSync(marker)).toBe(false);
  });
  it('fails with rc, its meaning and stderr; secrets masked', async () => {
    const { result } = await runModule(command, { argv: ['no-such-cmd-tsplay', 'hunter2'] }, makeTestContext({ secrets: ['hunter2'] }));
    expect(result.status).toBe('failed');
    expect(result.data.rc).toBe(127);
    expect(result.msg).toBe('non-zero return code');
    expect(result.detail).toContain('exited 127 (command not found)');
    expect(result.detail).toContain('no-such-cmd-tsplay ********');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('shell', () => {
  it('runs through sh with pipes; user values templated with quoting arrive as data', async () => {
    const { result } = await runModule(shell, { cmd: 'printf "%s\\n" a b | wc -l' }, makeTestContext());
    expect(result.data.stdout.toString().trim()).toBe('2');
    expect(result.data.cmd).toBe('printf "%s\\n" a b | wc -l');
  });
  it('uses executable and chdir with metacharacters', async () => {
    const sub = join(dir, `sh ${NASTY.replace(/\//g, '_')}`);
    mkdirSync(sub);
    const { result } = await runModule(shell, { cmd: 'echo "$0"; pwd', executable: '/bin/bash', chdir: sub }, makeTestContext());
    expect(result.data.stdout).toBe(`/bin/bash\n${sub}`);
  });
  it('check mode skips; creates makes it idempotent; failure reports rc', async () => {
    expect((await runModule(shell, { cmd: 'exit 3' }, makeTestContext({ check: true }))).result.status).toBe('skipped');
    expect((await runModule(shell, { cmd: 'exit 3', creates: dir }, makeTestContext())).result.status).toBe('ok');
    const failed = await runModule(shell, { cmd: 'echo boom >&2; exit 3' }, makeTestContext());
    expect(failed.result).toMatchObject({ status: 'failed', data: { rc: 3, stderr: 'boom' } });
    expect(failed.result.detail).toBe(`command echo boom >&2; exit 3 exited 3: boom`);
  });
  it('planner: unpredictable, or nothing to do when removes is missing', () => {
    expect(shell.plan({ cmd: 'x' }, {}, planCtx).unpredictable).toBeDefined();
    expect(shell.plan({ cmd: 'x', removes: '/nope' }, { removesExists: false }, planCtx).changes).toEqual([]);
  });
});

describe('raw', () => {
  it('sends the text as is; check mode skips', async () => {
    const { result } = await runModule(raw, { cmd: 'echo $((1+2))' }, makeTestContext());
    expect(result).toMatchObject({ status: 'changed', data: { rc: 0, stdout: '3\n' } });
    expect((await runModule(raw, { cmd: 'true' }, makeTestContext({ check: true }))).result.status).toBe('skipped');
    expect(raw.plan({ cmd: 'true' }, undefined, planCtx).unpredictable).toBe('command would run');
  });
  it('fails on non-zero', async () => {
    const { result } = await runModule(raw, { cmd: 'exit 126' }, makeTestContext());
    expect(result.detail).toContain('not executable');
  });
});
