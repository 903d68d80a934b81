/**
 * Real sshd hosts on 127.0.0.1 (lab.md part A), for the tests and the bench:
 * each a separate sshd process on a free high port, sharing this machine's
 * filesystem, each with its own working directory and its own log (-E), so
 * connections and sessions can be counted server-side. Keys and known_hosts
 * are generated per harness; nothing outside the harness directory is touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshdHost {
  name: string;
  port: number;
  /** this host's own directory (give it to playbooks as the `workdir` host var) */
  dir: string;
  /** sshd's log (-E) for this host */
  log: string;
  pid: number;
}

export interface SshdHarness {
  root: string;
  keyPath: string;
  knownHostsPath: string;
  hosts: SshdHost[];
  /** an INI inventory line per host, with connection vars, `workdir` and `extra` */
  inventoryIni(group?: string, extra?: string): string;
  kill(host: SshdHost): void;
  restart(host: SshdHost): Promise<void>;
  stop(): void;
}

export interface StartOptions {
  /** ERROR by default; VERBOSE logs connections, sessions and bytes transferred */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG1';
  prefix?: string;
  /** more sshd_config lines */
  sshdExtra?: string;
}

/** The bench's names for the same harness. */
export type BenchHost = SshdHost;
export type BenchSshd = SshdHarness;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on port ${port} did not start`);
}

function sshdConfig(root: string, port: number, i: number, opts: StartOptions): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(root, 'hostkey')}`,
    `PidFile ${join(root, `sshd_${i}.pid`)}`,
    `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
    'UsePAM no',
    'UseDNS no',
    'StrictModes no',
    'PasswordAuthentication no',
    'PermitRootLogin yes',
    'MaxStartups 1000:30:1000',
    'MaxSessions 64',
    `LogLevel ${opts.logLevel ?? 'ERROR'}`,
    'Subsystem sftp internal-sftp',
    opts.sshdExtra ?? '',
  ].join('\n');
}

function startOne(root: string, i: number): number {
  mkdirSync('/run/sshd', { recursive: true });
  const pidFile = join(root, `sshd_${i}.pid`);
  // a killed sshd leaves its pid file: restart() must not return the dead pid (the new sshd would never be stopped)
  rmSync(pidFile, { force: true });
  execFileSync('/usr/sbin/sshd', ['-f', join(root, `sshd_${i}.conf`), '-E', join(root, `sshd_${i}.log`)]);
  const deadline = Date.now() + 10_000;
  // the file can exist before its content is written: an empty read would give
  // pid 0, and kill(0) signals our own process group
  let pid = readPid(pidFile);
  while (pid === undefined && Date.now() < deadline) {
    spawnSync('sleep', ['0.02']);
    pid = readPid(pidFile);
  }
  if (pid === undefined) throw new Error(`sshd ${i} wrote no pid to ${pidFile}`);
  return pid;
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

export function sshdAvailable(): boolean {
  return existsSync('/usr/sbin/sshd');
}

export async function startSshdHosts(count: number, opts: StartOptions = {}): Promise<SshdHarness> {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
  const keyPath = join(root, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'hostkey')]);
  writeFileSync(join(root, 'authorized_keys'), readFileSync(`${keyPath}.pub`));
  const hostPub = readFileSync(join(root, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const hosts: SshdHost[] = [];
  const known: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    writeFileSync(join(root, `sshd_${i}.conf`), sshdConfig(root, port, i, opts));
    const pid = startOne(root, i);
    const dir = join(root, `host${i}`);
    mkdirSync(dir);
    hosts.push({ name: `${opts.prefix ?? 'h'}${i}`, port, dir, log: join(root, `sshd_${i}.log`), pid });
    known.push(`[127.0.0.1]:${port} ${hostPub}`);
  }
  const knownHostsPath = join(root, 'known_hosts');
  writeFileSync(knownHostsPath, `${known.join('\n')}\n`);
  await Promise.all(hosts.map((h) => waitForPort(h.port)));
  const kill = (host: SshdHost): void => {
    if (!(host.pid > 1)) return;
    try {
      process.kill(host.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  return {
    root,
    keyPath,
    knownHostsPath,
    hosts,
    inventoryIni(group = 'hosts', extra = '') {
      const lines = hosts.map(
        (h) =>
          `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${keyPath} workdir=${h.dir}${extra ? ` ${extra}` : ''}`,
      );
      return `[${group}]\n${lines.join('\n')}\n`;
    },
    kill,
    async restart(host) {
      host.pid = startOne(root, hosts.indexOf(host));
      await waitForPort(host.port);
    },
    stop() {
      for (const h of hosts) kill(h);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface BenchSshdOptions extends StartOptions {
  /**
   * Let the hosts' login shell read the controller user's ~/.bashrc (bash
   * does so for a command run by sshd). Off by default: the "hosts" share
   * this machine's root account, whose ~/.bashrc runs `pyenv init` (about 110
   * processes and a `pyenv rehash` behind a global lock with a 0.1 s retry
   * loop) at every SSH session; 100 concurrent logins queue on that lock.
   * Real hosts (lab.md) have no such login. SetEnv SHLVL=1 makes bash skip
   * ~/.bashrc (it reads it only when SHLVL < 2), for every tool alike.
   */
  loginRc?: boolean;
}

/** The bench's harness: VERBOSE logs, and an inventory that names the known_hosts file. */
export async function startBenchSshd(count: number, opts: BenchSshdOptions = {}): Promise<BenchSshd> {
  const sshdExtra = opts.loginRc ? opts.sshdExtra : ['SetEnv SHLVL=1', opts.sshdExtra ?? ''].join('\n');
  const h = await startSshdHosts(count, { logLevel: 'VERBOSE', ...opts, sshdExtra });
  const inventoryIni = h.inventoryIni;
  return { ...h, inventoryIni: (group = 'hosts', extra = '') => inventoryIni(group, `ansible_ssh_known_hosts_file=${h.knownHostsPath}${extra ? ` ${extra}` : ''}`) };
}
