/** Fault helpers over the sshd harness: cut a host's live connections, count its sessions. */
import { readdirSync, readFileSync } from 'node:fs';
import type { SshdHost } from '../../helpers/sshd.js';
import { waitUntil } from '../../helpers/wait.js';

/** Children of a process (from /proc), e.g. the per-connection sshd processes of a listener. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // the ppid is the 2nd field after the parenthesised command name
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Live SSH connections of this host: the listener's children. */
export function sessions(host: SshdHost): number {
  return childPids(host.pid).length;
}

/** Kills the listener and every connection it serves (as a crash or a cut link would). */
export function cutHost(host: SshdHost): void {
  const children = childPids(host.pid);
  for (const pid of [host.pid, ...children]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  return waitUntil(cond, timeoutMs, 50);
}

/** The recap line of a host in plain output: `h0 : ok=1 changed=0 unreachable=1 failed=0 ...`. */
export function recapOf(stdout: string, host: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => new RegExp(`^${host}\\s+:`).test(l.trim()));
  const out: Record<string, number> = {};
  for (const m of (line ?? '').matchAll(/(\w+)=(\d+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}
