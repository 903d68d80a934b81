import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterFacts, parseSetupOutput, setup, withAnsiblePrefix } from '../../../../modules/utility/setup.js';
import { parseAddrs, parseLinks, prefixToNetmask } from '../../../../modules/utility/setup-network.js';
import { serviceMgr } from '../../../../modules/utility/setup-facts.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const planCtx = { host: 'h', check: false, diff: false, noLog: false };

describe('setup parser on recorded output', () => {
  it('Debian bookworm (lab-like nspawn host)', () => {
    const f = parseSetupOutput(fixture('setup-debian-bookworm.txt'));
    expect(f).toMatchObject({
      hostname: 'pg1', nodename: 'pg1', fqdn: 'pg1.lab.internal', domain: 'lab.internal',
      os_family: 'Debian', distribution: 'Debian', distribution_version: '12.5', distribution_major_version: '12',
      distribution_minor_version: '5', distribution_release: 'bookworm',
      architecture: 'x86_64', kernel: '6.1.0-18-amd64', system: 'Linux',
      processor_vcpus: 2, memtotal_mb: 1987, service_mgr: 'systemd', pkg_mgr: 'apt',
      user_id: 'root', user_uid: 0, user_dir: '/root', user_shell: '/bin/bash',
      python_version: '3.11.2', selinux: { status: 'disabled' }, local: {},
      interfaces: ['lo', 'host0'], all_ipv4_addresses: ['10.213.0.11', '10.213.0.100'],
    });
    expect(f.default_ipv4).toEqual({
      interface: 'host0', address: '10.213.0.11', gateway: '10.213.0.1', alias: 'host0', broadcast: '10.213.0.255',
      netmask: '255.255.255.0', network: '10.213.0.0', prefix: '24', macaddress: '96:3f:1e:0a:5b:21', mtu: 1500, type: 'ether',
    });
    expect(f.host0).toMatchObject({ device: 'host0', active: true, ipv4: { address: '10.213.0.11', prefix: '24' }, ipv4_secondaries: [{ address: '10.213.0.100' }] });
    expect(f.python).toMatchObject({ executable: '/usr/bin/python3', version: { major: 3, minor: 11, micro: 2 } });
    expect(f.date_time).toMatchObject({ date: '2024-03-05', time: '14:07:09', epoch: '1709647629', iso8601: '2024-03-05T14:07:09Z', weekday: 'Tuesday', tz: 'UTC' });
    expect(f.env).toMatchObject({ HOME: '/root', MULTI: 'line one\nline two', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
  });

  it('Ubuntu 22.04 (cloud VM)', () => {
    const f = parseSetupOutput(fixture('setup-ubuntu-2204.txt'));
    expect(f).toMatchObject({
      hostname: 'ip-172-31-20-15', os_family: 'Debian', distribution: 'Ubuntu', distribution_version: '22.04',
      distribution_major_version: '22', distribution_minor_version: '04', distribution_release: 'jammy',
      pkg_mgr: 'apt', service_mgr: 'systemd', processor_vcpus: 4, memtotal_mb: 7851, user_id: 'ubuntu', user_uid: 1000,
      user_dir: '/home/ubuntu', python_version: '3.10.12', interfaces: ['lo', 'ens5', 'docker0'],
      all_ipv4_addresses: ['172.31.20.15', '172.17.0.1'],
    });
    expect(f.default_ipv4).toMatchObject({ interface: 'ens5', address: '172.31.20.15', gateway: '172.31.16.1', prefix: '20', netmask: '255.255.240.0', network: '172.31.16.0', broadcast: '172.31.31.255', mtu: 9001 });
    expect(f.docker0).toMatchObject({ active: true, macaddress: '02:42:8e:1d:7a:c4' });
  });

  it('Rocky Linux 9 (RedHat family, SELinux enforcing, dnf)', () => {
    const f = parseSetupOutput(fixture('setup-rocky-9.txt'));
    expect(f).toMatchObject({
      hostname: 'db3', fqdn: 'db3.example.com', domain: 'example.com', os_family: 'RedHat', distribution: 'Rocky',
      distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Blue Onyx', pkg_mgr: 'dnf',
      swaptotal_mb: 2047, python_version: '3.9.18',
      selinux: { status: 'enabled', mode: 'enforcing', config_mode: 'enforcing', type: 'targeted' },
    });
    expect(f.date_time).toMatchObject({ tz: 'CET', tz_dst: 'CEST', tz_offset: '+0100', iso8601: '2024-02-20T07:15:42Z', iso8601_micro: '2024-02-20T07:15:42.004200Z', iso8601_basic: '20240220T081542004200', hour: '08' });
  });

  it('refuses output cut short', () => {
    expect(() => parseSetupOutput('\n@@tsplay:nodename\nx\n')).toThrow(/cut short/);
  });
});

describe('setup helpers', () => {
  it('netmasks, links and addresses', () => {
    expect(prefixToNetmask(20)).toBe('255.255.240.0');
    expect(prefixToNetmask(0)).toBe('0.0.0.0');
    expect(parseLinks('7: vb-node1@if2: <BROADCAST,UP> mtu 1500 qdisc x\\    link/ether 66:8c:47:fc:e8:00 brd ff')[0]).toEqual({
      device: 'vb-node1', active: true, promisc: false, mtu: 1500, type: 'ether', macaddress: '66:8c:47:fc:e8:00',
    });
    expect(parseAddrs('6: br-x    inet 10.0.0.1/24 scope global br-x\\ valid').get('br-x')?.[0]).toMatchObject({ broadcast: '', network: '10.0.0.0' });
  });
  it('service manager from PID 1', () => {
    expect(serviceMgr('systemd\n@systemd_dir')).toBe('systemd');
    expect(serviceMgr('bash\n@initd')).toBe('sysvinit');
    expect(serviceMgr('process_api\n@initd')).toBe('process_api');
  });
  it('filter globs with or without the ansible_ prefix; planner is a no-op (idempotent)', () => {
    const facts = { distribution: 'Debian', distribution_version: '12', hostname: 'h', default_ipv4: {} };
    expect(Object.keys(filterFacts(facts, ['ansible_distribution*']))).toEqual(['distribution', 'distribution_version']);
    expect(Object.keys(filterFacts(facts, 'hostname'))).toEqual(['hostname']);
    const plan = setup.plan({}, facts, planCtx);
    expect(plan.changes).toEqual([]);
    // registered as Ansible's setup returns them: ansible_ prefix but gather_subset/module_setup
    expect(plan.data).toEqual({ ansible_facts: { ansible_distribution: 'Debian', ansible_distribution_version: '12', ansible_hostname: 'h', ansible_default_ipv4: {} } });
    expect(withAnsiblePrefix({ local: {}, gather_subset: ['all'], module_setup: true, ansible_x: 1 })).toEqual({ ansible_local: {}, gather_subset: ['all'], module_setup: true, ansible_x: 1 });
  });
});

describe('setup on this machine (LocalConnection)', () => {
  it('gathers real facts in one command, also in check mode', async () => {
    const ctx = makeTestContext({ check: true });
    const { result } = await runModule(setup, {}, ctx);
    expect(result.status).toBe('ok');
    expect(ctx.conn.stats().commands).toBe(1);
    const f = (result.data as { ansible_facts: Record<string, unknown> }).ansible_facts;
    expect(f.ansible_system).toBe('Linux');
    expect(typeof f.ansible_hostname).toBe('string');
    expect(f.ansible_processor_vcpus).toBeGreaterThan(0);
    expect(f.ansible_memtotal_mb).toBeGreaterThan(0);
    expect(f.ansible_user_uid).toBe(process.getuid?.());
    expect(f.ansible_env).toMatchObject({ PATH: expect.any(String) });
    expect(f.gather_subset).toEqual(['all']);
  });
});
