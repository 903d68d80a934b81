import { existsSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.js';
import { apt, planApt, type AptParams, type AptProbeFacts } from '../../../../modules/system/apt.js';
import { APT_PROBE, parseAptPolicy, parseAptProbe } from '../../../../modules/system/apt-probe.js';
import { aptInstallArgv, aptRemoveArgv, lockMessage, POLICY_RC_D_WRAPPER } from '../../../../modules/system/apt-run.js';
import { contextFor, FakeHost, HOSTILE, runSys, withDefaults } from './fake-host.js';

const PROBE = readFileSync(new URL('../../../fixtures/system/apt-probe-bookworm.txt', import.meta.url), 'utf8');
const planCtx = { host: 'h', check: false, diff: true, noLog: false };
/** the recorded facts, with haproxy not installed (it was, on the recording host) */
const facts = (): AptProbeFacts => {
  const f = parseAptProbe(PROBE);
  delete f.installed.haproxy;
  return f;
};
const params = (p: Record<string, unknown>): AptParams => withDefaults<AptParams>(apt, p);

describe('apt probe parsers (recorded bookworm output)', () => {
  it('reads installed versions, candidates, cache age and the simulations', () => {
    const f = parseAptProbe(PROBE);
    expect(f.installed).toEqual({ dpkg: '1.21.23', ufw: '0.36.2-1', haproxy: '2.6.12-1+deb12u4' });
    expect(f.candidates).toEqual({ ufw: '0.36.2-1', haproxy: '2.6.12-1+deb12u4', dpkg: '1.21.23' });
    expect(f.cacheAge).toBe(1795322542 - 1795321147);
    expect(f.cacheUpdate).toBe('no');
    const u = parseAptProbe(readFileSync(new URL('../../../fixtures/system/apt-probe-bookworm-updated.txt', import.meta.url), 'utf8'));
    expect(u).toMatchObject({ cacheUpdate: 'yes', cacheAge: 0, installed: { ufw: '0.36.2-1' } });
    expect(f.needsFix).toBe(false);
    expect(f.autoremovable).toEqual([]);
    expect(f.deb).toBeUndefined();
  });
  it('reads candidates of (none) as unavailable and arch-qualified heads', () => {
    expect(parseAptPolicy('cron:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\nlibc6:amd64:\n  Installed: 2.36\n  Candidate: 2.37\n')).toEqual({ cron: null, libc6: '2.37' });
  });
});

describe('apt planner', () => {
  it('installs what is missing in one transaction and leaves what is there', () => {
    const r = apt.plan(params({ name: ['ufw', 'haproxy'] }), facts(), planCtx);
    expect(r.changes).toEqual(['install haproxy 2.6.12-1+deb12u4']);
    expect(r.state?.changes.install.map((s) => s.spec)).toEqual(['haproxy']);
    expect(r.diff?.[0]).toEqual({ path: 'packages', before: 'ufw 0.36.2-1\n', after: 'haproxy 2.6.12-1+deb12u4\nufw 0.36.2-1\n' });
    expect(r.data?.installed).toEqual([{ name: 'haproxy', version: '2.6.12-1+deb12u4' }]);
  });
  it('is idempotent: the facts after the install plan nothing', () => {
    const after = facts();
    after.installed.haproxy = '2.6.12-1+deb12u4';
    const r = apt.plan(params({ name: 'ufw,haproxy', state: 'latest' }), after, planCtx);
    expect(r.changes).toEqual([]);
    expect(r.reason).toBe('packages already latest');
  });
  it('removes, pins versions, upgrades to latest', () => {
    expect(apt.plan(params({ name: ['ufw', 'haproxy'], state: 'absent' }), facts(), planCtx).changes).toEqual(['remove ufw 0.36.2-1']);
    expect(apt.plan(params({ name: 'ufw=0.35-1' }), facts(), planCtx).changes).toEqual(['install ufw 0.35-1']);
    const old = facts();
    old.installed.ufw = '0.36.1-1';
    expect(apt.plan(params({ name: 'ufw', state: 'latest' }), old, planCtx).changes).toEqual(['upgrade ufw 0.36.1-1 -> 0.36.2-1']);
    expect(apt.plan(params({ name: 'ufw', state: 'present' }), old, planCtx).changes).toEqual([]);
  });
  it('fails on a package apt does not know, unless check mode skipped the cache update', () => {
    expect(() => apt.plan(params({ name: 'nosuch-pkg' }), facts(), planCtx)).toThrow("No package matching 'nosuch-pkg' is available");
    const r = planApt(params({ name: 'nosuch-pkg', update_cache: true }), { ...facts(), cacheUpdate: 'check' });
    expect(r.changes).toEqual(['install nosuch-pkg latest']);
  });
  it('a cache update alone is not a change (as in Ansible), but is returned', () => {
    const r = apt.plan(params({ update_cache: true }), { ...facts(), cacheUpdate: 'yes' }, planCtx);
    expect(r.changes).toEqual([]);
    expect(r.data?.cache_updated).toBe(true);
  });
  it('installs a deb only when that version is not installed', () => {
    const f: AptProbeFacts = { ...facts(), deb: { package: 'ufw', version: '0.36.2-1' }, debPath: '/tmp/ufw.deb' };
    expect(apt.plan(params({ deb: '/tmp/ufw.deb' }), f, planCtx).changes).toEqual([]);
    const g: AptProbeFacts = { ...f, deb: { package: 'tool', version: '1.0' } };
    expect(apt.plan(params({ deb: '/tmp/tool.deb' }), g, planCtx).changes).toEqual(['install tool 1.0']);
    expect(() => apt.plan(params({ deb: '/x.deb' }), { ...facts(), deb: 'missing' }, planCtx)).toThrow(/found neither on the host nor on the controller/);
  });
  it('fixed and autoremove act only when the simulations say so', () => {
    expect(apt.plan(params({ state: 'fixed' }), facts(), planCtx).changes).toEqual([]);
    const broken = parseAptProbe('@@updated\nno\n@@fixed\n0 upgraded, 1 newly installed, 0 to remove and 2 not upgraded.\n@@autoremove\nRemv libfoo1 [1.0-1]\n@@end\n');
    expect(broken).toMatchObject({ needsFix: true, autoremovable: ['libfoo1'] });
    expect(apt.plan(params({ state: 'fixed', autoremove: true }), broken, planCtx).changes).toEqual(['fix broken dependencies (apt-get -f install)', 'autoremove libfoo1']);
  });
  it('purges packages that left only configuration files', () => {
    const f = { ...facts(), configOnly: ['haproxy'] };
    expect(apt.plan(params({ name: 'haproxy', state: 'absent' }), f, planCtx).changes).toEqual([]);
    expect(apt.plan(params({ name: 'haproxy', state: 'absent', purge: true }), f, planCtx).changes).toEqual(['remove haproxy (configuration files)']);
  });
  it('refuses names that would be options', () => {
    expect(() => apt.plan(params({ name: '--allow-unauthenticated' }), facts(), planCtx)).toThrow(/would be read as an option/);
  });
});

describe('apt commands', () => {
  it('builds apt-get argv with dpkg options, lock timeout and recommends', () => {
    const o = { lockTimeout: 120, dpkgOptions: 'force-confdef,force-confold', installRecommends: false, defaultRelease: 'bookworm-backports' };
    expect(aptInstallArgv(['haproxy'], o)).toEqual([
      'apt-get', 'install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=120', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
      '--no-install-recommends', '-t', 'bookworm-backports', 'haproxy',
    ]);
    expect(aptRemoveArgv(['ufw'], { lockTimeout: 5, dpkgOptions: '', purge: true })).toEqual(['apt-get', 'purge', '-y', '-q', '-o', 'DPkg::Lock::Timeout=5', 'ufw']);
  });
  it('explains a held lock and a wait for it', () => {
    const held = { rc: 100, stdout: '', stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\n', durationMs: 1, shown: '' };
    expect(lockMessage(held, 120).fail).toBe('the dpkg lock is held by process 4242 (apt-get): gave up after waiting 120 s (lock_timeout)');
    const waited = { ...held, rc: 0, stderr: 'Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (dpkg)...' };
    expect(lockMessage(waited, 120)).toEqual({ waited: 'waited for the dpkg lock held by process 77 (dpkg)' });
  });
  it('puts policy-rc.d in place for the transaction and restores the old one, even on failure', async () => {
    const dir = `/tmp/tsplay-policy-${process.pid}`;
    const script = POLICY_RC_D_WRAPPER.replaceAll('/usr/sbin/policy-rc.d', `${dir}/policy-rc.d`);
    const conn = new LocalConnection('local');
    await conn.run(['sh', '-c', `mkdir -p ${dir} && echo old > ${dir}/policy-rc.d`]);
    const inside = await conn.run(['sh', '-c', script, 'x', '101', 'sh', '-c', `cat ${dir}/policy-rc.d; exit 3`]);
    expect(inside.rc).toBe(3);
    expect(inside.stdout).toBe('#!/bin/sh\nexit 101\n');
    expect(readFileSync(`${dir}/policy-rc.d`, 'utf8')).toBe('old\n');
    expect(existsSync(`${dir}/policy-rc.d.tsplay-saved`)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('apt module runs (scripted host)', () => {
  const host = (installed: () => string) =>
    new FakeHost((c) => {
      if (c.argv[3] === 'tsplay-apt-probe') return PROBE.replace('haproxy\tinstalled\t2.6.12-1+deb12u4\n', '');
      if (c.argv[0] === 'dpkg-query') return installed();
      if (c.argv[3] === 'tsplay-apt') return 'Setting up haproxy\n';
      return undefined;
    });
  it('asks the probe for a cache update with its validity, and for none in check mode', async () => {
    const h = host(() => '');
    await runSys(apt, { name: 'ufw', update_cache: true, cache_valid_time: 3600 }, h, { check: true });
    expect(h.calls[0]!.args.slice(0, 6)).toEqual(['', '0', '0', '3600', '1', '120']);
    await runSys(apt, { name: 'ufw', update_cache: true }, h);
    expect(h.calls[1]!.args.slice(0, 6)).toEqual(['', '0', '0', '0', '0', '120']);
    const failed = new FakeHost(() => '@@updated\nfailed\n@@update_output\nE: The repository is not signed.\n@@end\n');
    await expect(runSys(apt, { name: 'ufw', update_cache: true }, failed)).rejects.toThrow('apt-get update failed: E: The repository is not signed.');
  });
  it('check mode only probes', async () => {
    const h = host(() => '');
    const r = await runSys(apt, { name: ['haproxy', 'ufw'] }, h, { check: true });
    expect(r.changed).toBe(true);
    expect(h.calls.map((c) => c.argv[3])).toEqual(['tsplay-apt-probe']);
  });
  it('installs in one transaction with noninteractive apt, policy-rc.d code and the packages as data', async () => {
    let after = false;
    const h = host(() => (after ? 'haproxy\tinstalled\t2.6.12-1+deb12u4\nufw\tinstalled\t0.36.2-1\n' : 'ufw\tinstalled\t0.36.2-1\n'));
    h.handler = ((orig) => (c) => {
      if (c.argv[3] === 'tsplay-apt') after = true;
      return orig(c);
    })(h.handler);
    const r = await runSys(apt, { name: ['haproxy', 'ufw'], policy_rc_d: 101 }, h);
    const tx = h.calls.filter((c) => c.argv[3] === 'tsplay-apt');
    expect(tx).toHaveLength(1);
    expect(tx[0]!.args.slice(0, 3)).toEqual(['101', 'apt-get', 'install']);
    expect(tx[0]!.args.at(-1)).toBe('haproxy');
    expect(tx[0]!.env).toMatchObject({ DEBIAN_FRONTEND: 'noninteractive' });
    expect(r.result?.data?.installed).toEqual([{ name: 'haproxy', version: '2.6.12-1+deb12u4' }]);
  });
  it('hostile names reach the probe as data: nothing runs on a real shell', async () => {
    rmSync('/tmp/tsplay-pwned', { force: true });
    const conn = new LocalConnection('local');
    const ctx = contextFor(conn);
    const res = await ctx.run(['sh', '-c', APT_PROBE, 'probe', '', '0', '0', '', '1', '1', ...HOSTILE]);
    expect(res.stdout).toContain('@@end');
    expect(existsSync('/tmp/tsplay-pwned')).toBe(false);
    const f = parseAptProbe(res.stdout);
    expect(Object.keys(f.installed)).toEqual([]);
  });
});
