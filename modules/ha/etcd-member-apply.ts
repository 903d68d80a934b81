/**
 * etcd_member apply: the planned steps in order. Waits poll the cluster from
 * this node; a failure carries the command, the likely cause and the journal.
 */
import { shellJoin, type CommandResult } from '../../engine/connection/types.js';
import { ModuleFailure, type ApplyResult, type ModuleContext, type Plan } from '../../engine/module-api.js';
import { parseEndpointHealth, parseMemberList, sameUrl, tryParse } from './etcd-json.js';
import { clusterEndpoints, etcdctl, localEndpoints } from './etcdctl.js';
import { asList, ETCD_DEFAULTS, type EtcdMemberParams } from './etcd-member-probe.js';
import type { EtcdMemberState } from './etcd-member-plan.js';
import { failureMessage, fatalCause, readJournal } from './journal.js';
import { lastError } from './sections.js';

// etcdctl prints IDs with %16x: an ID of fewer than 16 hex digits is padded with spaces
const ADDED = /Member\s+([0-9a-f]+)\s+added to cluster\s+([0-9a-f]+)/;

/** The new member's ID from `etcdctl member add` output, or undefined. */
export function parseMemberAdded(stdout: string): { memberId: string; clusterId: string } | undefined {
  const m = ADDED.exec(stdout);
  return m ? { memberId: m[1]!, clusterId: m[2]! } : undefined;
}

