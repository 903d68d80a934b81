import { describe, expect, it } from 'vitest';
import { bytesToHuman, deviceFacts } from '../../../../modules/utility/setup-devices.js';
import { dateFacts } from '../../../../modules/utility/setup-facts.js';
import { cpuFacts, dmiFacts, memoryFacts, mountFacts, parseDmi } from '../../../../modules/utility/setup-hardware.js';
import { parseAddrs6 } from '../../../../modules/utility/setup-network.js';
import {
  capsLvmFacts, cmdlineFacts, dnsFacts, fqdnFromHosts, lsbFacts, miscFacts, splitNonPosix, sshKeyFacts,
} from '../../../../modules/utility/setup-system.js';
import { virtualFacts, type VirtInput } from '../../../../modules/utility/setup-virtual.js';

// /proc/cpuinfo of a 2-socket, 2-core, hyperthreaded x86 host (8 logical CPUs), reduced to the lines the script greps
const cpu = (p: number, phys: number, core: number) =>
  `processor\t: ${p}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6130\nphysical id\t: ${phys}\nsiblings\t: 4\ncore id\t\t: ${core}\ncpu cores\t: 2\n`;
const twoSockets = [0, 1, 2, 3, 4, 5, 6, 7].map((p) => cpu(p, p < 4 ? 0 : 1, p % 2)).join('');

describe('hardware parsers', () => {
  it('CPU counts as Ansible: sockets, cores per socket, threads per core', () => {
    const f = cpuFacts(twoSockets, { architecture: 'x86_64', nproc: 6 });
    expect(f).toMatchObject({ processor_count: 2, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 8, processor_nproc: 6 });
    expect((f.processor as string[]).slice(0, 3)).toEqual(['0', 'GenuineIntel', 'Intel(R) Xeon(R) Gold 6130']);
    // ARM: no physical id / cpu cores lines, one "processor" per CPU
    const arm = cpuFacts('processor\t: 0\nprocessor\t: 1\nprocessor\t: 2\nprocessor\t: 3\n', { architecture: 'aarch64' });
    expect(arm).toMatchObject({ processor_count: 4, processor_cores: 1, processor_threads_per_core: 1, processor_vcpus: 4, processor_nproc: 4 });
    expect(cpuFacts(cpu(0, 0, 0), { architecture: 'x86_64', xenParavirt: true })).toMatchObject({ processor_count: 1, processor_threads_per_core: 1 });
  });

  it('memory: each value floored to MB before the sums; missing swap lines give null', () => {
    const f = memoryFacts('MemTotal: 2048000 kB\nMemFree: 1024999 kB\nBuffers: 2047 kB\nCached: 102400 kB\n');
    expect(f).toEqual({
      memtotal_mb: 2000, memfree_mb: 1000,
      memory_mb: { real: { total: 2000, used: 1000, free: 1000 }, nocache: { free: 1101, used: 899 }, swap: { total: null, free: null, used: null, cached: null } },
    });
    expect(memoryFacts('')).toEqual({});
  });

  it('mounts: device filter, octal escapes, bind mounts, uuids from lsblk, last duplicate wins, sizes from stat -f', () => {
    const f = mountFacts({
      mtab: [
        'proc /proc proc rw 0 0', '/dev/sda1 / ext4 rw,relatime 0 0', '/dev/sda1 /srv/my\\040data ext4 rw 0 0',
        'nas:/export /mnt/nas nfs4 rw,vers=4.2 0 0', '/dev/sdb1 /data xfs ro 0 0', '/dev/sdb1 /data xfs rw,noatime 0 0', '/dev/x /y none rw 0 0',
      ].join('\n'),
      statfs: '4096 4096 1000 250 500 100 /\n4096 8192 10 5 20 20 /data',
      findmnt: '/             /dev/sda1        ext4 rw\n/srv/my data  /dev/sda1[/srv] ext4 rw',
      lsblk: '/dev/sda\n/dev/sda1 0b3f-uuid\n/dev/sdb1   ',
    });
    const mounts = f.mounts as Record<string, unknown>[];
    expect(mounts.map((m) => m.mount)).toEqual(['/', '/srv/my data', '/mnt/nas', '/data']);
    expect(mounts[0]).toEqual({
      mount: '/', device: '/dev/sda1', fstype: 'ext4', options: 'rw,relatime', uuid: '0b3f-uuid', size_total: 4096000, size_available: 1024000,
      block_size: 4096, block_total: 1000, block_available: 250, block_used: 750, inode_total: 500, inode_available: 100, inode_used: 400,
    });
    expect(mounts[2]).toEqual({ mount: '/mnt/nas', device: 'nas:/export', fstype: 'nfs4', options: 'rw,vers=4.2', uuid: 'N/A' });
    expect(mounts[3]).toMatchObject({ options: 'rw,noatime', block_size: 8192, size_total: 40960, uuid: 'N/A' });
    expect(mountFacts({})).toEqual({ mounts: [] });
  });

  it('DMI: values, chassis type names, NA for unreadable files', () => {
    const f = dmiFacts(parseDmi('chassis_type=23\nproduct_name=KVM\nsys_vendor=QEMU\nbios_date=04/01/2014'));
    expect(f).toMatchObject({ form_factor: 'Rack Mount Chassis', product_name: 'KVM', system_vendor: 'QEMU', bios_date: '04/01/2014', product_serial: 'NA' });
  });
});

