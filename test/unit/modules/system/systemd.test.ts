import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionArgv, planUnit, systemd, type SystemdParams } from '../../../../modules/system/systemd.js';
import { parseFailureInfo, parseSystemdProbe, startVerdict, SYSTEMD_PROBE } from '../../../../modules/system/systemd-probe.js';
import { parseServiceProbe, service, sysvPlan } from '../../../../modules/system/service.js';
import { FakeHost, HOSTILE, runSys } from './fake-host.js';

const fx = (n: string): string => readFileSync(new URL(`../../../fixtures/system/${n}`, import.meta.url), 'utf8');
const SSH = fx('systemd-show-ssh.service.txt');
const COND = fx('systemd-show-tsplay-cond.service.txt');
const BOOM = fx('systemd-show-tsplay-boom.service.txt');
const NOSUCH = fx('systemd-show-nosuch.service.txt');
const planCtx = { host: 'h', check: false, diff: true, noLog: false };
const props = (t: string) => parseSystemdProbe(t);

describe('systemd probe parsers (recorded bookworm output)', () => {
  it('reads systemctl show', () => {
    expect(props(SSH)).toMatchObject({ Id: 'ssh.service', ActiveState: 'active', UnitFileState: 'enabled', LoadState: 'loaded' });
    expect(props(NOSUCH).LoadState).toBe('not-found');
  });
  it('judges a start: skipped by a condition, failed, or fine', () => {
    expect(startVerdict(props(SSH))).toBeNull();
    expect(startVerdict(props(COND))?.kind).toBe('condition');
    expect(startVerdict(props(BOOM))).toEqual({ kind: 'failed', detail: 'ActiveState=failed, SubState=failed, Result=exit-code, ExecMainStatus=3' });
    // a oneshot that ran and finished
    expect(startVerdict({ ActiveState: 'inactive', Result: 'success', ConditionResult: 'yes', ExecMainStatus: '0' })).toBeNull();
  });
  it('finds the unmet condition (journal of systemd 252) and the status and journal of a failed unit', () => {
    expect(parseFailureInfo(fx('systemd-why-cond.txt')).conditions).toEqual(['ConditionPathExists=/nonexistent/flag was not met']);
    const boom = parseFailureInfo(fx('systemd-why-boom.txt'));
    expect(boom.status).toContain('Active: failed (Result: exit-code)');
    expect(boom.journal).toContain('boom-err');
    expect(parseFailureInfo('@@status\n  Condition: start condition failed at x\n             └─ ConditionPathExists=/a was not met\n@@journal\n@@end\n').conditions).toEqual(['ConditionPathExists=/a was not met']);
  });
});

describe('systemd planner', () => {
  const plan = (p: SystemdParams, t: string) => systemd.plan({ scope: 'system', ...p }, props(t), planCtx);
  it('started on a running unit is ok; stopped stops it; restarted always changes', () => {
    expect(plan({ name: 'ssh', state: 'started', enabled: true }, SSH).changes).toEqual([]);
    expect(plan({ name: 'ssh', state: 'stopped' }, SSH).changes).toEqual(['stop ssh']);
    expect(plan({ name: 'ssh', state: 'restarted' }, SSH).changes).toEqual(['restart ssh']);
    expect(plan({ name: 'ssh', state: 'reloaded' }, SSH).changes).toEqual(['reload ssh']);
    expect(plan({ name: 'tsplay-cond', state: 'reloaded' }, COND).changes).toEqual(['start tsplay-cond (it was not running)']);
  });
  it('orders unmask, enable, start, and shows a diff', () => {
    const masked = { ...props(COND), LoadState: 'masked', UnitFileState: 'masked' };
    const acts = planUnit({ name: 'x', state: 'started', enabled: true, masked: false }, masked);
    expect(acts.map((a) => a.verb)).toEqual(['unmask', 'enable', 'start']);
    const r = plan({ name: 'tsplay-cond', enabled: true, state: 'started' }, COND);
    expect(r.diff?.[0]).toEqual({ path: 'service tsplay-cond', before: 'ActiveState=inactive\nUnitFileState=disabled\n', after: 'ActiveState=active\nUnitFileState=enabled\n' });
    expect(() => planUnit({ name: 'x', state: 'started' }, masked)).toThrow('x is masked: it cannot be started (set masked: false)');
    expect(planUnit({ name: 'x', masked: true }, masked)).toEqual([]);
    // after unmask the old enablement shows again: it is set explicitly (found on the lab with haproxy)
    expect(planUnit({ name: 'x', masked: false, enabled: false }, masked).map((a) => a.verb)).toEqual(['unmask', 'disable']);
  });
  it('is idempotent: the state after apply plans nothing', () => {
    const after = { ...props(COND), ActiveState: 'active', UnitFileState: 'enabled' };
    expect(planUnit({ name: 'tsplay-cond', enabled: true, state: 'started' }, after)).toEqual([]);
    expect(planUnit({ name: 'ssh', enabled: false }, { ...props(SSH), UnitFileState: 'disabled' })).toEqual([]);
    expect(planUnit({ name: 'b', enabled: false }, props(BOOM))).toEqual([]);
  });
  it('daemon_reload only when systemd asks for it or the unit is not loaded; a missing unit fails', () => {
    expect(planUnit({ name: 'ssh', daemon_reload: true, state: 'started' }, props(SSH))).toEqual([]);
    expect(planUnit({ name: 'ssh', daemon_reload: true }, { ...props(SSH), NeedDaemonReload: 'yes' }).map((a) => a.verb)).toEqual(['daemon-reload']);
    expect(planUnit({ name: 'nosuch', daemon_reload: true, state: 'started' }, props(NOSUCH)).map((a) => a.verb)).toEqual(['daemon-reload', 'start']);
    expect(planUnit({ daemon_reload: true }, {}).map((a) => a.verb)).toEqual(['daemon-reload']);
    expect(() => planUnit({ name: 'nosuch', state: 'started' }, props(NOSUCH))).toThrow(/Could not find the requested service nosuch/);
  });
  it('builds systemctl argv with scope, no_block and the unit after --', () => {
    expect(actionArgv({ name: 'a$(b)', scope: 'user', no_block: true }, { verb: 'start', desc: '' })).toEqual(['systemctl', '--user', '--no-block', 'start', '--', 'a$(b)']);
    expect(actionArgv({ name: 'x' }, { verb: 'daemon-reload', desc: '' })).toEqual(['systemctl', '--system', 'daemon-reload']);
  });
});

