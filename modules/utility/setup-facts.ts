/**
 * Pure parser of the setup script's output into Ansible facts (keys without
 * the ansible_ prefix, as Ansible stores them in ansible_facts).
 */
import { SECTION_MARK } from './setup-script.js';

export type Facts = Record<string, unknown>;

export function splitSections(out: string): Record<string, string> {
  const sections: Record<string, string> = {};
  const parts = out.split(`\n${SECTION_MARK}`);
  for (const part of parts.slice(1)) {
    const nl = part.indexOf('\n');
    const name = nl < 0 ? part : part.slice(0, nl);
    sections[name.trim()] = nl < 0 ? '' : part.slice(nl + 1).replace(/\n$/, '');
  }
  return sections;
}

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const DISTRIBUTION_BY_ID: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian', linuxmint: 'Linux Mint', devuan: 'Devuan', kali: 'Kali', pop: 'Pop!_OS',
  rhel: 'RedHat', centos: 'CentOS', rocky: 'Rocky', almalinux: 'AlmaLinux', fedora: 'Fedora', ol: 'OracleLinux', amzn: 'Amazon',
  sles: 'SLES', sled: 'SLED', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  alpine: 'Alpine', arch: 'Archlinux', manjaro: 'Archlinux', gentoo: 'Gentoo',
};

const FAMILY: Record<string, string[]> = {
  Debian: ['Debian', 'Ubuntu', 'Linux Mint', 'Devuan', 'Kali', 'Pop!_OS', 'Raspbian'],
  RedHat: ['RedHat', 'CentOS', 'Rocky', 'AlmaLinux', 'Fedora', 'OracleLinux', 'Amazon', 'Scientific', 'CloudLinux', 'EuroLinux'],
  Suse: ['SLES', 'SLED', 'openSUSE Leap', 'openSUSE Tumbleweed', 'openSUSE'],
  Alpine: ['Alpine'],
  Archlinux: ['Archlinux'],
  Gentoo: ['Gentoo'],
};

export function osFamily(distribution: string, idLike: string): string {
  for (const [family, members] of Object.entries(FAMILY)) if (members.includes(distribution)) return family;
  const like = idLike.split(/\s+/);
  if (like.includes('debian') || like.includes('ubuntu')) return 'Debian';
  if (like.some((l) => ['rhel', 'fedora', 'centos'].includes(l))) return 'RedHat';
  if (like.some((l) => l.startsWith('suse') || l === 'opensuse')) return 'Suse';
  return distribution;
}

/** distribution, versions, release and os_family from os-release and the vendor files. */
export function distributionFacts(s: Record<string, string>): Facts {
  const os = parseOsRelease(s.os_release ?? '');
  const id = (os.ID ?? '').toLowerCase();
  const distribution = DISTRIBUTION_BY_ID[id] ?? (os.NAME ? os.NAME.split(' ')[0]! : 'NA');
  let version = os.VERSION_ID ?? 'NA';
  const debianVersion = (s.debian_version ?? '').trim();
  // ansible-core 2.14: Debian's version is /etc/debian_version when it is numeric (12.11)
  if (distribution === 'Debian' && /^\d+\.\d+$/.test(debianVersion)) version = debianVersion;
  const [major = 'NA', minor] = version.split('.');
  let release = os.VERSION_CODENAME || os.UBUNTU_CODENAME || '';
  if (!release) release = /\(([^)]+)\)/.exec(s.redhat_release ?? '')?.[1] ?? /\(([^)]+)\)/.exec(os.VERSION ?? '')?.[1] ?? 'NA';
  const facts: Facts = {
    distribution,
    distribution_version: version,
    distribution_major_version: major,
    distribution_release: release,
    os_family: osFamily(distribution, os.ID_LIKE ?? ''),
  };
  if (minor !== undefined) facts.distribution_minor_version = minor;
  return { ...facts, ...distributionFileFacts(String(facts.os_family), s) };
}

/** Which release file Ansible's distribution collector would have parsed, by family. */
function distributionFileFacts(family: string, s: Record<string, string>): Facts {
  const files: Record<string, [string, string]> = {
    Debian: ['/etc/os-release', 'Debian'], Suse: ['/etc/os-release', 'SUSE'], Alpine: ['/etc/alpine-release', 'Alpine'],
    Archlinux: ['/etc/arch-release', 'Archlinux'], Gentoo: ['/etc/gentoo-release', 'Gentoo'],
    RedHat: [(s.redhat_release ?? '').trim() ? '/etc/redhat-release' : '/etc/os-release', 'RedHat'],
  };
  const hit = files[family];
  return hit ? { distribution_file_parsed: true, distribution_file_path: hit[0], distribution_file_variety: hit[1] } : {};
}