describe('system parsers', () => {
  it('fqdn as socket.getfqdn(): first dotted name of the reverse entry, else its canonical name, else the nodename', () => {
    expect(fqdnFromHosts('127.0.0.1       localhost', 'vm')).toBe('localhost');
    expect(fqdnFromHosts('127.0.1.1       pg1 pg1.lab.internal', 'pg1')).toBe('pg1.lab.internal');
    expect(fqdnFromHosts('', 'pg1')).toBe('pg1');
  });

  it('resolv.conf: nameservers accumulate, search/options replace, comments skipped', () => {
    const text = '# generated\nnameserver 10.0.0.2\n; old\nsearch a.example b.example\nnameserver 10.0.0.3\noptions ndots:2 rotate timeout:\ndomain a.example';
    expect(dnsFacts(text)).toEqual({
      dns: { nameservers: ['10.0.0.2', '10.0.0.3'], search: ['a.example', 'b.example'], options: { ndots: '2', rotate: true, timeout: true }, domain: 'a.example' },
    });
    expect(dnsFacts('')).toEqual({ dns: {} });
  });

  it('lsb from /etc/lsb-release (quotes stripped) or from os-release when only the binary exists', () => {
    const ubuntu = 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"';
    expect(lsbFacts(ubuntu, {})).toEqual({ lsb: { id: 'Ubuntu', release: '22.04', codename: 'jammy', description: 'Ubuntu 22.04.4 LTS', major_release: '22' } });
    expect(lsbFacts('@bin', { ID: 'debian', NAME: 'Debian GNU/Linux', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', VERSION_ID: '12', VERSION_CODENAME: 'bookworm' }))
      .toEqual({ lsb: { id: 'Debian', description: 'Debian GNU/Linux 12 (bookworm)', release: '12', codename: 'bookworm', major_release: '12' } });
    expect(lsbFacts('', {})).toEqual({});
  });

  it('kernel command line: flags, repeated keys, quoted values kept as shlex(posix=False) keeps them', () => {
    const f = cmdlineFacts('BOOT_IMAGE=/vmlinuz root=UUID=1 ro quiet console=tty0 console=ttyS0,115200 "foo=a b"\n');
    expect(f.cmdline).toEqual({ BOOT_IMAGE: '/vmlinuz', root: 'UUID=1', ro: true, quiet: true, console: 'ttyS0,115200', '"foo': 'a b"' });
    expect((f.proc_cmdline as Record<string, unknown>).console).toEqual(['tty0', 'ttyS0,115200']);
    expect(splitNonPosix('a "b')).toBeUndefined();
    expect(cmdlineFacts('')).toEqual({});
  });

  it('ssh host keys from the first directory that has any', () => {
    const f = sshKeyFacts('/etc/ssh rsa ssh-rsa AAAA1 root@h\n/etc/ssh ed25519 ssh-ed25519 AAAA2 root@h\n/etc dsa ssh-dss AAAA3');
    expect(f).toEqual({
      ssh_host_key_rsa_public: 'AAAA1', ssh_host_key_rsa_public_keytype: 'ssh-rsa',
      ssh_host_key_ed25519_public: 'AAAA2', ssh_host_key_ed25519_public_keytype: 'ssh-ed25519',
    });
  });

  it('misc flags, capabilities, lvm', () => {
    expect(miscFacts({ misc: '@apparmor\nfips=1\nchroot=0', iscsi: 'InitiatorName=iqn.1993-08.org.debian:01:abc', hostnqn: 'nqn.2014-08.org.nvmexpress:uuid:1\n', fc: '0x21000024ff3a6bd2' }))
      .toEqual({ apparmor: { status: 'enabled' }, fips: true, is_chroot: false, iscsi_iqn: 'iqn.1993-08.org.debian:01:abc', hostnqn: 'nqn.2014-08.org.nvmexpress:uuid:1', fibre_channel_wwn: ['21000024ff3a6bd2'] });
    expect(miscFacts({ misc: 'rootino=256 /' }).is_chroot).toBe(true);
    expect(capsLvmFacts('Current: =ep\nBounding set =cap_chown', '')).toEqual({ system_capabilities_enforced: 'False', system_capabilities: [], lvm: 'N/A' });
    // Ansible's split('=')[1].split(','): the text after the first '=' (its quirk, kept)
    expect(capsLvmFacts('Current: =ep cap_sys_resource-ep', '@vgs')).toEqual({ system_capabilities_enforced: 'True', system_capabilities: ['ep cap_sys_resource-ep'] });
    expect(capsLvmFacts('Current: cap_chown,cap_kill=ep', '')).toMatchObject({ system_capabilities: ['ep'] });
  });

  it('ipv6 addresses, also point-to-point (peer) ones', () => {
    const m = parseAddrs6('3: wg0    inet6 fd00::1 peer fd00::2/64 scope global \\       valid_lft forever\n1: lo    inet6 ::1/128 scope host \\ x');
    expect(m.get('wg0')).toEqual([{ address: 'fd00::1', prefix: '64', scope: 'global' }]);
    expect(m.get('lo')).toEqual([{ address: '::1', prefix: '128', scope: 'host' }]);
  });
});

describe('virtualization', () => {
  const base: VirtInput = { virt: '', cgroup1: '', environ1: '', xen: '', vxid: '', modules: '', cpuinfo: '', dmi: {} };
  it('systemd-nspawn container (the lab hosts)', () => {
    const f = virtualFacts({ ...base, virt: '@container systemd-nspawn', environ1: 'container=systemd-nspawn', dmi: { sys_vendor: 'QEMU' } });
    expect(f).toMatchObject({ virtualization_type: 'container', virtualization_role: 'guest', virtualization_tech_host: [] });
    expect([...(f.virtualization_tech_guest as string[])].sort()).toEqual(['container', 'kvm', 'systemd-nspawn']);
  });
  it('KVM guest from DMI, KVM host from /dev/kvm, bare metal NA', () => {
    expect(virtualFacts({ ...base, dmi: { product_name: 'KVM' } })).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'guest' });
    expect(virtualFacts({ ...base, virt: '@/dev/kvm', modules: 'kvm' })).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'host', virtualization_tech_host: ['kvm'] });
    expect(virtualFacts(base)).toEqual({ virtualization_type: 'NA', virtualization_role: 'NA', virtualization_tech_guest: [], virtualization_tech_host: [] });
    expect(virtualFacts({ ...base, cgroup1: '0::/lxc/web1' })).toMatchObject({ virtualization_type: 'lxc', virtualization_role: 'guest' });
  });
});

