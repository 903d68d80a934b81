import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSetupOutput, setup, withAnsiblePrefix } from '../../../../modules/utility/setup.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const dir = join(import.meta.dirname, '../../../fixtures/facts');
const recorded = withAnsiblePrefix(parseSetupOutput(readFileSync(join(dir, 'setup-local-debian12.txt'), 'utf8')));
const ansible = (JSON.parse(readFileSync(join(dir, 'ansible-setup-local-debian12.json'), 'utf8')) as { ansible_facts: Record<string, unknown> }).ansible_facts;

/** Facts the module adds after parsing (not in the parser's output). */
const NOT_GATHERED = ['gather_subset', 'module_setup'];

/** Facts whose value must be the same as Ansible's on the same host and minute. */
const MUST_AGREE = [
  'ansible_processor', 'ansible_processor_count', 'ansible_processor_cores', 'ansible_processor_threads_per_core',
  'ansible_processor_vcpus', 'ansible_processor_nproc', 'ansible_memtotal_mb', 'ansible_swaptotal_mb', 'ansible_machine_id',
  'ansible_dns', 'ansible_lsb', 'ansible_cmdline', 'ansible_proc_cmdline', 'ansible_fqdn', 'ansible_hostname', 'ansible_nodename',
  'ansible_domain', 'ansible_virtualization_type', 'ansible_virtualization_role', 'ansible_default_ipv4', 'ansible_default_ipv6',
  'ansible_ssh_host_key_rsa_public', 'ansible_ssh_host_key_ed25519_public_keytype', 'ansible_distribution_file_path',
  'ansible_distribution_file_variety', 'ansible_distribution_file_parsed', 'ansible_userspace_bits', 'ansible_userspace_architecture',
  'ansible_apparmor', 'ansible_fips', 'ansible_is_chroot', 'ansible_lvm', 'ansible_system_capabilities',
  'ansible_system_capabilities_enforced', 'ansible_iscsi_iqn', 'ansible_hostnqn', 'ansible_fibre_channel_wwn', 'ansible_bios_vendor',
  'ansible_form_factor', 'ansible_product_uuid', 'ansible_system_vendor', 'ansible_effective_user_id', 'ansible_real_group_id',
  'ansible_python', 'ansible_selinux_python_present', 'ansible_devices', 'ansible_device_links', 'ansible_distribution_version', 'ansible_kernel', 'ansible_architecture',
];

function mountKeys(mounts: unknown): unknown[] {
  return (mounts as Record<string, unknown>[]).map((m) => ({
    mount: m.mount, device: m.device, fstype: m.fstype, options: m.options, uuid: m.uuid,
    size_total: m.size_total, block_size: m.block_size, block_total: m.block_total, inode_total: m.inode_total,
  }));
}

describe('setup on output recorded on this machine, against ansible -m setup recorded on the same machine', () => {
  it('gathers every fact Ansible 2.14 gathers', () => {
    const missing = Object.keys(ansible).filter((k) => !(k in recorded) && !NOT_GATHERED.includes(k));
    expect(missing).toEqual([]);
    expect(Object.keys(recorded).filter((k) => !(k in ansible))).toEqual([]);
  });

  it.each(MUST_AGREE)('%s is the value Ansible gave', (key) => {
    expect(recorded[key]).toEqual(ansible[key]);
  });

  it('mounts: same mount points, devices, options, sizes; memory_mb and date_time of the same shape', () => {
    expect(mountKeys(recorded.ansible_mounts)).toEqual(mountKeys(ansible.ansible_mounts));
    const m = recorded.ansible_memory_mb as Record<string, Record<string, number>>;
    const a = ansible.ansible_memory_mb as Record<string, Record<string, number>>;
    expect(m.real!.total).toBe(a.real!.total);
    expect(Object.keys(m).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(Object.keys(m[k]!).sort()).toEqual(Object.keys(a[k]!).sort());
    expect(m.real!.used).toBe(m.real!.total! - m.real!.free!);
    expect(Object.keys(recorded.ansible_date_time as object).sort()).toEqual(Object.keys(ansible.ansible_date_time as object).sort());
    expect(recorded.ansible_date_time).toMatchObject({ tz: 'UTC', tz_dst: 'UTC', tz_offset: '+0000' });
    expect((recorded.ansible_date_time as Record<string, string>).iso8601_micro).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(typeof recorded.ansible_uptime_seconds).toBe('number');
    expect(Object.keys(recorded.ansible_loadavg as object).sort()).toEqual(['15m', '1m', '5m']);
  });

  it('ipv6: the same addresses (in another order) and the same per-interface lists', () => {
    expect([...(recorded.ansible_all_ipv6_addresses as string[])].sort()).toEqual([...(ansible.ansible_all_ipv6_addresses as string[])].sort());
    expect((recorded.ansible_eth0 as Record<string, unknown>).ipv6).toEqual((ansible.ansible_eth0 as Record<string, unknown>).ipv6);
    expect((recorded.ansible_lo as Record<string, unknown>).ipv6).toEqual([{ address: '::1', prefix: '128', scope: 'host' }]);
  });

  it('interfaces: the same list and the same facts per interface (bridge ports listed in another order)', () => {
    const sorted = (v: unknown) => [...(v as string[])].sort();
    expect(sorted(recorded.ansible_interfaces)).toEqual(sorted(ansible.ansible_interfaces));
    expect(sorted(recorded.ansible_all_ipv4_addresses)).toEqual(sorted(ansible.ansible_all_ipv4_addresses));
    for (const dev of ansible.ansible_interfaces as string[]) {
      const key = `ansible_${dev.replace(/[-:.]/g, '_')}`;
      const [ours, theirs] = [{ ...(recorded[key] as Record<string, unknown>) }, { ...(ansible[key] as Record<string, unknown>) }];
      if (theirs.interfaces) [ours.interfaces, theirs.interfaces] = [sorted(ours.interfaces), sorted(theirs.interfaces)];
      expect({ key, ...ours }).toEqual({ key, ...theirs });
    }
  });

  it('virtualization tech sets are Ansible\'s (its sets have no order)', () => {
    expect([...(recorded.ansible_virtualization_tech_guest as string[])].sort()).toEqual(['container', 'docker']);
    expect(recorded.ansible_virtualization_tech_host).toEqual(ansible.ansible_virtualization_tech_host);
  });
});

const hasAnsible = (() => {
  try {
    execFileSync('ansible', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasAnsible)('setup on this machine (LocalConnection) against ansible -m setup -c local, live', () => {
  it('same key set and the same values where they must agree', async () => {
    const out = execFileSync('ansible', ['-m', 'setup', 'localhost', '-c', 'local'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const live = (JSON.parse(out.slice(out.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts;
    const ctx = makeTestContext();
    const { result } = await runModule(setup, {}, ctx);
    const ours = (result.data as { ansible_facts: Record<string, unknown> }).ansible_facts;
    expect(ctx.conn.stats().commands).toBe(1);
    expect(Object.keys(live).filter((k) => !(k in ours) && !NOT_GATHERED.includes(k))).toEqual([]);
    for (const key of MUST_AGREE) expect({ key, value: ours[key] }).toEqual({ key, value: live[key] });
    expect(mountKeys(ours.ansible_mounts).map((m) => (m as { mount: string }).mount)).toEqual(mountKeys(live.ansible_mounts).map((m) => (m as { mount: string }).mount));
  }, 30_000);
});
