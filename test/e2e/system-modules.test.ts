/**
 * The system modules on real Debian bookworm hosts (the lab, offline apt
 * repository): packages installed and removed, units started, stopped,
 * enabled and masked, ports opened and closed with ufw and firewalld. Every
 * module runs twice (changed, then ok), check mode is proved harmless by
 * probing the host afterwards, and hostile values arrive as data.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnection, type Connection } from '../../engine/connection/index.js';
import type { AnyModule } from '../../engine/module-api.js';
import { downLab, startLab, type Lab } from '../../engine/lab/index.js';
import { apt } from '../../modules/system/apt.js';
import { cron } from '../../modules/system/cron.js';
import { firewalld } from '../../modules/system/firewalld.js';
import { hostname } from '../../modules/system/hostname.js';
import { localeGen } from '../../modules/system/locale-gen.js';
import { modprobe } from '../../modules/system/modprobe.js';
import { seboolean } from '../../modules/system/selinux-boolean.js';
import { packageModule } from '../../modules/system/package.js';
import { service } from '../../modules/system/service.js';
import { systemd } from '../../modules/system/systemd.js';
import { ufw } from '../../modules/system/ufw.js';
import { runSys } from '../unit/modules/system/fake-host.js';
import { describeLab } from './helpers/lab-guard.js';

// generous: the machine is shared, and a loaded one made a fresh firewalld install take minutes
const SLOW = 480_000;

describeLab('system modules on lab hosts', () => {
  let lab: Lab;
  const conns: Record<string, Connection> = {};
  let h1 = '';
  let h2 = '';

  beforeAll(async () => {
    await downLab('sysmod'); // from bare hosts, whatever an interrupted run left
    lab = await startLab({ name: 'sysmod', hosts: 2, subnet: '10.213.30.0/24' });
    for (const h of lab.hosts) {
      const vars = { ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: lab.keyPath };
      conns[h.name] = createConnection(h.name, vars, { hostKeyChecking: true, knownHostsFiles: [lab.knownHostsPath], connectTimeoutMs: 15_000 });
      await conns[h.name]!.connect();
    }
    [h1, h2] = lab.hosts.map((h) => h.name) as [string, string];
  });
  // a CI machine is left as it was found; TSPLAY_KEEP_LAB=1 keeps the lab for a rerun
  afterAll(async () => {
    for (const c of Object.values(conns)) await c.close();
    if (lab && process.env.TSPLAY_KEEP_LAB !== '1') await lab.down();
  }, 600_000);

  const sh = async (host: string, cmd: string): Promise<string> => {
    const r = await lab.exec(host, cmd);
    return `${r.stdout}${r.stderr}`.trim();
  };
  const run = (mod: AnyModule, params: Record<string, unknown>, host: string, check = false) => runSys(mod, params, conns[host]!, { check });
  /** runs twice: changed, then ok */
  const converge = async (mod: AnyModule, params: Record<string, unknown>, host: string) => {
    const first = await run(mod, params, host);
    const second = await run(mod, params, host);
    expect({ first: first.changed, second: second.changed, plan: second.plan.changes }).toEqual({ first: true, second: false, plan: [] });
    return first;
  };

  it('apt installs offline without starting the service (policy_rc_d), idempotently; check mode removes nothing', async () => {
    await run(apt, { name: 'haproxy', state: 'absent', purge: true }, h1);
    const refreshed = await run(apt, { update_cache: true }, h1);
    expect({ changed: refreshed.changed, cache_updated: refreshed.plan.data?.cache_updated }).toEqual({ changed: false, cache_updated: true });
    const first = await converge(apt, { name: ['haproxy'], update_cache: true, cache_valid_time: 3600, policy_rc_d: 101 }, h1);
    expect(first.result?.data?.installed).toEqual([{ name: 'haproxy', version: expect.stringMatching(/^2\.6\./) }]);
    expect(await sh(h1, "dpkg-query -W -f='${db:Status-Status}' haproxy")).toBe('installed');
    expect(await sh(h1, 'systemctl is-active haproxy; test -e /usr/sbin/policy-rc.d && echo policy-left || echo policy-gone')).toBe('inactive\npolicy-gone');
    const check = await run(apt, { name: 'haproxy', state: 'absent' }, h1, true);
    expect(check.plan.changes).toEqual([expect.stringMatching(/^remove haproxy 2\.6\./)]);
    expect(await sh(h1, "dpkg-query -W -f='${db:Status-Status}' haproxy")).toBe('installed');
  }, SLOW);

  it('apt waits for a dpkg lock held by another process, and gives up after lock_timeout saying so', async () => {
    await run(apt, { name: 'haproxy', state: 'absent' }, h2);
    const hold = (seconds: number) =>
      sh(h2, `nohup python3 -c "import fcntl,time; f=open('/var/lib/dpkg/lock-frontend','w'); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(${seconds})" >/dev/null 2>&1 & sleep 0.5`);
    await hold(6);
    await expect(run(apt, { name: 'haproxy', lock_timeout: 1, policy_rc_d: 101 }, h2)).rejects.toThrow(/the dpkg lock is held by process \d+ \(python3\): gave up after waiting 1 s \(lock_timeout\)/);
    await sh(h2, 'while fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1; do sleep 0.2; done; true');
    await hold(3);
    const r = await run(apt, { name: 'haproxy', lock_timeout: 30, policy_rc_d: 101 }, h2);
    expect(r.changed).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/waited for the dpkg lock held by process \d+ \(python3\)/);
  }, SLOW);

  it('apt installs a .deb from the controller (uploaded) once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-deb-'));
    try {
      mkdirSync(join(dir, 'pkg/DEBIAN'), { recursive: true });
      mkdirSync(join(dir, 'pkg/usr/share/tsplay-demo'), { recursive: true });
      writeFileSync(join(dir, 'pkg/DEBIAN/control'), 'Package: tsplay-demo\nVersion: 1.0-1\nArchitecture: all\nMaintainer: tsplay <t@example.invalid>\nDescription: demo\n');
      writeFileSync(join(dir, 'pkg/usr/share/tsplay-demo/README'), 'demo\n');
      execFileSync('dpkg-deb', ['--build', '--root-owner-group', join(dir, 'pkg'), join(dir, 'tsplay-demo_1.0-1_all.deb')], { stdio: 'ignore' });
      await run(apt, { name: 'tsplay-demo', state: 'absent' }, h1);
      const first = await converge(apt, { deb: join(dir, 'tsplay-demo_1.0-1_all.deb') }, h1);
      expect(first.result?.data?.installed).toEqual([{ name: 'tsplay-demo', version: '1.0-1' }]);
      expect(await sh(h1, "dpkg-query -W -f='${Version}' tsplay-demo")).toBe('1.0-1');
      await converge(apt, { name: 'tsplay-demo', state: 'absent' }, h1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, SLOW);

  it('package picks apt, removes, and refuses hostile names as unknown packages', async () => {
    await run(apt, { name: 'haproxy', state: 'present', policy_rc_d: 101 }, h2);
    await converge(packageModule, { name: 'haproxy', state: 'absent' }, h2);
    expect(await sh(h2, "dpkg-query -W -f='${db:Status-Status}' haproxy")).toMatch(/not-installed|config-files/);
    await sh(h2, 'rm -f /tmp/tsplay-pwned');
    await expect(run(apt, { name: ['$(touch /tmp/tsplay-pwned)', '`touch /tmp/tsplay-pwned`', 'a;touch /tmp/tsplay-pwned'] }, h2)).rejects.toThrow(/No package matching/);
    expect(await sh(h2, 'test -e /tmp/tsplay-pwned && echo pwned || echo clean')).toBe('clean');
  }, SLOW);

  it('systemd starts, stops, enables, masks a unit, seen by systemctl; check mode changes nothing', async () => {
    await run(systemd, { name: 'haproxy', masked: false }, h1);
    await run(systemd, { name: 'haproxy', state: 'stopped', enabled: false }, h1);
    await converge(systemd, { name: 'haproxy', state: 'started', enabled: true }, h1);
    expect(await sh(h1, 'systemctl is-active haproxy; systemctl is-enabled haproxy')).toBe('active\nenabled');
    const check = await run(systemd, { name: 'haproxy', state: 'stopped', masked: true }, h1, true);
    expect(check.plan.changes).toEqual(['mask haproxy', 'stop haproxy']);
    expect(await sh(h1, 'systemctl is-active haproxy; systemctl is-enabled haproxy')).toBe('active\nenabled');
    expect((await run(systemd, { name: 'haproxy', state: 'restarted' }, h1)).changed).toBe(true);
    await converge(systemd, { name: 'haproxy', state: 'stopped' }, h1);
    await converge(systemd, { name: 'haproxy', masked: true }, h1);
    expect(await sh(h1, 'systemctl is-active haproxy; systemctl is-enabled haproxy')).toBe('inactive\nmasked');
    await expect(run(systemd, { name: 'haproxy', state: 'started' }, h1)).rejects.toThrow('haproxy is masked');
    await converge(systemd, { name: 'haproxy', masked: false, enabled: false }, h1);
    expect(await sh(h1, 'systemctl is-enabled haproxy')).toBe('disabled');
    await converge(service, { name: 'haproxy', state: 'started' }, h1);
    expect(await sh(h1, 'systemctl is-active haproxy')).toBe('active');
  }, SLOW);

  it('systemd: a unit skipped by ConditionPathExists is not started; a failing unit brings its journal', async () => {
    await sh(h1, [
      'printf "[Unit]\\nConditionPathExists=/nonexistent/flag\\n[Service]\\nExecStart=/bin/sleep 1000\\n" > /etc/systemd/system/tsplay-cond.service',
      'printf "[Service]\\nExecStart=/bin/sh -c \\"echo tsplay-boom-err >&2; exit 3\\"\\n" > /etc/systemd/system/tsplay-boom.service',
      'systemctl stop tsplay-cond tsplay-boom 2>/dev/null; true',
    ].join('; '));
    await expect(run(systemd, { name: 'tsplay-cond', state: 'started', daemon_reload: true }, h1)).rejects.toThrow(
      'tsplay-cond was not started: its condition failed (ConditionPathExists=/nonexistent/flag was not met)',
    );
    const err = await run(systemd, { name: 'tsplay-boom', state: 'started', daemon_reload: true }, h1).catch((e: Error) => e);
    expect(String(err)).toMatch(/tsplay-boom failed to start \(ActiveState=failed/);
    expect(String(err)).toContain('tsplay-boom-err');
  }, SLOW);

  it('ufw opens and closes a port, seen by ufw status; check mode adds nothing', async () => {
    await run(apt, { name: 'ufw', state: 'absent', purge: true }, h1);
    await converge(apt, { name: 'ufw', policy_rc_d: 101 }, h1);
    await run(ufw, { state: 'reset' }, h1);
    await converge(ufw, { rule: 'allow', port: 22, proto: 'tcp' }, h1);
    await converge(ufw, { state: 'enabled', policy: 'deny' }, h1);
    const check = await run(ufw, { rule: 'allow', port: 5432, proto: 'tcp', from_ip: '10.213.30.0/24', comment: 'pg $(id)' }, h1, true);
    expect(check.changed).toBe(true);
    expect(await sh(h1, 'ufw status')).not.toContain('5432');
    await converge(ufw, { rule: 'allow', port: 5432, proto: 'tcp', from_ip: '10.213.30.0/24', comment: 'pg $(id)' }, h1);
    expect(await sh(h1, 'ufw status')).toMatch(/5432\/tcp\s+ALLOW\s+10\.213\.30\.0\/24\s+# pg \$\(id\)/);
    await converge(ufw, { rule: 'allow', port: 5432, proto: 'tcp', from_ip: '10.213.30.0/24', delete: true }, h1);
    expect(await sh(h1, 'ufw status')).not.toContain('5432');
    await converge(ufw, { state: 'disabled' }, h1);
    expect(await sh(h1, 'ufw status')).toBe('Status: inactive');
  }, SLOW);

  it('firewalld opens and closes ports, seen by firewall-cmd --list-all; offline when stopped', async () => {
    await run(apt, { name: 'ufw', state: 'absent' }, h2);
    await run(apt, { name: 'firewalld' }, h2);
    await run(systemd, { name: 'firewalld', state: 'started' }, h2);
    await run(firewalld, { port: ['5432/tcp', '6000-6010/udp'], permanent: true, immediate: true, state: 'disabled' }, h2);
    const check = await run(firewalld, { port: '5432/tcp', permanent: true, immediate: true, state: 'enabled' }, h2, true);
    expect(check.plan.changes).toHaveLength(2);
    expect(await sh(h2, 'firewall-cmd --list-ports; firewall-cmd --permanent --list-ports')).not.toContain('5432');
    await converge(firewalld, { port: ['5432/tcp', '6000-6010/udp'], permanent: true, immediate: true, state: 'enabled' }, h2);
    expect(await sh(h2, 'firewall-cmd --zone public --list-all')).toMatch(/ports: .*5432\/tcp.*6000-6010\/udp/);
    expect(await sh(h2, 'firewall-cmd --permanent --zone public --list-all')).toMatch(/ports: .*5432\/tcp/);
    const rich = 'rule family="ipv4" source address="10.213.30.0/24" port port="8008" protocol="tcp" accept';
    await converge(firewalld, { rich_rule: rich, zone: 'public', state: 'enabled' }, h2);
    await converge(firewalld, { rich_rule: rich, zone: 'public', state: 'disabled' }, h2);
    await converge(firewalld, { port: '5432/tcp', permanent: true, immediate: true, state: 'disabled' }, h2);
    expect(await sh(h2, 'firewall-cmd --zone public --list-all')).not.toMatch(/5432/);
    await sh(h2, 'systemctl stop firewalld');
    try {
      await converge(firewalld, { port: '2379/tcp', permanent: true, state: 'enabled' }, h2);
      expect(await sh(h2, 'firewall-offline-cmd --zone public --list-ports')).toContain('2379/tcp');
      await expect(run(firewalld, { port: '2380/tcp', state: 'enabled' }, h2)).rejects.toThrow(/firewalld is not running/);
      await converge(firewalld, { port: '2379/tcp', permanent: true, state: 'disabled' }, h2);
    } finally {
      await sh(h2, 'systemctl start firewalld');
    }
  }, SLOW);
  it('hostname, cron (cron_file), locale_gen, modprobe persistence: changed then ok, check mode harmless', async () => {
    const before = await sh(h2, 'hostname');
    try {
      expect((await run(hostname, { name: 'tsplay-renamed' }, h2, true)).changed).toBe(true);
      expect(await sh(h2, 'hostname')).toBe(before);
      await converge(hostname, { name: 'tsplay-renamed' }, h2);
      expect(await sh(h2, 'hostname; cat /etc/hostname')).toBe('tsplay-renamed\ntsplay-renamed');
    } finally {
      await run(hostname, { name: before }, h2);
    }
    await sh(h2, 'rm -f /etc/cron.d/tsplay-test');
    const job = { name: 'vacuum $(id)', minute: '0', hour: '3', job: 'echo "$(id)" `id` > /dev/null', user: 'postgres', cron_file: 'tsplay-test' };
    await converge(cron, job, h2);
    expect(await sh(h2, 'cat /etc/cron.d/tsplay-test')).toBe('#Ansible: vacuum $(id)\n0 3 * * * postgres echo "$(id)" `id` > /dev/null');
    await converge(cron, { name: 'vacuum $(id)', state: 'absent', cron_file: 'tsplay-test' }, h2);
    expect(await sh(h2, 'test -e /etc/cron.d/tsplay-test && echo left || echo gone')).toBe('gone');
    await run(apt, { name: 'locales', state: 'absent' }, h2);
    await converge(apt, { name: 'locales', policy_rc_d: 101 }, h2);
    await run(localeGen, { name: 'de_DE.UTF-8', state: 'absent' }, h2);
    expect((await run(localeGen, { name: 'de_DE.UTF-8' }, h2, true)).changed).toBe(true);
    expect(await sh(h2, 'locale -a')).not.toContain('de_DE.utf8');
    await converge(localeGen, { name: 'de_DE.UTF-8' }, h2);
    expect(await sh(h2, 'locale -a')).toContain('de_DE.utf8');
    await converge(localeGen, { name: 'de_DE.UTF-8', state: 'absent' }, h2);
    // a container cannot load kernel modules: only the boot files are managed here (state: absent keeps it unloaded)
    await converge(modprobe, { name: 'br_netfilter', state: 'absent', params: 'x=1', persistent: 'present' }, h2);
    expect(await sh(h2, 'cat /etc/modules-load.d/br_netfilter.conf /etc/modprobe.d/br_netfilter.conf')).toBe('br_netfilter\noptions br_netfilter x=1');
    await converge(modprobe, { name: 'br_netfilter', state: 'absent', persistent: 'absent' }, h2);
  }, SLOW);

  it('selinux_boolean on a host without SELinux fails clearly, or is skipped when told to ignore it', async () => {
    await expect(run(seboolean, { name: 'haproxy_connect_any', state: true }, h1)).rejects.toThrow(`SELinux is disabled on ${h1}`);
    const r = await run(seboolean, { name: 'haproxy_connect_any', state: true, ignore_selinux_state: true }, h1);
    expect(r.plan.skipped).toBe(`SELinux is disabled on ${h1}`);
  }, SLOW);
});
