import { readdirSync, readFileSync } from 'node:fs';
import type { SshdHarness, SshdHost } from '../../helpers/sshd.js';
import { SshConnection, type SshConnectionOptions } from '../../../engine/connection/index.js';

export function connectionTo(h: SshdHarness, host: SshdHost, extra: Partial<SshConnectionOptions> = {}): SshConnection {
  return new SshConnection({
    host: host.name,
    address: '127.0.0.1',
    port: host.port,
    username: 'root',
    privateKeyFile: h.keyPath,
    knownHostsFiles: [h.knownHostsPath],
    connectTimeoutMs: 5000,
    ...extra,
  });
}

/** pids whose parent is `ppid` (read from /proc) */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(name));
    } catch {
      /* process gone */
    }
  }
  return out;
}

/** one sshd child per client connection: the server-side connection count */
export function serverConnections(host: SshdHost): number {
  return childPids(host.pid).length;
}

/** Kills the sshd listener and the per-connection sshd processes it started (by pid). */
export function killSshdHard(h: SshdHarness, host: SshdHost): void {
  const sessions = childPids(host.pid);
  h.kill(host);
  for (const pid of sessions) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** every process below `pid` (children, grandchildren ...) */
export function descendantPids(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const kids = childPids(queue.shift()!);
    out.push(...kids);
    queue.push(...kids);
  }
  return out;
}