export function pkgMgr(family: string, found: string[]): string {
  const has = (c: string) => found.includes(c);
  if (family === 'RedHat') return has('dnf') ? 'dnf' : has('yum') ? 'yum' : 'unknown';
  if (family === 'Debian' && has('apt-get')) return 'apt';
  if (family === 'Suse' && has('zypper')) return 'zypper';
  if (family === 'Alpine' && has('apk')) return 'apk';
  if (family === 'Archlinux' && has('pacman')) return 'pacman';
  const first = found[0];
  return first === 'apt-get' ? 'apt' : (first ?? 'unknown');
}

/** Ansible's logic, simplified: systemd, openrc, sysvinit, or PID 1's name. */
export function serviceMgr(text: string): string {
  const ls = lines(text);
  const comm = ls.find((l) => !l.startsWith('@')) ?? '';
  if (comm === 'systemd' || ls.includes('@systemd_dir')) return 'systemd';
  if (comm === 'openrc-init' || ls.includes('@openrc')) return 'openrc';
  if (comm === '' || comm === 'init' || comm.endsWith('sh')) return ls.includes('@initd') ? 'sysvinit' : 'service';
  return comm;
}

/** id -un, id -u, id -g, the passwd entry; real ids from the python probe's "@ids UID GID" (else the effective ones). */
export function userFacts(text: string, python = ''): Facts {
  const [name = '', uid = '', gid = '', pw = ''] = lines(text);
  const [ruid = uid, rgid = gid] = lines(python).find((l) => l.startsWith('@ids '))?.split(' ').slice(1) ?? [];
  const f = pw.split(':');
  return {
    user_id: name,
    user_uid: Number(uid),
    user_gid: Number(gid),
    user_gecos: f[4] ?? '',
    user_dir: f[5] ?? '',
    user_shell: f[6] ?? '',
    effective_user_id: Number(uid),
    effective_group_id: Number(gid),
    real_user_id: Number(ruid),
    real_group_id: Number(rgid),
  };
}

export function pythonFacts(text: string): Facts {
  const ls = lines(text);
  const [exe, ver] = ls;
  if (!exe || !ver) return {};
  const [major, minor, micro, releaselevel, serial] = ver.split(' ');
  const version = { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel: releaselevel ?? 'final', serial: Number(serial ?? 0) };
  return {
    python: {
      executable: exe, has_sslcontext: ls.includes('@ssl'), type: 'cpython', version,
      version_info: [version.major, version.minor, version.micro, version.releaselevel, version.serial],
    },
    python_version: `${version.major}.${version.minor}.${version.micro}`,
    selinux_python_present: ls.includes('@selinux'),
  };
}

export function selinuxFacts(text: string): Facts {
  const ls = lines(text);
  const mode = ls.find((l) => /^(Enforcing|Permissive|Disabled)$/.test(l));
  if (!ls.includes('@sysfs') || !mode || mode === 'Disabled') return { selinux: { status: 'disabled' } };
  const cfg = Object.fromEntries(ls.filter((l) => l.startsWith('SELINUX')).map((l) => l.split('=', 2) as [string, string]));
  return { selinux: { status: 'enabled', mode: mode.toLowerCase(), config_mode: cfg.SELINUX ?? 'unknown', type: cfg.SELINUXTYPE ?? 'unknown' } };
}

/** Python's time.tzname[1]: the zone name of whichever of 1 January and 1 July has the larger UTC offset. */
function dstName(jan: string[], jul: string[], tz: string): string {
  const [janName, janOff] = [jan[7], Number(jan[8])];
  const [julName, julOff] = [jul[7], Number(jul[8])];
  if (!janName || !julName) return tz;
  return julOff > janOff ? julName : janName;
}

/** Lines of `date -f -` for now, 1 January and 1 July: Y|m|d|H|M|S|epoch|Z|z|A|w|W|nanoseconds. */
export function dateFacts(text: string): Facts {
  const [local = '', jan = '', jul = ''] = lines(text);
  const f = local.split('|');
  const [year, month, day, hour, minute, second, epoch, tz = '', tzOffset, weekday, weekdayNumber, weeknumber, nanos = '0'] = f;
  if (!epoch) return {};
  // busybox date has no -f (one line only) and may print %N literally
  const micro = /^\d+$/.test(nanos) ? nanos.padStart(9, '0').slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    date_time: {
      year, month, day, hour, minute, second, epoch, epoch_int: epoch,
      date: `${year}-${month}-${day}`, time: `${hour}:${minute}:${second}`,
      iso8601: `${utc}Z`, iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
      iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`, iso8601_micro: `${utc}.${micro}Z`,
      tz, tz_dst: dstName(jan.split('|'), jul.split('|'), tz), tz_offset: tzOffset, weekday, weekday_number: weekdayNumber, weeknumber,
    },
  };
}

export function envFacts(text: string): Facts {
  const env: Record<string, string> = {};
  for (const item of text.split('\x1e')) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq).replace(/^\n/, '')] = item.slice(eq + 1);
  }
  return { env };
}
