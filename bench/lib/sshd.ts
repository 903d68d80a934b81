/**
 * sshd hosts on 127.0.0.1 for the bench and the channel test: the approach of
 * test/helpers/sshd.ts (one sshd process per host on a free port, shared key
 * and known_hosts, a directory per host), plus a chosen LogLevel and a log
 * file per host so that connections and sessions can be counted server-side.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchHost {
  name: string;
  port: number;
  /** this host's own directory (the `workdir` host var) */
  dir: string;
  /** sshd's log (-E) for this host */
  log: string;
  pid: number;
}

export interface BenchSshd {
  root: string;
  keyPath: string;
  knownHostsPath: string;
  hosts: BenchHost[];
  /** INI inventory: connection vars, known_hosts and `workdir` per host */
  inventoryIni(group: string): string;
  stop(): void;
}

export interface StartOptions {
  /** VERBOSE logs connections, sessions and bytes transferred (default) */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG1';
  prefix?: string;
}

async function freePort(): Promise<number> {
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

function sshdConfig(root: string, port: number, i: number, logLevel: string): string {
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
    `LogLevel ${logLevel}`,
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

function startOne(root: string, i: number): number {
  mkdirSync('/run/sshd', { recursive: true });
  execFileSync('/usr/sbin/sshd', ['-f', join(root, `sshd_${i}.conf`), '-E', join(root, `sshd_${i}.log`)]);
  const pidFile = join(root, `sshd_${i}.pid`);
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

export async function startBenchSshd(count: number, opts: StartOptions = {}): Promise<BenchSshd> {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-bench-sshd-'));
  const keyPath = join(root, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'hostkey')]);
  writeFileSync(join(root, 'authorized_keys'), readFileSync(`${keyPath}.pub`));
  const hostPub = readFileSync(join(root, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const hosts: BenchHost[] = [];
  const known: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    writeFileSync(join(root, `sshd_${i}.conf`), sshdConfig(root, port, i, opts.logLevel ?? 'VERBOSE'));
    const pid = startOne(root, i);
    const dir = join(root, `host${i}`);
    mkdirSync(dir);
    hosts.push({ name: `${opts.prefix ?? 'h'}${i}`, port, dir, log: join(root, `sshd_${i}.log`), pid });
    known.push(`[127.0.0.1]:${port} ${hostPub}`);
  }
  const knownHostsPath = join(root, 'known_hosts');
  writeFileSync(knownHostsPath, `${known.join('\n')}\n`);
  await Promise.all(hosts.map((h) => waitForPort(h.port)));
  return {
    root,
    keyPath,
    knownHostsPath,
    hosts,
    inventoryIni(group) {
      const lines = hosts.map(
        (h) =>
          `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${keyPath} ` +
          `ansible_ssh_known_hosts_file=${knownHostsPath} workdir=${h.dir}`,
      );
      return `[${group}]\n${lines.join('\n')}\n`;
    },
    stop() {
      for (const h of hosts) {
        if (!(h.pid > 1)) continue;
        try {
          process.kill(h.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
