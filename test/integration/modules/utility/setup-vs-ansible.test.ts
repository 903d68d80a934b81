/**
 * Reference check: the facts tsplay gathers on this machine match what
 * ansible-core's own setup module reports here (skipped when ansible is absent).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setup } from '../../../../modules/utility/setup.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const hasAnsible = existsSync('/usr/bin/ansible');

function ansibleFacts(): Record<string, unknown> {
  const out = execFileSync('ansible', ['localhost', '-c', 'local', '-m', 'setup'], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1' },
    timeout: 60_000,
  });
  return (JSON.parse(out.slice(out.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts;
}

describe.skipIf(!hasAnsible)('setup matches ansible-core on this machine', () => {
  it('same OS, kernel, CPU, memory, network, managers and user facts', async () => {
    const theirs = ansibleFacts();
    const { result } = await runModule(setup, {}, makeTestContext());
    // registered shape = Ansible's: ansible_ prefixed keys; compared here without it
    const registered = (result.data as { ansible_facts: Record<string, unknown> }).ansible_facts;
    const ours = Object.fromEntries(Object.entries(registered).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
    const same = [
      'hostname', 'nodename', 'system', 'kernel', 'kernel_version', 'architecture', 'machine', 'os_family', 'distribution',
      'distribution_version', 'distribution_major_version', 'distribution_minor_version', 'distribution_release',
      'processor_vcpus', 'processor_nproc', 'pkg_mgr', 'service_mgr', 'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell', 'selinux',
    ];
    for (const key of same) expect({ key, value: ours[key] }).toEqual({ key, value: theirs[`ansible_${key}`] });
    expect(Math.abs(Number(ours.memtotal_mb) - Number(theirs.ansible_memtotal_mb))).toBeLessThanOrEqual(1);
    expect(new Set(ours.interfaces as string[])).toEqual(new Set(theirs.ansible_interfaces as string[]));
    expect(new Set(ours.all_ipv4_addresses as string[])).toEqual(new Set(theirs.ansible_all_ipv4_addresses as string[]));
    expect(ours.default_ipv4).toEqual(theirs.ansible_default_ipv4);
    const dt = ours.date_time as Record<string, string>;
    expect(dt.tz).toBe((theirs.ansible_date_time as Record<string, string>).tz);
    const eth = (theirs.ansible_default_ipv4 as { interface?: string }).interface;
    if (eth) expect((ours[eth] as { ipv4: unknown }).ipv4).toEqual((theirs[`ansible_${eth}`] as { ipv4: unknown }).ipv4);
  }, 90_000);
});