describe('date_time', () => {
  it('one line only (busybox date without -f, %N unsupported): tz_dst falls back to tz, micro to zeros', () => {
    const f = dateFacts('2024|03|05|14|07|09|1709647629|UTC|+0000|Tuesday|2|10|N').date_time as Record<string, string>;
    expect(f).toMatchObject({ tz_dst: 'UTC', iso8601: '2024-03-05T14:07:09Z', iso8601_micro: '2024-03-05T14:07:09.000000Z', iso8601_basic: '20240305T140709000000' });
  });
});

describe('block devices', () => {
  it('disk with partitions, LVM holder, links by id/uuid/label, masters, wwn, PCI host', () => {
    const f = deviceFacts({
      blockdev: [
        'sda removable 0', 'sda size 41943040', 'sda queue/rotational 1', 'sda queue/scheduler none [mq-deadline]',
        'sda queue/logical_block_size 512', 'sda device/vendor ATA', 'sda device/model QEMU HARDDISK',
        'sda part:sda1 start 2048', 'sda part:sda1 size 2097152', 'sda part:sda2 start 2099200', 'sda part:sda2 size 39841792',
        'sda part:sda2 holder dm-0 vg0-root', 'sda part:sdaX size 1', 'dm-0 size 39841792', 'dm-0 queue/scheduler none',
      ].join('\n'),
      blocklinks: 'total 0\nlrwxrwxrwx 1 root root 0 Jan 1 00:00 sda -> ../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda\n' +
        'lrwxrwxrwx 1 root root 0 Jan 1 00:00 dm-0 -> ../devices/virtual/block/dm-0',
      disklinks: '/dev/disk/by-id:\ntotal 0\nlrwxrwxrwx 1 root root 9 Jan 1 00:00 wwn-0x5000c500a1b2c3d4 -> ../../sda\n' +
        'lrwxrwxrwx 1 root root 9 Jan 1 00:00 ata-QEMU_HARDDISK_QM1 -> ../../sda\nlrwxrwxrwx 1 root root 10 Jan 1 00:00 dm-name-vg0-root -> ../../dm-0\n\n' +
        '/dev/disk/by-uuid:\nlrwxrwxrwx 1 root root 10 Jan 1 00:00 7d1e-aa -> ../../sda1\n\n/dev/disk/by-label:\nlrwxrwxrwx 1 root root 10 Jan 1 00:00 boot -> ../../sda1\n' +
        '/sys/block/dm-0/slaves/sda2',
      lspci: '0000:00:1f.2 SATA controller: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] (rev 02)',
    });
    const sda = (f.devices as Record<string, Record<string, unknown>>).sda!;
    expect(sda).toMatchObject({
      virtual: 1, vendor: 'ATA', model: 'QEMU HARDDISK', removable: '0', rotational: '1', scheduler_mode: 'mq-deadline', sectors: '41943040',
      sectorsize: '512', size: '20.00 GB', wwn: '0x5000c500a1b2c3d4', holders: [], sas_address: null, support_discard: null,
      host: 'SATA controller: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] (rev 02)',
      links: { ids: ['ata-QEMU_HARDDISK_QM1', 'wwn-0x5000c500a1b2c3d4'], uuids: [], labels: [], masters: [] },
    });
    expect(Object.keys(sda.partitions as object)).toEqual(['sda1', 'sda2']);
    expect((sda.partitions as Record<string, unknown>).sda1).toEqual({
      links: { ids: [], uuids: ['7d1e-aa'], labels: ['boot'], masters: [] }, start: '2048', sectors: '2097152', sectorsize: '512',
      size: '1.00 GB', uuid: '7d1e-aa', holders: [],
    });
    expect((sda.partitions as Record<string, Record<string, unknown>>).sda2!.holders).toEqual(['vg0-root']);
    expect(f.device_links).toMatchObject({ masters: { sda2: ['dm-0'] }, ids: { 'dm-0': ['dm-name-vg0-root'] } });
    expect((f.devices as Record<string, Record<string, unknown>>)['dm-0']).toMatchObject({ host: '', scheduler_mode: '', sectorsize: '512' });
  });
  it('sizes as bytes_to_human', () => {
    expect([0, 1023, 1024, 256 * 2 ** 30, 1.5 * 2 ** 40].map(bytesToHuman)).toEqual(['0.00 Bytes', '1023.00 Bytes', '1.00 KB', '256.00 GB', '1.50 TB']);
  });
});
