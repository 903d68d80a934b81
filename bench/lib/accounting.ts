/**
 * Per-run server-side accounting: remember where each host's sshd log ends
 * before a run, count connections and sessions written after it.
 */
import { countSessions, logSize, readFrom } from './sshd-log.js';
import type { BenchHost } from './sshd.js';

export interface HostCounts {
  connectionsMax: number;
  connectionsMean: number;
  sessionsMax: number;
  sessionsMean: number;
  sessionKinds: Record<string, number>;
  connections: number;
  sessions: number;
}

export function logMarks(hosts: readonly BenchHost[]): number[] {
  return hosts.map((h) => logSize(h.log));
}

export function countSince(hosts: readonly BenchHost[], marks: readonly number[]): HostCounts {
  const per = hosts.map((h, i) => countSessions(readFrom(h.log, marks[i] ?? 0)));
  const kinds: Record<string, number> = {};
  for (const c of per) for (const [k, v] of Object.entries(c.kinds)) kinds[k] = (kinds[k] ?? 0) + v;
  const conns = per.map((c) => c.connections);
  const sess = per.map((c) => c.sessions);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    connectionsMax: Math.max(...conns),
    connectionsMean: sum(conns) / per.length,
    sessionsMax: Math.max(...sess),
    sessionsMean: sum(sess) / per.length,
    sessionKinds: kinds,
    connections: sum(conns),
    sessions: sum(sess),
  };
}

/** sshd writes its last lines as the connection closes: give it a moment */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));
