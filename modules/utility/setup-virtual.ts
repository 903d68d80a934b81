/**
 * virtualization_type/role/tech_guest/tech_host from the setup script's
 * probes, in the order of ansible-core 2.14's LinuxVirtual (the first finding
 * sets type and role; every finding adds to the tech sets). Not probed:
 * dmidecode, s390 lscpu, RHEV's vdsm process scan.
 */
import type { Facts } from './setup-facts.js';

export interface VirtInput {
  virt: string; // '@/path' for existing flag files, '@container NAME' from /run/systemd/container
  cgroup1: string;
  environ1: string;
  xen: string;
  vxid: string;
  modules: string;
  cpuinfo: string;
  dmi: Record<string, string>;
}

class Finder {
  type?: string;
  role?: string;
  found = false;
  guest = new Set<string>();
  host = new Set<string>();
  /** Records tech; sets type/role only for the first finding. */
  hit(tech: { guest?: string; host?: string }, type: string, role?: string): void {
    if (tech.guest) this.guest.add(tech.guest);
    if (tech.host) this.host.add(tech.host);
    if (this.found) return;
    this.type = type;
    if (role) this.role = role;
    this.found = true;
  }
}

const KVM_SYS_VENDORS = ['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'];

function containers(f: Finder, inp: VirtInput, flags: Set<string>): string | undefined {
  for (const line of inp.cgroup1.split('\n')) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) f.hit({ guest: 'docker' }, 'docker', 'guest');
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) f.hit({ guest: 'lxc' }, 'lxc', 'guest');
    if (/\/system\.slice\/containerd\.service/.test(line)) f.hit({ guest: 'containerd' }, 'containerd', 'guest');
  }
  for (const line of inp.environ1.split('\n')) {
    if (/container=lxc/.test(line)) f.hit({ guest: 'lxc' }, 'lxc', 'guest');
    if (/container=podman/.test(line)) f.hit({ guest: 'podman' }, 'podman', 'guest');
    if (/^container=./.test(line)) f.hit({ guest: 'container' }, 'container', 'guest');
  }
  if (flags.has('/proc/vz') && !flags.has('/proc/lve')) {
    // openvz sets the type even after an earlier finding, as Ansible does
    if (flags.has('/proc/bc')) f.hit({ host: 'openvz' }, 'openvz', 'host');
    else f.hit({ guest: 'openvz' }, 'openvz', 'guest');
    f.type = 'openvz';
  }
  const systemdContainer = inp.virt.split('\n').find((l) => l.startsWith('@container '))?.slice('@container '.length).trim();
  if (systemdContainer) f.hit({ guest: systemdContainer }, systemdContainer, 'guest');
  if (flags.has('/.dockerenv') || flags.has('/.dockerinit')) f.hit({ guest: 'docker' }, 'docker', 'guest');
  return systemdContainer;
}

function dmiGuests(f: Finder, dmi: Record<string, string>): void {
  const { product_name: product, sys_vendor: vendor, product_family: family, bios_vendor: bios } = dmi;
  if (['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product ?? '')) f.hit({ guest: 'kvm' }, 'kvm');
  if (vendor === 'oVirt') f.hit({ guest: 'oVirt' }, 'oVirt');
  if (vendor === 'Red Hat' && family === 'RHV') f.hit({ guest: 'RHV' }, 'RHV');
  else if (vendor === 'Red Hat' && product === 'RHEV Hypervisor') f.hit({ guest: 'RHEV' }, 'RHEV');
  if (['VMware Virtual Platform', 'VMware7,1'].includes(product ?? '')) f.hit({ guest: 'VMware' }, 'VMware');
  if (['OpenStack Compute', 'OpenStack Nova'].includes(product ?? '')) f.hit({ guest: 'openstack' }, 'openstack');
  if (bios === 'Xen') f.hit({ guest: 'xen' }, 'xen');
  if (bios === 'innotek GmbH') f.hit({ guest: 'virtualbox' }, 'virtualbox');
  if (['Amazon EC2', 'DigitalOcean', 'Hetzner'].includes(bios ?? '')) f.hit({ guest: 'kvm' }, 'kvm');
  if (KVM_SYS_VENDORS.includes(vendor ?? '')) f.hit({ guest: 'kvm' }, 'kvm');
  const byVendor: Record<string, [string, string]> = {
    KubeVirt: ['KubeVirt', 'KubeVirt'], 'Microsoft Corporation': ['VirtualPC', 'VirtualPC'],
    'Parallels Software International Inc.': ['parallels', 'parallels'], 'OpenStack Foundation': ['openstack', 'openstack'],
  };
  const v = byVendor[vendor ?? ''];
  if (v) f.hit({ guest: v[0] }, v[1]);
}

function cpuAndModules(f: Finder, inp: VirtInput, flags: Set<string>): void {
  const vx = /^VxID:\s+(\d+)/m.exec(inp.vxid);
  if (vx) {
    if (vx[1] === '0') f.hit({ host: 'linux_vserver' }, 'linux_vserver', 'host');
    else f.hit({ guest: 'linux_vserver' }, 'linux_vserver', 'guest');
  }
  for (const line of inp.cpuinfo.split('\n')) {
    if (/^model name.*QEMU Virtual CPU/.test(line) || /^machine.*CHRP IBM pSeries .emulated by qemu./.test(line)) f.hit({ guest: 'kvm' }, 'kvm', 'guest');
    else if (/^vendor_id.*User Mode Linux/.test(line) || /^model name.*UML/.test(line)) f.hit({ guest: 'uml' }, 'uml', 'guest');
    else if (/^vendor_id.*PowerVM Lx86/.test(line)) f.hit({ guest: 'powervm_lx86' }, 'powervm_lx86', 'guest');
    else if (/^vendor_id.*IBM\/S390/.test(line)) f.hit({ guest: 'ibm_systemz' }, 'ibm_systemz', 'guest');
  }
  const modules = inp.modules.split('\n').map((m) => m.trim());
  if (modules.includes('kvm')) f.hit({ host: 'kvm' }, 'kvm', 'host');
  if (modules.includes('vboxdrv')) f.hit({ host: 'virtualbox' }, 'virtualbox', 'host');
  if (modules.includes('virtio')) f.hit({ host: 'kvm' }, 'kvm', 'guest');
  if (flags.has('/dev/kvm')) f.hit({ host: 'kvm' }, 'kvm', 'host');
}

export function virtualFacts(inp: VirtInput): Facts {
  const f = new Finder();
  const flags = new Set(inp.virt.split('\n').filter((l) => l.startsWith('@/')).map((l) => l.slice(1).trim()));
  const systemdContainer = containers(f, inp, flags);
  if (['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => f.guest.has(t)) || systemdContainer) f.guest.add('container');
  const xen = inp.xen.split('\n');
  if (xen.includes('@xen')) {
    if (xen.some((l) => l.includes('control_d'))) f.hit({ host: 'xen' }, 'xen', 'host');
    else f.hit({}, 'xen', 'guest');
  }
  // Ansible: a DMI finding alone leaves the role 'guest'
  const foundBeforeDmi = f.found;
  dmiGuests(f, inp.dmi);
  if (!foundBeforeDmi && f.found) f.role = 'guest';
  cpuAndModules(f, inp, flags);
  return {
    virtualization_type: f.type ?? 'NA',
    virtualization_role: f.role ?? 'NA',
    virtualization_tech_guest: [...f.guest],
    virtualization_tech_host: [...f.host],
  };
}
