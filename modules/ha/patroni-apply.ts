/**
 * patroni_bootstrap apply: start Patroni and wait for the REST answer the
 * role needs. Never reloads (no SIGHUP right after a start). A failed first
 * bootstrap is cleaned up (initialize key removed, data dir renamed *.failed)
 * and reported with the journal.
 */
import { shellJoin, shellQuote, type CommandResult } from '../../engine/connection/types.js';
import { ModuleFailure, type ApplyResult, type ModuleContext, type Plan } from '../../engine/module-api.js';
import { explainJournal, failureMessage, fatalCause, readJournal } from './journal.js';
import { leaderOf, parseClusterMembers, parsePatroniStatus, type ClusterMember, type PatroniStatus } from './patroni-parse.js';
import type { PatroniState, PatroniStep } from './patroni-plan.js';
import { PATRONI_DEFAULTS, REST_PATHS, type PatroniBootstrapParams } from './patroni-probe.js';
import { configPrelude, etcdctlVar, getDcsKey, httpGetUrls, parseHttp } from './patroni-scripts.js';

interface Env {
  ctx: ModuleContext;
  p: PatroniBootstrapParams;
  st: PatroniState;
  svc: string;
  deadline: number;
  startedAt?: number;
  /** leader name known from the probe (patronictl remove asks for it) */
  leader?: string;
}

