import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import {
  dateFacts, distributionFacts, envFacts, parseOsRelease, pkgMgr, pythonFacts, selinuxFacts, serviceMgr, splitSections, userFacts,
  type Facts,
} from './setup-facts.js';
import { cpuFacts, dmiFacts, memoryFacts, mountFacts, parseDmi, uptimeLoadFacts } from './setup-hardware.js';
import { deviceFacts } from './setup-devices.js';
import { networkFacts } from './setup-network.js';
import { SETUP_SCRIPT } from './setup-script.js';
import { capsLvmFacts, cmdlineFacts, dnsFacts, fqdnFromHosts, lsbFacts, machineIdFacts, miscFacts, sshKeyFacts } from './setup-system.js';
import { virtualFacts } from './setup-virtual.js';

export interface SetupParams {
  gather_subset?: string | string[];
  filter?: string | string[];
  gather_timeout?: number;
  fact_path?: string;
}

function splitLines(t: string | undefined): string[] {
  return (t ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

const SIXTY_FOUR_BIT = /^(x86_64|amd64|aarch64|arm64|ppc64|ppc64le|s390x|riscv64|mips64|sparc64|loongarch64)$/;

/** Ansible's platform facts: names, kernel, architecture (userspace bits from the machine: no `file` on python). */
function platformFacts(s: Record<string, string>): Facts {
  const nodename = splitLines(s.nodename)[0] ?? '';
  const fqdn = fqdnFromHosts(s.fqdn ?? '', nodename);
  const unameLines = splitLines(s.uname);
  // `uname -s -r -m` on one line, then `uname -v` (older recordings: one value a line)
  const head = unameLines.length === 2 ? unameLines[0]!.split(/\s+/) : unameLines.slice(0, 3);
  const [system = '', kernel = '', machine = ''] = head;
  const kernelVersion = unameLines[unameLines.length === 2 ? 1 : 3] ?? '';
  const bits = SIXTY_FOUR_BIT.test(machine) ? '64' : '32';
  const facts: Facts = {
    hostname: nodename.split('.')[0], nodename, fqdn, domain: fqdn.split('.').slice(1).join('.'),
    system, kernel, kernel_version: kernelVersion, architecture: machine, machine, userspace_bits: bits,
  };
  if (machine === 'x86_64') facts.userspace_architecture = bits === '64' ? 'x86_64' : 'i386';
  return facts;
}

function hardwareFacts(s: Record<string, string>, architecture: string): Facts {
  const [cpuCount, nproc] = splitLines(s.cpus).map(Number);
  const xen = splitLines(s.xen);
  const cpu = cpuFacts(s.cpuinfo ?? '', { architecture, nproc, xenParavirt: xen.includes('@paravirt') });
  const dmi = parseDmi(s.dmi ?? '');
  return {
    processor_vcpus: cpuCount || nproc || 1,
    processor_nproc: nproc || cpuCount || 1,
    ...cpu,
    ...memoryFacts(s.meminfo ?? ''),
    ...mountFacts(s),
    ...deviceFacts(s),
    ...dmiFacts(dmi),
    ...uptimeLoadFacts(s.uptime ?? '', s.loadavg ?? ''),
    ...virtualFacts({
      virt: s.virt ?? '', cgroup1: s.cgroup1 ?? '', environ1: s.environ1 ?? '', xen: s.xen ?? '', vxid: s.vxid ?? '',
      modules: s.modules ?? '', cpuinfo: s.cpuinfo ?? '', dmi,
    }),
  };
}

/** All facts from the setup script's output (pure; tested on recorded output). */
export function parseSetupOutput(out: string): Facts {
  const s = splitSections(out);
  if (!('end' in s)) throw new ModuleFailure('fact gathering did not complete: the setup script output was cut short');
  const platform = platformFacts(s);
  const dist = distributionFacts(s);
  return {
    ...platform,
    ...dist,
    ...lsbFacts(s.lsb ?? '', parseOsRelease(s.os_release ?? '')),
    ...networkFacts(s),
    ...hardwareFacts(s, String(platform.architecture)),
    service_mgr: serviceMgr(s.init ?? ''),
    pkg_mgr: pkgMgr(String(dist.os_family), splitLines(s.pkg)),
    ...userFacts(s.user ?? '', s.python ?? ''),
    ...pythonFacts(s.python ?? ''),
    ...selinuxFacts(s.selinux ?? ''),
    ...dateFacts(s.date ?? ''),
    ...dnsFacts(s.dns ?? ''),
    ...cmdlineFacts(s.cmdline ?? ''),
    ...machineIdFacts(s.machine_id ?? ''),
    ...sshKeyFacts(s.ssh_keys ?? ''),
    ...miscFacts(s),
    ...capsLvmFacts(s.caps ?? '', s.lvm ?? ''),
    ...envFacts(s.env ?? ''),
    local: {},
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Keeps the facts whose name (with or without ansible_) matches one of the globs. */
export function filterFacts(facts: Facts, filter: string | string[] | undefined): Facts {
  const globs = (Array.isArray(filter) ? filter : filter ? [filter] : []).filter((g) => g !== '' && g !== '*');
  if (globs.length === 0) return facts;
  const res = globs.map(globToRegExp);
  return Object.fromEntries(Object.entries(facts).filter(([k]) => res.some((r) => r.test(k) || r.test(`ansible_${k}`))));
}

/** Facts Ansible's setup module returns without the ansible_ prefix. */
const UNPREFIXED = new Set(['gather_subset', 'module_setup']);

/**
 * The facts as Ansible's setup module returns them, so a registered result
 * reads `r.ansible_facts.ansible_hostname`: every key gets the ansible_
 * prefix but gather_subset and module_setup. The executor stores them
 * without it again (ansible_facts.hostname, ansible_hostname).
 */
export function withAnsiblePrefix(facts: Facts): Facts {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [UNPREFIXED.has(k) || k.startsWith('ansible_') ? k : `ansible_${k}`, v]));
}

export const setup = defineModule<SetupParams, Facts>({
  name: 'setup',
  aliases: ['ansible.builtin.setup', 'ansible.builtin.gather_facts', 'gather_facts'],
  doc: {
    short: 'Gather facts about the host in one round trip',
    description:
      'One shell script (one command, a few processes; files read with shell builtins) gathers what Ansible 2.14\'s setup ' +
      'gathers on Linux: hostname, fqdn (as Python\'s socket.getfqdn(): the hostname resolved and resolved back), OS, ' +
      'distribution and lsb, kernel and cmdline, network (default IPv4 and IPv6, all addresses, interfaces with ' +
      'ipv4/ipv6, speed, pciid, promisc and bridge members), ' +
      'processor counts (count, cores, threads_per_core, vcpus, nproc), memory (memtotal_mb..., memory_mb), block devices ' +
      'and device_links, mounts with ' +
      'sizes, block and inode counts and uuids, DMI (bios_*, product_*, form_factor), virtualization type/role, dns, ' +
      'machine_id, uptime_seconds, loadavg, SSH host public keys, service and package managers, user, Python, SELinux, ' +
      'AppArmor, fips, is_chroot, capabilities, date_time and environment. Returned as data.ansible_facts with keys ' +
      'with the ansible_ prefix, as Ansible\'s setup module (a registered result reads r.ansible_facts.ansible_hostname); ' +
      'variables see them as ansible_facts.hostname and ansible_hostname. Where tsplay differs from Ansible: ' +
      'devices take serials from sysfs (no sg_inq); lvm is "N/A" except as root with LVM tools, where it is left out; ' +
      'interface facts carry no module, features or bonding details; custom facts (ansible_local, facts.d) are empty; ' +
      'virtualization does not run dmidecode. All subsets are gathered (the cost is one round trip either way); ' +
      'gather_subset is recorded. Runs in check mode.',
    examples: ['- setup:', '- setup:', '    filter: [ansible_default_ipv4, ansible_distribution*]'].join('\n'),
    returns: { ansible_facts: 'the facts, keys with the ansible_ prefix (but gather_subset, module_setup)' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      gather_subset: {
        description: 'Subsets to gather (all, min, network, hardware, !name); accepted and recorded.',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      filter: {
        description: 'Only return facts matching these globs (ansible_ prefix optional).',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      gather_timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds before the gathering is cut.' },
      fact_path: { type: 'string', description: 'Directory of local facts (accepted; local facts are returned empty).' },
    },
  },
  async probe(ctx, p) {
    const res = await ctx.run(SETUP_SCRIPT, { timeoutMs: (p.gather_timeout ?? 10) * 1000 });
    if (res.timedOut) throw new ModuleFailure(`fact gathering timed out after ${p.gather_timeout ?? 10}s`, { command: res });
    const facts = parseSetupOutput(res.stdout);
    const subset = p.gather_subset ?? ['all'];
    facts.gather_subset = Array.isArray(subset) ? subset : String(subset).split(',');
    facts.module_setup = true;
    return facts;
  },
  plan(p, facts) {
    return { changes: [], data: { ansible_facts: withAnsiblePrefix(filterFacts(facts, p.filter)) } };
  },
});
