/**
 * Assertions shared by the cluster end-to-end tests (topology A and B): each
 * checks the real cluster with its own clients and fails with what it saw.
 */
import { expect } from 'vitest';
import type { Lab } from '../../../engine/lab/index.js';
import {
  describeRun, leaderOf, patroniMembers, psql, runningReplicas, waitFor,
  type PatroniMember, type SiteRun,
} from './cluster-run.js';

export const HAPROXY_PRIMARY = 5000;
export const HAPROXY_REPLICAS = 5001;

export function addressOf(lab: Lab, host: string): string {
  const h = lab.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host ${host} in lab ${lab.name}`);
  return h.address;
}

export function groupOf(lab: Lab, group: string): string[] {
  return lab.hosts.filter((h) => h.groups.includes(group)).map((h) => h.name);
}

export function expectSucceeded(run: SiteRun): void {
  expect(run.failures, describeRun(run)).toEqual([]);
  expect(run.exitCode, describeRun(run)).toBe(0);
  for (const [host, s] of Object.entries(run.recap)) {
    expect(s.failed + s.unreachable, `${host}: ${describeRun(run)}`).toBe(0);
  }
}

/** Every host of the recap reports changed=0. */
export function expectNothingChanged(run: SiteRun, except: string[] = []): void {
  expectSucceeded(run);
  for (const [host, s] of Object.entries(run.recap)) {
    if (except.includes(host)) continue;
    expect({ host, changed: s.changed, tasks: run.changedTasks[host] ?? [] }).toEqual({ host, changed: 0, tasks: [] });
  }
}

/** `etcdctl endpoint health --cluster` on `host`: every one of `members` healthy. */
export async function expectEtcdHealthy(lab: Lab, host: string, members: number): Promise<void> {
  const r = await lab.exec(host, 'ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 endpoint health --cluster 2>&1');
  expect(r.rc, r.stdout).toBe(0);
  expect(r.stdout.match(/is healthy/g)?.length ?? 0, r.stdout).toBe(members);
}

/** patronictl: one Leader, every other member a streaming replica; returns the leader. */
export async function expectPatroniHealthy(lab: Lab, host: string, members: number, timeoutMs = 60_000): Promise<string> {
  let seen: PatroniMember[] = [];
  let receivers: Record<string, string> = {};
  return waitFor(`one leader and ${members - 1} streaming replicas`, async () => {
    seen = await patroniMembers(lab, host);
    const leaders = seen.filter((m) => m.Role === 'Leader');
    const replicas = runningReplicas(seen);
    if (seen.length !== members || leaders.length !== 1 || replicas.length !== members - 1) return undefined;
    receivers = {};
    for (const r of replicas) receivers[r] = await walReceiverStatus(lab, r);
    return Object.values(receivers).every((s) => s === 'streaming') ? leaderOf(seen) : undefined;
  }, timeoutMs, 2000).catch((e: unknown) => {
    throw new Error(`${String(e)}\npatronictl list: ${JSON.stringify(seen)}\nWAL receivers: ${JSON.stringify(receivers)}`);
  });
}

/** pg_stat_wal_receiver's status on a member ('streaming' when it receives WAL from the leader). */
export async function walReceiverStatus(lab: Lab, member: string): Promise<string> {
  const r = await lab.exec(member, "runuser -u postgres -- psql -X -t -A -d postgres -c 'SELECT status FROM pg_stat_wal_receiver'");
  return r.rc === 0 ? r.stdout.trim() || 'none' : `error: ${r.stderr.trim()}`;
}

/** Runs SQL and fails on an error, returning stdout. */
export async function sql(host: string, port: number, query: string): Promise<string> {
  // the lab shares two cores with other work: a connection attempt may time
  // out under load, so those (and only those) are retried
  for (let attempt = 1; ; attempt++) {
    const r = await psql(host, port, query);
    if (r.code === 0) return r.stdout;
    if (attempt >= 3 || !/timeout expired|could not connect|Connection refused/.test(r.stderr)) {
      throw new Error(`psql ${host}:${port} "${query}": ${r.stderr}`);
    }
  }
}

/** Waits until `query` answers `expected` on host:port (replication catching up). */
export async function expectEventually(host: string, port: number, query: string, expected: string, timeoutMs = 20_000): Promise<void> {
  let last = '';
  await waitFor(`${host}:${port} to answer ${expected}`, async () => {
    const r = await psql(host, port, query);
    last = r.code === 0 ? r.stdout : r.stderr;
    return r.code === 0 && r.stdout === expected ? true : undefined;
  }, timeoutMs).catch((e: unknown) => {
    throw new Error(`${String(e)}; last answer: ${last}`);
  });
}

export interface FailoverOutcome {
  newLeader: string;
  seconds: number;
}

/**
 * After the leader was taken down: writes through HAProxy's primary port
 * (on `haproxyHost`) until one succeeds on a new leader. Returns how long that took.
 */
export async function writeThroughFailover(lab: Lab, opts: { haproxyHost: string; oldLeader: string; askHost: string; startedAt: number; timeoutMs: number }): Promise<FailoverOutcome> {
  const addr = addressOf(lab, opts.haproxyHost);
  await waitFor('a write through :5000 after the failover', async () => {
    const r = await psql(addr, HAPROXY_PRIMARY, "INSERT INTO tsplay_e2e(note) VALUES ('after failover')", 8000);
    return r.code === 0 ? true : undefined;
  }, opts.timeoutMs, 500);
  const seconds = (Date.now() - opts.startedAt) / 1000;
  const members = await patroniMembers(lab, opts.askHost);
  const newLeader = leaderOf(members);
  if (!newLeader || newLeader === opts.oldLeader) throw new Error(`no new leader after the failover: ${JSON.stringify(members)}`);
  return { newLeader, seconds };
}

export interface Writer {
  /** stops the loop; returns the ids of the rows whose INSERT was acknowledged */
  stop(): Promise<number[]>;
}

/** A client that inserts rows through host:port one after another, remembering what was acknowledged. */
export function startWriter(host: string, port: number): Writer {
  const acknowledged: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await psql(host, port, "INSERT INTO tsplay_e2e(note) VALUES ('writer') RETURNING id", 8000);
      if (r.code === 0 && /^\d+$/.test(r.stdout)) acknowledged.push(Number(r.stdout));
      else await new Promise((res) => setTimeout(res, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return acknowledged;
    },
  };
}

/** How many of `ids` are missing from tsplay_e2e on host:port. */
export async function missingRows(host: string, port: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await sql(host, port, `SELECT id FROM tsplay_e2e WHERE id IN (${ids.join(',')}) ORDER BY id`);
  const present = new Set(found.split('\n').filter(Boolean).map(Number));
  return ids.filter((id) => !present.has(id));
}