describe('systemd runs (scripted host)', () => {
  it('a start skipped by its condition is a failure naming the condition', async () => {
    const h = new FakeHost((c) => {
      if (c.argv[3] === 'tsplay-systemd-probe') return COND;
      if (c.argv[3] === 'tsplay-systemd-why') return fx('systemd-why-cond.txt');
      return undefined;
    });
    await expect(runSys(systemd, { name: 'tsplay-cond', state: 'started' }, h)).rejects.toThrow(
      'tsplay-cond was not started: its condition failed (ConditionPathExists=/nonexistent/flag was not met)',
    );
    expect(h.calls.map((c) => c.argv[3])).toEqual(['tsplay-systemd-probe', 'tsplay-systemctl', 'tsplay-systemd-probe', 'tsplay-systemd-why']);
    expect(h.calls[1]!.args).toEqual(['--system', 'start', '--', 'tsplay-cond']);
    // the unit is judged after it had time to settle
    expect(h.calls[2]!.args.at(-1)).toBe('0.5');
  });
  it('a unit that fails carries systemctl status and the journal', async () => {
    let started = false;
    const h = new FakeHost((c) => {
      if (c.argv[3] === 'tsplay-systemd-probe') return started ? BOOM : COND.replace('ConditionResult=no', 'ConditionResult=yes');
      if (c.argv[3] === 'tsplay-systemd-why') return fx('systemd-why-boom.txt');
      if (c.argv.includes('start')) started = true;
      return undefined;
    });
    const err = await runSys(systemd, { name: 'tsplay-boom', state: 'started' }, h).catch((e: Error) => e);
    expect(String(err)).toContain('tsplay-boom failed to start (ActiveState=failed');
    expect(String(err)).toContain('boom-err');
    expect(String(err)).toContain('journalctl -u tsplay-boom -n 30');
  });
  it('check mode only probes; hostile unit names are data', async () => {
    const h = new FakeHost(() => NOSUCH);
    for (const name of HOSTILE.filter((n) => !n.includes('\n'))) {
      await runSys(systemd, { name, masked: true }, h, { check: true });
    }
    expect(h.calls.every((c) => c.argv[0] === 'sh' && c.argv[3] === 'tsplay-systemd-probe')).toBe(true);
    expect(h.calls.map((c) => c.args[1])).toEqual(HOSTILE.filter((n) => !n.includes('\n')));
  });
});

describe('service', () => {
  it('maps to systemd on systemd hosts (facts) and to service/update-rc.d elsewhere', async () => {
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-systemd-probe' ? SSH : undefined));
    const r = await runSys(service, { name: 'ssh', state: 'started' }, h, { facts: { service_mgr: 'systemd' } });
    expect(r.changed).toBe(false);
    expect(h.calls).toHaveLength(1);
    const f = parseServiceProbe('@@init\n@@status\n3\n@@links\nS01haproxy\n@@end\n');
    expect(f).toEqual({ systemd: false, sysv: { running: false, enabled: true } });
    expect(sysvPlan({ name: 'haproxy', state: 'started', enabled: false }, f.sysv).map((a) => a.at(-1))).toEqual(['haproxy', 'start']);
    expect(sysvPlan({ name: 'haproxy', state: 'started', enabled: true }, { running: true, enabled: true })).toEqual([]);
  });
  it('detects systemd when facts were not gathered', async () => {
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-service-probe' ? '@@init\nsystemd\n@@status\n0\n@@links\n@@end\n' : c.argv[3] === 'tsplay-systemd-probe' ? SSH : undefined));
    const r = await runSys(service, { name: 'ssh', state: 'stopped' }, h, { check: true });
    expect(r.plan.changes).toEqual(['stop ssh']);
  });
});

describe('SYSTEMD_PROBE script (run by sh with a stub systemctl)', () => {
  const runProbe = (stub: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-systemctl-'));
    writeFileSync(join(dir, 'systemctl'), `#!/bin/sh\n${stub}\n`, { mode: 0o755 });
    return spawnSync('sh', ['-c', SYSTEMD_PROBE, 'probe', '--system', 'x.service', 'Id,LoadState', ''], {
      encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
  };
  it('exits with systemctl show status: no systemd on the host is a failed probe, not a stopped unit', () => {
    const down = runProbe('echo "System has not been booted with systemd as init system (PID 1). Can\'t operate." >&2; exit 1');
    expect(down.status).toBe(1);
    expect(down.stdout).toContain('@@end');
    const up = runProbe('echo Id=x.service; echo LoadState=not-found');
    expect(up.status).toBe(0);
    expect(parseSystemdProbe(up.stdout)).toEqual({ Id: 'x.service', LoadState: 'not-found' });
  });
});
