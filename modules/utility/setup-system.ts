/**
 * Pure parsers of the system sections of the setup script's output (fqdn,
 * DNS, LSB, kernel command line, machine id, SSH host keys, misc flags),
 * following ansible-core 2.14's collectors under module_utils/facts/system/.
 */
import type { Facts } from './setup-facts.js';

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l.trim() !== '');
}

/**
 * Python's socket.getfqdn(): the hostname resolved to an address, that
 * address resolved back (`getent hosts ADDR`: "addr canonical aliases..."),
 * and the first of canonical+aliases that contains a dot, else the canonical
 * name; the nodename when resolution fails.
 */
export function fqdnFromHosts(hostsLine: string, nodename: string): string {
  const words = (lines(hostsLine)[0] ?? '').trim().split(/\s+/).slice(1);
  if (words.length === 0) return nodename;
  return words.find((w) => w.includes('.')) ?? words[0]!;
}

/** resolv.conf as Ansible's DnsFactCollector reads it. */
export function dnsFacts(text: string): Facts {
  const dns: Facts = {};
  for (const line of (text ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith(';') || line.trim() === '') continue;
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === 'nameserver') dns.nameservers = [...((dns.nameservers as string[] | undefined) ?? []), ...rest];
    else if (key === 'domain' && rest.length > 0) dns.domain = rest[0];
    else if (key === 'search') dns.search = rest;
    else if (key === 'sortlist') dns.sortlist = rest;
    else if (key === 'options') {
      dns.options = Object.fromEntries(rest.map((o) => {
        const [name, value] = o.split(/:(.*)/s);
        return [name, value ? value : true];
      }));
    }
  }
  return { dns };
}

const STRIP_QUOTES = /^['"\\]+|['"\\]+$/g;

/**
 * lsb: /etc/lsb-release (DISTRIB_*) when present; else, when an lsb_release
 * binary exists ('@bin'), what Debian's lsb_release prints, derived from
 * os-release without running it (it forks a dozen times).
 */
export function lsbFacts(text: string, osRelease: Record<string, string>): Facts {
  const ls = lines(text);
  let lsb: Record<string, string> = {};
  if (ls.includes('@bin')) {
    const id = osRelease.ID ?? '';
    const capitalized = id.charAt(0).toUpperCase() + id.slice(1);
    const name = osRelease.NAME;
    lsb = {
      id: (name !== undefined && name.toLowerCase() === capitalized.toLowerCase() ? name : capitalized) || 'n/a',
      description: osRelease.PRETTY_NAME || 'n/a',
      release: osRelease.VERSION_ID || 'n/a',
      codename: osRelease.VERSION_CODENAME || 'n/a',
    };
  } else {
    const keys: Record<string, string> = { DISTRIB_ID: 'id', DISTRIB_RELEASE: 'release', DISTRIB_DESCRIPTION: 'description', DISTRIB_CODENAME: 'codename' };
    for (const line of ls) {
      const eq = line.indexOf('=');
      const key = keys[line.slice(0, eq).trim()];
      if (eq > 0 && key) lsb[key] = line.slice(eq + 1).trim();
    }
  }
  if (Object.keys(lsb).length === 0) return {};
  if (lsb.release !== undefined) lsb.major_release = lsb.release.split('.')[0]!;
  for (const [k, v] of Object.entries(lsb)) if (v) lsb[k] = v.replace(STRIP_QUOTES, '');
  return { lsb };
}

/** shlex.split(posix=False): words split on whitespace, a leading quote runs to its closing quote (kept); undefined when unbalanced. */
export function splitNonPosix(text: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) { i++; continue; }
    const q = text[i]!;
    if (q === '"' || q === "'") {
      const end = text.indexOf(q, i + 1);
      if (end < 0) return undefined;
      words.push(text.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}

/** cmdline (the last value of a repeated key wins) and proc_cmdline (repeated keys become lists). */
export function cmdlineFacts(text: string): Facts {
  if (!text.trim()) return {};
  const words = splitNonPosix(text) ?? [];
  const cmdline: Record<string, string | boolean> = {};
  const proc: Record<string, string | boolean | string[]> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) {
      cmdline[w] = true;
      proc[w] = true;
      continue;
    }
    const [k, v] = [w.slice(0, eq), w.slice(eq + 1)];
    cmdline[k] = v;
    const prev = proc[k];
    proc[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
  }
  return { cmdline, proc_cmdline: proc };
}

export function machineIdFacts(text: string): Facts {
  const id = lines(text)[0]?.trim();
  return id ? { machine_id: id } : {};
}

/** Lines "DIR ALGO KEYTYPE KEY [comment]": the first directory holding any key is used, as Ansible does. */
export function sshKeyFacts(text: string): Facts {
  const facts: Facts = {};
  let dir: string | undefined;
  for (const line of lines(text)) {
    const [d, algo, keytype, key] = line.trim().split(/\s+/);
    if (!d || !algo || !keytype || !key) continue;
    dir ??= d;
    if (d !== dir) break;
    facts[`ssh_host_key_${algo}_public`] = key;
    facts[`ssh_host_key_${algo}_public_keytype`] = keytype;
  }
  return facts;
}

/** apparmor, fips, is_chroot, iscsi_iqn, hostnqn, fibre_channel_wwn. */
export function miscFacts(s: { misc?: string; iscsi?: string; hostnqn?: string; fc?: string }): Facts {
  const ls = lines(s.misc);
  const rootIno = ls.find((l) => l.startsWith('rootino='))?.slice('rootino='.length).trim().split(/\s+/)[0];
  let isChroot = ls.includes('chroot=1');
  // not root: Ansible falls back to "/ is not inode 2" (ext*), which we can only apply when ls gave the inode
  if (!ls.some((l) => l.startsWith('chroot=')) && rootIno) isChroot = rootIno !== '2';
  return {
    apparmor: { status: ls.includes('@apparmor') ? 'enabled' : 'disabled' },
    fips: ls.includes('fips=1'),
    is_chroot: isChroot,
    iscsi_iqn: lines(s.iscsi)[0]?.split('=', 2)[1]?.trim() ?? '',
    hostnqn: lines(s.hostnqn)[0]?.trim() ?? '',
    fibre_channel_wwn: lines(s.fc).map((l) => l.trim().replace(/^0x/, '')),
  };
}

/** system_capabilities from `capsh --print` ('N/A' without capsh); lvm is 'N/A' unless root with LVM tools (then not gathered). */
export function capsLvmFacts(caps: string, lvm: string): Facts {
  const facts: Facts = { system_capabilities_enforced: 'N/A', system_capabilities: 'N/A' };
  if (!lines(lvm).includes('@vgs')) facts.lvm = 'N/A';
  const current = lines(caps).find((l) => l.startsWith('Current:'));
  if (!current) return facts;
  const enforced = current.split(':')[1]!.trim() !== '=ep';
  facts.system_capabilities_enforced = enforced ? 'True' : 'False';
  facts.system_capabilities = enforced ? (current.split('=')[1] ?? '').split(',').map((c) => c.trim()) : [];
  return facts;
}
