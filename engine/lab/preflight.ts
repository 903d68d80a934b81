/**
 * Can this machine host a lab? Root, Linux, the tools (systemd-nspawn,
 * debootstrap, dpkg-scanpackages, nsenter, ip, ssh), overlayfs and bridges.
 */
import { existsSync, readFileSync } from 'node:fs';
import { TsplayError } from '../errors.js';
import { runOk, runSync } from './sh.js';

interface Tool {
  bin: string;
  pkg: string;
}

const TOOLS: Tool[] = [
  { bin: 'systemd-nspawn', pkg: 'systemd-container' },
  { bin: 'debootstrap', pkg: 'debootstrap' },
  { bin: 'dpkg-scanpackages', pkg: 'dpkg-dev' },
  { bin: 'nsenter', pkg: 'util-linux' },
  { bin: 'ip', pkg: 'iproute2' },
  { bin: 'ssh', pkg: 'openssh-client' },
  { bin: 'ssh-keygen', pkg: 'openssh-client' },
];

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function hasBinary(bin: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...PATH_DIRS];
  return dirs.some((d) => existsSync(`${d}/${bin}`));
}

export function missingPackages(): string[] {
  return [...new Set(TOOLS.filter((t) => !hasBinary(t.bin)).map((t) => t.pkg))];
}

export function installCommand(pkgs: string[]): string {
  return `apt-get install -y ${pkgs.join(' ')}`;
}

function overlaySupported(): boolean {
  try {
    if (/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) return true;
  } catch {
    return false;
  }
  return runSync(['modprobe', 'overlay']).rc === 0;
}

/** Creates and deletes a throwaway bridge: the only sure test. */
function bridgeSupported(): string | undefined {
  const name = `tsplay-p${process.pid % 1_000_000}`;
  const r = runSync(['ip', 'link', 'add', name, 'type', 'bridge']);
  if (r.rc !== 0) return r.stderr.trim() || 'ip link add ... type bridge failed';
  runSync(['ip', 'link', 'del', name]);
  return undefined;
}

interface Problem {
  reason: string;
  hint?: string;
  /** fixable with --install-deps */
  packages?: string[];
}

function findProblem(checkBridge: boolean): Problem | undefined {
  if (process.platform !== 'linux') return { reason: `the lab needs Linux (this is ${process.platform})`, hint: 'run it on a Debian/Ubuntu machine or VM' };
  if (process.getuid?.() !== 0) return { reason: 'the lab needs root (mounts, bridges, systemd-nspawn)', hint: 'run it as root, e.g. sudo tsplay lab up' };
  const pkgs = missingPackages();
  if (pkgs.length > 0) {
    return { reason: `missing tools from: ${pkgs.join(', ')}`, hint: `${installCommand(pkgs)} (or add --install-deps)`, packages: pkgs };
  }
  if (!overlaySupported()) return { reason: 'the kernel has no overlayfs', hint: 'load it with `modprobe overlay` (a container without it cannot host a lab)' };
  if (checkBridge) {
    const err = bridgeSupported();
    if (err) return { reason: `cannot create a network bridge: ${err}`, hint: 'the lab needs CAP_NET_ADMIN and the bridge module (`modprobe bridge`)' };
  }
  return undefined;
}

let cached: { ok: boolean; reason?: string } | undefined;

/** Synchronous check used by the tests to decide whether to run the lab suites. */
export function labAvailable(): { ok: boolean; reason?: string } {
  if (!cached) {
    const p = findProblem(true);
    cached = p ? { ok: false, reason: p.hint ? `${p.reason} (${p.hint})` : p.reason } : { ok: true };
  }
  return cached;
}

/** Throws a TsplayError explaining the fix, or installs missing tools when asked. */
export async function checkController(opts: { installDeps?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  let p = findProblem(true);
  if (p?.packages && opts.installDeps) {
    opts.log?.(`installing ${p.packages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runOk(['apt-get', 'update'], 'apt-get update', { env });
    await runOk(['apt-get', 'install', '-y', ...p.packages], 'installing the lab tools', { env });
    cached = undefined;
    p = findProblem(true);
  }
  if (p) throw new TsplayError('TSPLAY_LAB', `this machine cannot host a lab: ${p.reason}`, { hint: p.hint });
}
