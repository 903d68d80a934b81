/**
 * Server-side accounting from sshd's VERBOSE log: one `Accepted publickey`
 * line per authenticated connection, one `Starting session:` line per session
 * channel (shell, exec command or subsystem such as sftp). Counted from a byte
 * offset so that each run is measured on its own.
 */
import { readFileSync, statSync } from 'node:fs';

export interface SessionCounts {
  connections: number;
  sessions: number;
  /** sessions by kind: shell, command, subsystem 'sftp' ... */
  kinds: Record<string, number>;
}

export function countSessions(logText: string): SessionCounts {
  const counts: SessionCounts = { connections: 0, sessions: 0, kinds: {} };
  for (const line of logText.split('\n')) {
    if (line.startsWith('Accepted publickey for ') || line.startsWith('Accepted password for ')) counts.connections++;
    const m = /^Starting session: (.+?) (?:on \S+ )?for \S+ from /.exec(line);
    if (m) {
      counts.sessions++;
      counts.kinds[m[1]!] = (counts.kinds[m[1]!] ?? 0) + 1;
    }
  }
  return counts;
}

export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function readFrom(file: string, offset: number): string {
  return readFileSync(file).subarray(offset).toString('utf8');
}