interface Snapshot {
  active: string;
  codes: Record<string, number>;
  status?: PatroniStatus;
  members?: ClusterMember[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function prelude(e: Env): string {
  return configPrelude({ config: e.p.config ?? PATRONI_DEFAULTS.config, scope: e.p.scope, namespace: e.p.namespace, etcdEndpoints: e.p.etcd_endpoints });
}

function tls(p: PatroniBootstrapParams): { cacert?: string; cert?: string; key?: string } {
  return { cacert: p.cacert, cert: p.cert, key: p.key };
}

async function snapshot(e: Env): Promise<Snapshot> {
  const base = (e.p.rest_url ?? PATRONI_DEFAULTS.rest_url).replace(/\/+$/, '');
  const r = await e.ctx.run(`${shellJoin(['systemctl', 'is-active', e.svc])}; echo @@; ${httpGetUrls(REST_PATHS.map((x) => `${base}/${x}`))}`);
  const [active = '', http = ''] = r.stdout.split('@@\n');
  const h = parseHttp(http);
  const codes: Record<string, number> = {};
  for (const x of REST_PATHS) codes[x] = h[`${base}/${x}`]?.status ?? 0;
  return {
    active: active.trim(),
    codes,
    status: parsePatroniStatus(h[`${base}/patroni`]?.body ?? ''),
    members: parseClusterMembers(h[`${base}/cluster`]?.body ?? ''),
  };
}

/** Patroni keeps retrying etcd for ever: after a grace period that is a failure, not a wait. */
function patroniFatal(journal: string, elapsedMs: number): string | undefined {
  const cause = fatalCause(journal);
  if (cause) return cause;
  const recent = journal.split('\n').slice(-20).join('\n');
  if (elapsedMs > 30_000 && /waiting on etcd|Failed to get list of machines/.test(recent)) return explainJournal(recent)[0] ?? 'Patroni cannot reach etcd';
  return undefined;
}

async function fail(e: Env, what: string, command?: CommandResult): Promise<never> {
  const journal = await readJournal(e.ctx, e.svc, { since: e.startedAt });
  throw new ModuleFailure(failureMessage(what, e.svc, journal), { command });
}

/** Polls until `done` says yes; fails on a failed unit, a fatal journal line or the deadline. */
async function waitFor(e: Env, what: string, done: (s: Snapshot) => boolean): Promise<Snapshot> {
  const started = Date.now();
  for (let poll = 1; ; poll++) {
    const s = await snapshot(e);
    if (done(s)) return s;
    const state = `${e.svc} ${s.active}, state ${s.status?.state ?? 'no answer'}, role ${s.status?.role ?? '-'}`;
    if (s.active === 'failed') await fail(e, `${e.svc} failed while waiting for ${what} (${state})`);
    if (Date.now() > e.deadline) await fail(e, `timed out waiting for ${what} (${state})`);
    if (poll % 5 === 0) {
      const cause = patroniFatal(await readJournal(e.ctx, e.svc, { lines: 200, since: e.startedAt }), Date.now() - started);
      if (cause) await fail(e, `${what} will not happen: ${cause} (${state})`);
    }
    await sleep(1000);
  }
}

async function waitLeaderKey(e: Env): Promise<void> {
  for (;;) {
    const r = await e.ctx.run(`${prelude(e)}\n${getDcsKey('leader', tls(e.p))}`);
    if (r.rc === 0 && r.stdout.trim()) return;
    if (Date.now() > e.deadline) {
      throw new ModuleFailure(`timed out waiting for ${e.p.leader} to bootstrap cluster ${e.st.scope} (no leader key in etcd)`, { command: r });
    }
    await sleep(1000);
  }
}

async function removeDcs(e: Env): Promise<void> {
  const answers = [e.st.scope, 'Yes I am aware', ...(e.leader ? [e.leader] : [])].join('\n') + '\n';
  const argv = ['patronictl', '-c', e.p.config ?? PATRONI_DEFAULTS.config, 'remove', e.st.scope];
  const r = await e.ctx.run(shellJoin(argv), { stdin: answers });
  if (r.rc !== 0) throw new ModuleFailure(`patronictl remove ${e.st.scope} failed: ${r.stderr.trim() || r.stdout.trim()}`, { command: r });
}

async function start(e: Env): Promise<void> {
  const r = await e.ctx.run(`date +%s && ${shellJoin(['systemctl', 'start', '--no-block', e.svc])}`);
  if (r.rc !== 0) throw new ModuleFailure(`systemctl start ${e.svc} failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
  e.startedAt = Number(r.stdout.trim().split('\n')[0]) || undefined;
}

const code200 = (s: Snapshot, ...paths: string[]): boolean => paths.some((x) => s.codes[x] === 200);

async function runStep(e: Env, step: PatroniStep): Promise<void> {
  switch (step) {
    case 'remove-dcs': return removeDcs(e);
    case 'wait-leader-key': return waitLeaderKey(e);
    case 'enable': {
      const r = await e.ctx.run(shellJoin(['systemctl', 'enable', '--quiet', e.svc]));
      if (r.rc !== 0) throw new ModuleFailure(`systemctl enable ${e.svc} failed: ${r.stderr.trim()}`, { command: r });
      return;
    }
    case 'start': return start(e);
    case 'wait-primary':
      return void (await waitFor(e, '/primary (/master) 200', (s) => code200(s, 'primary', 'master') && s.status?.state === 'running'));
    case 'wait-replica':
      return void (await waitFor(e, '/replica (or /health) 200', (s) => code200(s, 'replica', 'health') && s.status?.state === 'running'));
    case 'wait-health': return void (await waitFor(e, '/health 200', (s) => code200(s, 'health')));
    case 'wait-members': {
      const n = e.p.expected_members ?? 1;
      const ok = (s: Snapshot): boolean => (s.members ?? []).length >= n && leaderOf(s.members ?? []).length === 1 && (s.members ?? []).every((m) => m.state === 'running');
      return void (await waitFor(e, `/cluster with ${n} running members and one leader`, ok));
    }
  }
}

/** A first bootstrap failed: stop, drop the initialize key if no leader holds the cluster, keep the data as *.failed. */
async function cleanupFailedBootstrap(e: Env): Promise<string> {
  const data = e.st.dataDir;
  const script = [
    prelude(e),
    shellJoin(['systemctl', 'stop', e.svc]),
    `if [ -z "$(${getDcsKey('leader', tls(e.p))} 2>/dev/null)" ]; then ${etcdctlVar(['del'], tls(e.p))} "$dcs_prefix"/initialize >/dev/null && echo 'removed the initialize key'; fi`,
    data ? `d=${shellQuote(data)}; if [ -d "$d" ]; then f="$d.failed"; [ -e "$f" ] && f="$d.failed-$(date +%s)"; mv -- "$d" "$f" && echo "renamed $d to $f"; fi` : '',
  ].filter(Boolean).join('\n');
  const r = await e.ctx.run(script);
  return r.stdout.trim().split('\n').filter(Boolean).join('; ');
}

export async function applyPatroni(ctx: ModuleContext, p: PatroniBootstrapParams, plan: Plan<PatroniState>): Promise<ApplyResult> {
  const st = plan.state!;
  const e: Env = {
    ctx, p, st, svc: p.service ?? PATRONI_DEFAULTS.service,
    deadline: Date.now() + (p.timeout ?? PATRONI_DEFAULTS.timeout) * 1000,
    leader: typeof plan.data?.leader === 'string' ? plan.data.leader : undefined,
  };
  for (const w of st.warnings) ctx.warn(w);
  for (const step of st.steps) {
    try {
      await runStep(e, step);
    } catch (err) {
      if (!(err instanceof ModuleFailure) || !st.freshBootstrap || step !== 'wait-primary') throw err;
      const cleaned = await cleanupFailedBootstrap(e);
      throw new ModuleFailure(`bootstrap of cluster ${st.scope} failed${cleaned ? ` (${cleaned})` : ''}: ${err.message}`, { command: err.command });
    }
  }
  const s = await snapshot(e);
  const members = s.members ?? [];
  return {
    // waiting for a Patroni that was already started is not a change
    changed: st.steps.some((x) => x === 'start' || x === 'enable' || x === 'remove-dcs'),
    data: {
      role: s.status?.role ?? null,
      leader: leaderOf(members)[0]?.name ?? null,
      members: members.map((m) => ({ name: m.name, role: m.role, state: m.state })),
      system_id: s.status?.systemId ?? null,
    },
  };
}