interface Env {
  ctx: ModuleContext;
  p: EtcdMemberParams;
  st: EtcdMemberState;
  svc: string;
  deadline: number;
  /** host clock (epoch seconds) when etcd was started: the journal is read from there */
  startedAt?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tls(p: EtcdMemberParams): { cacert?: string; cert?: string; key?: string } {
  return { cacert: p.cacert, cert: p.cert, key: p.key };
}

async function failWithJournal(e: Env, what: string, command?: CommandResult): Promise<never> {
  const journal = await readJournal(e.ctx, e.svc, { since: e.startedAt });
  throw new ModuleFailure(failureMessage(what, e.svc, journal), { command });
}

/**
 * etcd refuses a reconfiguration for a few seconds after the previous one
 * (the peers must have been active for 5 s): retry those answers briefly.
 */
const TRANSIENT = /unhealthy cluster|not enough started members|timed out|deadline exceeded|leader changed/i;

async function etcdctlRetry(e: Env, args: string[], endpoints: string[]): Promise<CommandResult> {
  const until = Math.min(e.deadline, Date.now() + 30_000);
  for (;;) {
    const r = await e.ctx.run(etcdctl({ ...tls(e.p), endpoints }, args));
    if (r.rc === 0 || !TRANSIENT.test(r.stderr) || Date.now() > until) return r;
    await sleep(1000);
  }
}

/** the other members' client URLs (this node's own never: it may be a learner, or being removed) */
function othersEndpoints(e: Env): string[] {
  const endpoints = e.st.others.flatMap((m) => m.clientUrls);
  if (endpoints.length) return endpoints;
  return clusterEndpoints(asList(e.p.endpoints), { peerUrls: asList(e.p.peer_urls), clientUrls: asList(e.p.client_urls) });
}

async function addMember(e: Env): Promise<void> {
  const args = ['member', 'add', e.st.name, `--peer-urls=${asList(e.p.peer_urls).join(',')}`];
  if (e.p.learner) args.push('--learner');
  const r = await etcdctlRetry(e, args, othersEndpoints(e));
  const added = parseMemberAdded(r.stdout);
  if (r.rc !== 0 || !added) throw new ModuleFailure(`etcdctl member add failed: ${lastError(r.stderr) || r.stdout.trim()}`, { command: r });
  e.st.memberId = added.memberId;
}

/** Polls until this member is started (named) and healthy; fails early when the unit failed. */
async function waitHealthy(e: Env): Promise<void> {
  // a learner answers "rpc not supported for learner": ask the other members
  const endpoints = othersEndpoints(e);
  const script = [
    `${etcdctl({ ...tls(e.p), endpoints, commandTimeout: 3 }, ['member', 'list', '-w', 'json'])} || true`,
    'echo @@',
    `${etcdctl({ ...tls(e.p), endpoints: localEndpoints(asList(e.p.client_urls)), commandTimeout: 3 }, ['endpoint', 'health', '-w', 'json'])} 2>/dev/null || true`,
    'echo @@',
    shellJoin(['systemctl', 'is-active', e.svc]) + ' || true',
  ].join('\n');
  let last = '';
  for (let poll = 1; ; poll++) {
    const r = await e.ctx.run(script);
    const [listOut = '', healthOut = '', active = ''] = r.stdout.split('@@\n');
    const list = tryParse(parseMemberList, listOut, undefined);
    const me = list?.members.find((m) => m.id === e.st.memberId || m.peerUrls.some((u) => asList(e.p.peer_urls).some((w) => sameUrl(u, w))));
    if (me) e.st.memberId = me.id;
    const healthy = tryParse(parseEndpointHealth, healthOut, []).some((h) => h.health);
    // a learner does not serve reads (health fails) until promoted: started is enough here
    if (me?.name && (healthy || me.isLearner)) return;
    last = `member ${me ? (me.name ? 'started' : 'not started yet') : 'not in the list'}, local health ${healthy}, ${e.svc} ${active.trim()}`;
    if (active.trim() === 'failed') await failWithJournal(e, `${e.svc} failed to start while joining cluster ${e.st.clusterId} (${last})`);
    if (Date.now() > e.deadline) await failWithJournal(e, `timed out waiting for member ${e.st.name} to be healthy (${last})`);
    // etcd retries forever on a cluster ID mismatch: read the journal now and then instead of waiting out the timeout
    if (poll % 5 === 0) {
      const cause = fatalCause(await readJournal(e.ctx, e.svc, { lines: 200, since: e.startedAt }));
      if (cause) await failWithJournal(e, `member ${e.st.name} cannot join cluster ${e.st.clusterId} (${last})`);
    }
    await sleep(1000);
  }
}

/** 3.4 refuses to promote a learner that is not in sync yet: retry until it is. */
async function promote(e: Env): Promise<void> {
  // never through this node's own endpoint: a learner answers "rpc not supported for learner"
  const endpoints = othersEndpoints(e);
  for (;;) {
    const r = await e.ctx.run(etcdctl({ ...tls(e.p), endpoints }, ['member', 'promote', e.st.memberId ?? '']));
    if (r.rc === 0) return;
    const err = lastError(r.stderr);
    if (!/in sync with leader|not enough started members|timed out|deadline exceeded/i.test(err) || Date.now() > e.deadline) {
      throw new ModuleFailure(`etcdctl member promote ${e.st.memberId} failed: ${err}`, { command: r });
    }
    await sleep(1000);
  }
}

async function start(e: Env): Promise<void> {
  const r = await e.ctx.run(`date +%s && ${shellJoin(['systemctl', 'start', '--no-block', e.svc])}`);
  if (r.rc !== 0) throw new ModuleFailure(`systemctl start ${e.svc} failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
  e.startedAt = Number(r.stdout.trim()) || undefined;
}

async function ok(e: Env, argv: string[]): Promise<void> {
  const r = await e.ctx.run(shellJoin(argv));
  if (r.rc !== 0) throw new ModuleFailure(`${argv.join(' ')} failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
}

async function runStep(e: Env, step: EtcdMemberState['steps'][number]): Promise<void> {
  const data = e.p.data_dir ?? ETCD_DEFAULTS.data_dir;
  switch (step) {
    case 'add': return addMember(e);
    case 'stop-stray': case 'stop': return ok(e, ['systemctl', 'stop', e.svc]);
    case 'write-env': return e.ctx.put(e.st.envText ?? '', e.p.env_file ?? ETCD_DEFAULTS.env_file, { mode: '0644' });
    // keep the directory (its owner is the etcd user), empty it
    case 'wipe': return ok(e, ['find', data, '-mindepth', '1', '-delete']);
    case 'enable': return ok(e, ['systemctl', 'enable', '--quiet', e.svc]);
    // --no-block: a Type=notify etcd is not ready until it joined; waitHealthy polls instead
    case 'start': return start(e);
    case 'wait': return waitHealthy(e);
    case 'promote': return promote(e);
    case 'remove': return removeMember(e);
    case 'disable': return ok(e, ['systemctl', 'disable', '--quiet', e.svc]);
    case 'delete-data': return ok(e, ['rm', '-rf', '--', data]);
  }
}

async function removeMember(e: Env): Promise<void> {
  const r = await etcdctlRetry(e, ['member', 'remove', e.st.memberId ?? ''], othersEndpoints(e));
  if (r.rc !== 0 && !/member not found/.test(r.stderr)) {
    throw new ModuleFailure(`etcdctl member remove ${e.st.memberId} failed: ${lastError(r.stderr)}`, { command: r });
  }
}

export async function applyEtcdMember(ctx: ModuleContext, p: EtcdMemberParams, plan: Plan<EtcdMemberState>): Promise<ApplyResult> {
  const st = plan.state!;
  const e: Env = { ctx, p, st, svc: p.service ?? ETCD_DEFAULTS.service, deadline: Date.now() + (p.timeout ?? ETCD_DEFAULTS.timeout) * 1000 };
  const done = new Set<string>();
  for (const step of st.steps) {
    // 'stop' after 'stop-stray' would stop twice
    const key = step === 'stop-stray' ? 'stop' : step;
    if (done.has(key)) continue;
    done.add(key);
    await runStep(e, step);
  }
  return { changed: true, data: { cluster_id: st.clusterId, member_id: st.memberId ?? null, name: st.name } };
}
