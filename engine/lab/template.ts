/**
 * The cached template: a Debian bookworm root filesystem with systemd and
 * sshd, and an offline apt repository (/srv/repo) holding what the roles
 * install. Built once under CACHE_DIR; hosts are overlays over it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TsplayError } from '../errors.js';
import { controllerMirrors, downloadSourcesList, OFFLINE_SOURCES_LIST } from './apt-sources.js';
import { CACHE_DIR, LABS_DIR, labKeyPath, templateDir, templateStamp } from './paths.js';
import { run, runOk } from './sh.js';
import { withLock } from './lock.js';
import { mountsUnder } from './state.js';

export const TEMPLATE_VERSION = 1;
export const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'openssh-server', 'python3', 'iproute2', 'sudo', 'dbus', 'curl', 'ca-certificates'];
/** What the roles install, downloaded with their dependencies into the offline repository. */
export const REPO_PACKAGES = ['postgresql-15', 'patroni', 'etcd-server', 'etcd-client', 'haproxy', 'ufw', 'firewalld', 'python3-etcd', 'python3-psycopg2'];

/** sshd settings for every host: its own ed25519 key only, many parallel sessions. */
const SSHD_DROPIN = [
  'HostKey /etc/ssh/ssh_host_ed25519_key',
  'PermitRootLogin prohibit-password',
  'PasswordAuthentication no',
  'UseDNS no',
  'MaxSessions 64',
  'MaxStartups 100:30:200',
  '',
].join('\n');

export type Step = (title: string) => void;

export function templateReady(): boolean {
  return existsSync(templateStamp()) && existsSync(join(templateDir(), 'srv/repo/Packages.gz')) && existsSync(labKeyPath());
}

/** Builds the template unless the cache already has it. Returns true when it built. */
export async function ensureTemplate(step: Step = () => undefined): Promise<boolean> {
  if (templateReady()) return false;
  mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, '.build.lock'), async () => {
    if (templateReady()) return false;
    await buildTemplate(step);
    return true;
  });
}

async function buildTemplate(step: Step): Promise<void> {
  // hosts are overlays over the template: never replace it under them
  if (existsSync(templateDir()) && mountsUnder(LABS_DIR).length > 0) {
    throw new TsplayError('TSPLAY_LAB', `the cached template in ${templateDir()} is incomplete, and labs are up over it`, {
      hint: 'bring the labs down (tsplay lab down --name LAB) before it is rebuilt',
    });
  }
  const tmp = join(CACHE_DIR, 'rootfs.building');
  rmSync(tmp, { recursive: true, force: true });
  const mirrors = controllerMirrors();
  step(`debootstrap bookworm from ${mirrors.main} (about a minute)`);
  await runOk(
    ['debootstrap', '--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, 'bookworm', tmp, mirrors.main],
    'debootstrap',
    { hint: `the controller must reach ${mirrors.main}; the log is ${tmp}/debootstrap/debootstrap.log` },
  );
  step('download the role packages into the offline repository');
  writeFileSync(join(tmp, 'etc/apt/sources.list'), downloadSourcesList(mirrors));
  await downloadPackages(tmp);
  step('configure the template (networkd, sshd, lab key, apt source)');
  await configureTemplate(tmp);
  rmSync(templateDir(), { recursive: true, force: true });
  renameSync(tmp, templateDir());
  writeFileSync(templateStamp(), JSON.stringify({ version: TEMPLATE_VERSION, builtAt: new Date().toISOString(), mirrors, packages: REPO_PACKAGES }, null, 2));
}

/** Runs a shell script inside the template (a chroot-like nspawn, not booted). */
export async function inRoot(root: string, script: string, what: string): Promise<string> {
  return runOk(
    ['systemd-nspawn', '-q', '--register=no', '--keep-unit', '--resolv-conf=copy-host', '-E', 'DEBIAN_FRONTEND=noninteractive', '-D', root, '/bin/sh', '-ec', script],
    what,
    { timeoutMs: 30 * 60_000 },
  );
}

async function downloadPackages(root: string): Promise<void> {
  const pkgs = REPO_PACKAGES.join(' ');
  await inRoot(root, `apt-get update -q && apt-get install -q -y --download-only ${pkgs}`, 'downloading packages');
  const repo = join(root, 'srv/repo');
  mkdirSync(repo, { recursive: true });
  const archives = join(root, 'var/cache/apt/archives');
  const debs = readdirSync(archives).filter((f) => f.endsWith('.deb'));
  if (debs.length === 0) throw new TsplayError('TSPLAY_LAB', 'apt downloaded no packages');
  for (const f of debs) renameSync(join(archives, f), join(repo, f));
  await runOk(['sh', '-ec', 'dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null; gzip -9kf Packages'], 'dpkg-scanpackages', { cwd: repo });
}

async function configureTemplate(root: string): Promise<void> {
  writeFileSync(join(root, 'etc/apt/sources.list'), OFFLINE_SOURCES_LIST);
  rmSync(join(root, 'etc/apt/sources.list.d'), { recursive: true, force: true });
  mkdirSync(join(root, 'etc/apt/sources.list.d'));
  writeFileSync(join(root, 'etc/ssh/sshd_config.d/tsplay-lab.conf'), SSHD_DROPIN);
  await inRoot(
    root,
    [
      'rm -rf /var/lib/apt/lists/*',
      'apt-get update -q',
      'apt-get clean',
      'systemctl enable systemd-networkd',
      'rm -f /etc/ssh/ssh_host_*',
      ': > /etc/machine-id',
    ].join('\n'),
    'configuring the template',
  );
  await installLabKey(root);
}

async function installLabKey(root: string): Promise<void> {
  const key = labKeyPath();
  if (!existsSync(key)) {
    rmSync(`${key}.pub`, { force: true });
    await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab', '-f', key], 'generating the lab key');
  }
  const sshDir = join(root, 'root/.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(sshDir, 'authorized_keys'), readFileSync(`${key}.pub`));
  chmodSync(join(sshDir, 'authorized_keys'), 0o600);
}

/** Removes the whole cache (template, repository, key). */
export async function destroyCache(): Promise<void> {
  await run(['rm', '-rf', '--one-file-system', CACHE_DIR]);
}
