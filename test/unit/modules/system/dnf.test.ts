import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../../engine/connection/local.js';
import { describe, expect, it } from 'vitest';
import { dnf, parseCheckUpdate, parseRpmProbe, RPM_PROBE, rpmTransactions, yum, type RpmParams } from '../../../../modules/system/dnf.js';
import { backendParams, packageModule, pickManager } from '../../../../modules/system/package.js';
import { parseAptProbe } from '../../../../modules/system/apt-probe.js';
import { FakeHost, HOSTILE, runSys, withDefaults } from './fake-host.js';

// rpm -q / dnf check-update output in the formats of a Rocky 9 host
const PROBE = readFileSync(new URL('../../../fixtures/system/rpm-probe-rocky9.txt', import.meta.url), 'utf8');
const APT = readFileSync(new URL('../../../fixtures/system/apt-probe-bookworm.txt', import.meta.url), 'utf8');
const planCtx = { host: 'h', check: false, diff: true, noLog: false };

describe('rpm probe parsers (Rocky 9 formats)', () => {
  it('reads installed versions per spec and the upgrades, stopping at obsoletes', () => {
    const f = parseRpmProbe(PROBE);
    expect(f.installed).toEqual({ 'postgresql15-server': '15.4-1PGDG.rhel9.x86_64', etcd: '3.5.9-1.el9.x86_64', kernel: '5.14.0-284.11.1.el9_2.x86_64' });
    expect(f.updates).toEqual({ etcd: '3.5.10-1.el9.x86_64', kernel: '5.14.0-362.13.1.el9_3.x86_64' });
    expect(parseCheckUpdate('Last metadata expiration check: 0:01:02 ago.\n')).toEqual({});
  });
});

describe('dnf / yum planner', () => {
  const f = parseRpmProbe(PROBE);
  const p = (x: Record<string, unknown>) => withDefaults<RpmParams>(dnf, x);
  it('installs missing packages in one transaction, upgrades for latest, removes for absent', () => {
    const r = dnf.plan(p({ name: ['postgresql15-server', 'haproxy', 'etcd'], enablerepo: 'pgdg15' }), f, planCtx);
    expect(r.changes).toEqual(['install haproxy latest']);
    expect(rpmTransactions('dnf', p({ enablerepo: 'pgdg15', disablerepo: ['epel'] }), r.state.changes)).toEqual([
      ['dnf', '-y', '--enablerepo=pgdg15', '--disablerepo=epel', 'install', 'haproxy'],
    ]);
    const latest = yum.plan(withDefaults<RpmParams>(yum, { name: 'etcd,haproxy', state: 'latest' }), f, planCtx);
    expect(latest.changes).toEqual(['install haproxy latest', 'upgrade etcd 3.5.9-1.el9.x86_64 -> 3.5.10-1.el9.x86_64']);
    expect(rpmTransactions('yum', withDefaults<RpmParams>(yum, {}), latest.state.changes)).toEqual([['yum', '-y', 'install', 'haproxy'], ['yum', '-y', 'upgrade', 'etcd']]);
    expect(dnf.plan(p({ name: ['etcd', 'haproxy'], state: 'removed' }), f, planCtx).changes).toEqual(['remove etcd 3.5.9-1.el9.x86_64']);
  });
  it('is idempotent once installed', () => {
    const after = { installed: { ...f.installed, haproxy: '2.4.22-1.el9.x86_64' }, updates: {} };
    expect(dnf.plan(p({ name: ['haproxy', 'etcd'], state: 'latest' }), after, planCtx).changes).toEqual([]);
  });
  it('check mode probes once and changes nothing; hostile specs are data', async () => {
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-rpm-probe' ? PROBE : undefined));
    const r = await runSys(dnf, { name: ['haproxy', ...HOSTILE.slice(0, 4)] }, h, { check: true });
    expect(r.changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.args).toEqual(['dnf', '0', '0', '', 'haproxy', ...HOSTILE.slice(0, 4)]);
  });
});

describe('rpm probe script on a real shell', () => {
  it('refreshes with the repository options as words (never globbed), passes hostile specs as data, reports a failed refresh', async () => {
    rmSync('/tmp/tsplay-pwned', { force: true });
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-rpm-'));
    // a fake dnf that prints its arguments one a line, and fails makecache when asked to
    writeFileSync(join(dir, 'dnf'), '#!/bin/sh\nfor a; do echo "arg:$a"; done\n[ -n "$FAIL" ] && exit 1\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(dir, '--enablerepo=pgdg-globbed'), '');
    const conn = new LocalConnection('local');
    const env = { PATH: `${dir}:/usr/bin:/bin` };
    const args = ['dnf', '0', '1', '--enablerepo=pgdg*\n--disablerepo=a b', ...HOSTILE];
    const ok = await conn.run(['sh', '-c', RPM_PROBE, 'probe', ...args], { env, cwd: dir });
    expect(parseRpmProbe(ok.stdout)).toMatchObject({ refreshed: true, installed: {} });
    const bad = await conn.run(['sh', '-c', RPM_PROBE, 'probe', ...args], { env: { ...env, FAIL: '1' }, cwd: dir });
    expect(parseRpmProbe(bad.stdout).refreshError).toBe(['arg:-y', 'arg:-q', 'arg:--enablerepo=pgdg*', 'arg:--disablerepo=a b', 'arg:makecache'].join('\n'));
    expect(existsSync('/tmp/tsplay-pwned')).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('package', () => {
  it('picks the manager from facts, else detects it', async () => {
    expect(pickManager(['apt-get'])).toBe('apt');
    expect(pickManager(['dnf', 'yum'])).toBe('dnf');
    expect(pickManager([])).toBeUndefined();
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-rpm-probe' ? PROBE : c.argv[3] === 'tsplay-apt-probe' ? APT : undefined));
    const r = await runSys(packageModule, { name: 'haproxy' }, h, { check: true, facts: { pkg_mgr: 'dnf' } });
    expect(r.plan.changes).toEqual(['install haproxy latest']);
    expect(r.plan.data?.backend).toBe('dnf');
    const h2 = new FakeHost((c) => (c.argv[3] === 'tsplay-pkg-mgr' ? 'apt-get\n' : c.argv[3] === 'tsplay-apt-probe' ? APT : undefined));
    const r2 = await runSys(packageModule, { name: 'ufw' }, h2, { check: true });
    expect(r2.plan.changes).toEqual([]);
    expect(h2.calls.map((c) => c.argv[3])).toEqual(['tsplay-pkg-mgr', 'tsplay-apt-probe']);
  });
  it('passes apt its defaults', () => {
    expect(backendParams('apt', { name: 'x', cache_valid_time: 60, update_cache: true })).toMatchObject({ cache_valid_time: 60, lock_timeout: 120 });
    expect(backendParams('dnf', { name: 'x' })).toEqual({ name: 'x', state: 'present', update_cache: false });
    expect(parseAptProbe(APT).installed.ufw).toBe('0.36.2-1');
  });
});
