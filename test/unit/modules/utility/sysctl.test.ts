import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSysctlProbe, sysctl } from '../../../../modules/utility/sysctl.js';
import { editSysctlFile, fileValue, normalizeSysctlValue, procPath, sysctlEqual } from '../../../../modules/utility/sysctl-file.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const planCtx = { host: 'h', check: false, diff: false, noLog: false };
const dir = mkdtempSync(join(tmpdir(), 'tsplay-sysctl-'));
// kernel.msgmax: a harmless IPC limit; the original value is restored after the tests
const KEY = 'kernel.msgmax';
let original = '';
beforeAll(() => {
  original = readFileSync(procPath(KEY), 'utf8').trim();
});
afterAll(() => {
  writeFileSync(procPath(KEY), `${original}\n`);
  rmSync(dir, { recursive: true, force: true });
});

describe('sysctl file edits and values (pure)', () => {
  it('normalises values and compares word by word', () => {
    expect(normalizeSysctlValue(true)).toBe('1');
    expect(normalizeSysctlValue('no')).toBe('0');
    expect(normalizeSysctlValue(' 4096 ')).toBe('4096');
    expect(sysctlEqual('4096\t87380\t6291456', '4096 87380 6291456')).toBe(true);
    expect(procPath('net.ipv4.ip_forward')).toBe('/proc/sys/net/ipv4/ip_forward');
    expect(procPath('net/ipv4/conf/eth0.100/forwarding')).toBe('/proc/sys/net/ipv4/conf/eth0.100/forwarding');
  });
  it('replaces the first assignment, drops duplicates, keeps comments, appends when missing', () => {
    const text = '# tuning\nvm.swappiness = 60\nnet.core.somaxconn=128\nvm.swappiness=30\n';
    expect(fileValue(text, 'vm.swappiness')).toBe('30');
    expect(editSysctlFile(text, 'vm.swappiness', '1')).toBe('# tuning\nvm.swappiness=1\nnet.core.somaxconn=128\n');
    expect(editSysctlFile(text, 'vm.overcommit_memory', '2')).toBe(`${text}vm.overcommit_memory=2\n`);
    expect(editSysctlFile(text, 'vm.swappiness', undefined)).toBe('# tuning\nnet.core.somaxconn=128\n');
    expect(editSysctlFile('', 'a.b', '1')).toBe('a.b=1\n');
  });
  it('parses the probe output', () => {
    expect(parseSysctlProbe('@@live\n4096\t87380\n@@file\na=1\n')).toEqual({ live: '4096\t87380', file: 'a=1\n' });
    expect(parseSysctlProbe('@@live\n@@missing\n@@file\n@@nofile\n')).toEqual({ live: undefined, file: undefined });
  });
});

describe('sysctl planner', () => {
  const p = { name: 'vm.swappiness', value: 1, sysctl_file: '/etc/sysctl.d/90.conf', sysctl_set: true };
  it('plans the file and the live value', () => {
    const plan = sysctl.plan(p, { live: '60', file: undefined }, planCtx);
    expect(plan.changes).toEqual(['set vm.swappiness=1 in /etc/sysctl.d/90.conf', 'set live vm.swappiness from 60 to 1']);
    expect(plan.diff).toEqual([{ path: '/etc/sysctl.d/90.conf', before: '', after: 'vm.swappiness=1\n' }]);
  });
  it('is idempotent: nothing once file and live match (spacing in the file tolerated)', () => {
    expect(sysctl.plan(p, { live: '1', file: 'vm.swappiness=1\n' }, planCtx).changes).toEqual([]);
    expect(sysctl.plan(p, { live: '1', file: 'vm.swappiness = 1\n' }, planCtx).changes).toEqual([]);
    expect(sysctl.plan({ ...p, state: 'absent' }, { live: '1', file: '# x\n' }, planCtx).changes).toEqual([]);
  });
  it('live differs only: without sysctl_set it is not touched', () => {
    expect(sysctl.plan({ ...p, sysctl_set: false }, { live: '60', file: 'vm.swappiness=1\n' }, planCtx).changes).toEqual([]);
  });
  it('fails on an unknown key or a multi-line value', () => {
    expect(() => sysctl.plan(p, { live: undefined, file: '' }, planCtx)).toThrow(/does not exist/);
    expect(() => sysctl.plan({ ...p, value: '1\nkernel.x=2' }, { live: '1', file: '' }, planCtx)).toThrow(/one line/);
  });
});

describe('sysctl on this machine', () => {
  it('writes the file (reload off), is idempotent, and check mode changes nothing', async () => {
    const file = join(dir, "90-tsplay $(id) `x`;'q'\n.conf");
    writeFileSync(file, '# managed\nkernel.msgmax = 1\n');
    const params = { name: KEY, value: original, sysctl_file: file, reload: false };
    const checked = await runModule(sysctl, params, makeTestContext({ check: true }));
    expect(checked.result.status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe('# managed\nkernel.msgmax = 1\n');
    expect((await runModule(sysctl, params, makeTestContext())).result.status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe(`# managed\nkernel.msgmax=${original}\n`);
    expect((await runModule(sysctl, params, makeTestContext())).result.status).toBe('ok');
    expect((await runModule(sysctl, { ...params, state: 'absent' }, makeTestContext())).result.status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe('# managed\n');
  });
  it('sets the live value with sysctl_set and reloads the file', async () => {
    const file = join(dir, 'live.conf');
    const wanted = String(Number(original) + 1);
    const r = await runModule(sysctl, { name: KEY, value: wanted, sysctl_file: file, sysctl_set: true }, makeTestContext());
    expect(r.result.status).toBe('changed');
    expect(readFileSync(procPath(KEY), 'utf8').trim()).toBe(wanted);
    expect((await runModule(sysctl, { name: KEY, value: wanted, sysctl_file: file, sysctl_set: true }, makeTestContext())).result.status).toBe('ok');
    writeFileSync(procPath(KEY), `${original}\n`);
    const drift = await runModule(sysctl, { name: KEY, value: wanted, sysctl_file: file, sysctl_set: true }, makeTestContext());
    expect(drift.result.status).toBe('changed');
    expect(drift.plan?.changes).toEqual([`set live ${KEY} from ${original} to ${wanted}`]);
    // reload alone (file changes, no sysctl_set) also applies it
    writeFileSync(procPath(KEY), `${original}\n`);
    rmSync(file);
    expect((await runModule(sysctl, { name: KEY, value: wanted, sysctl_file: file }, makeTestContext())).result.status).toBe('changed');
    expect(readFileSync(procPath(KEY), 'utf8').trim()).toBe(wanted);
  });
});
