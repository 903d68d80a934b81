/**
 * patroni_bootstrap planner (pure): preflight refusals, then what this host
 * does for the cluster to be up: start Patroni first on the designated leader,
 * after the leader key on the others, and wait for the right REST answer.
 */
import { ModuleFailure, type Plan } from '../../engine/module-api.js';
import { clusterVersionOk, leaderOf } from './patroni-parse.js';
import { PATRONI_DEFAULTS, type PatroniBootstrapParams, type PatroniFacts } from './patroni-probe.js';

export type PatroniStep =
  | 'remove-dcs' | 'wait-leader-key' | 'enable' | 'start' | 'wait-primary' | 'wait-replica' | 'wait-health' | 'wait-members';

export interface PatroniState {
  steps: PatroniStep[];
  scope: string;
  /** a first bootstrap from an empty data dir: on failure the key is removed and the data dir renamed *.failed */
  freshBootstrap: boolean;
  dataDir?: string;
  /** warnings for apply to show (adopted data) */
  warnings: string[];
}

const PATRONI_PROCESSES = new Set(['patroni', 'postgres', 'postmaster']);

function checkConfig(facts: PatroniFacts, p: PatroniBootstrapParams): string {
  const cfg = facts.config;
  const path = p.config ?? PATRONI_DEFAULTS.config;
  if (cfg.error) {
    throw new ModuleFailure(`cannot read the Patroni config ${path}: ${cfg.error} (without it patroni.service is silently skipped: ConditionPathExists)`);
  }
  if (!cfg.etcd3) {
    const v2 = cfg.hasEtcdV2 ? ' It has an `etcd:` section: that is the v2 API, disabled in etcd 3.4; use `etcd3:`.' : '';
    throw new ModuleFailure(`the Patroni config ${path} has no etcd3 hosts and no etcd_endpoints were given.${v2}`);
  }
  const scope = p.scope ?? cfg.scope;
  if (!scope) throw new ModuleFailure(`no scope: set it in ${path} or pass scope`);
  if (p.scope && cfg.scope && p.scope !== cfg.scope) {
    throw new ModuleFailure(`scope ${p.scope} differs from the config's scope ${cfg.scope} (${path}): Patroni would bootstrap ${cfg.scope}`);
  }
  return scope;
}

function etcdUsed(p: PatroniBootstrapParams, facts: PatroniFacts): string {
  return p.etcd_endpoints?.join(',') ?? facts.config.etcd3;
}

/** Refusals that apply while Patroni is not running here. */
function preflight(facts: PatroniFacts, p: PatroniBootstrapParams): void {
  if (facts.etcd.error) throw new ModuleFailure(`Patroni cannot reach etcd (${etcdUsed(p, facts)}): ${facts.etcd.error}`);
  const old = facts.etcd.versions.filter((v) => !clusterVersionOk(v.cluster));
  if (old.length) {
    const desc = old.map((v) => `${v.endpoint}: ${v.cluster ?? 'no answer'}`).join(', ');
    throw new ModuleFailure(`etcd cluster version is not 3.4 yet (${desc}): not every member is connected, and Patroni 3.0.2 would talk /v3alpha (404 "Failed to get list of machines"); start every etcd member first`);
  }
  const debian = facts.debianClusters.filter(
    (c) => c.status.startsWith('online') && (c.port === facts.config.pgPort || c.dataDir === facts.config.dataDir || c.name === 'main'),
  );
  if (debian.length) {
    const c = debian[0]!;
    throw new ModuleFailure(`Debian's cluster ${c.version}/${c.name} is running on port ${c.port} (${c.dataDir}): run pg_dropcluster --stop ${c.version} ${c.name} (or stop and disable postgresql@${c.version}-${c.name}) before Patroni takes over`);
  }
  for (const port of [facts.config.pgPort, facts.config.restPort]) {
    const owner = facts.listeners.find((l) => l.port === port);
    if (owner) {
      const who = owner.process ? `${owner.process} (pid ${owner.pid})` : 'another process';
      const kind = PATRONI_PROCESSES.has(owner.process) ? ' left over while patroni.service is not running' : '';
      throw new ModuleFailure(`port ${port} is owned by ${who}${kind}: Patroni needs ${facts.config.pgPort} and ${facts.config.restPort}`);
    }
  }
  const d = facts.data;
  if (d.state === 'nonempty' && d.pgVersion && facts.binMajor && d.pgVersion !== facts.binMajor) {
    throw new ModuleFailure(`the data dir ${facts.config.dataDir} holds PostgreSQL ${d.pgVersion} but bin_dir ${facts.config.binDir} is PostgreSQL ${facts.binMajor}`);
  }
}

function sysidMismatch(facts: PatroniFacts): boolean {
  return Boolean(facts.etcd.initialize && facts.data.systemId && facts.etcd.initialize !== facts.data.systemId);
}

export function returnData(facts: PatroniFacts): Record<string, unknown> {
  const members = facts.rest.members ?? [];
  return {
    role: facts.rest.status?.role ?? null,
    leader: leaderOf(members)[0]?.name ?? facts.etcd.leader ?? null,
    members: members.map((m) => ({ name: m.name, role: m.role, state: m.state })),
    system_id: facts.rest.status?.systemId ?? facts.etcd.initialize ?? null,
  };
}

function isDesignatedLeader(p: PatroniBootstrapParams, facts: PatroniFacts, host: string): boolean {
  return p.leader === undefined || p.leader === host || (facts.config.name !== undefined && p.leader === facts.config.name);
}

/** The start-and-wait steps when Patroni is not running (or not running yet). */
function startSteps(p: PatroniBootstrapParams, facts: PatroniFacts, host: string, st: PatroniState, changes: string[]): void {
  const svc = p.service ?? PATRONI_DEFAULTS.service;
  // after patronictl remove the cluster starts over from this host's data
  const key = st.steps.includes('remove-dcs') ? undefined : facts.etcd.initialize;
  const leader = isDesignatedLeader(p, facts, host);
  const running = facts.service.active === 'active';
  if (!key && !leader && !running) (st.steps.push('wait-leader-key'), changes.push(`wait until ${p.leader} holds the leader key`));
  if (!facts.service.enabled) (st.steps.push('enable'), changes.push(`enable ${svc}`));
  if (!running) (st.steps.push('start'), changes.push(`start ${svc}`));
  if (!key && leader) {
    if (facts.data.state === 'nonempty') st.warnings.push(`no initialize key in etcd: Patroni adopts the existing data in ${facts.config.dataDir}`);
    else st.freshBootstrap = true;
    st.steps.push('wait-primary');
    changes.push(`bootstrap the cluster ${st.scope} here and wait for /primary (/master) 200`);
  } else if (!key || facts.etcd.leader) {
    st.steps.push('wait-replica');
    changes.push('wait for /replica (or /health) 200');
  } else {
    st.steps.push('wait-health');
    changes.push('wait for /health 200');
  }
}

export function planPatroni(p: PatroniBootstrapParams, facts: PatroniFacts, host: string): Plan<PatroniState> {
  const scope = checkConfig(facts, p);
  const st: PatroniState = { steps: [], scope, freshBootstrap: false, dataDir: facts.config.dataDir, warnings: [] };
  const changes: string[] = [];
  const running = facts.service.active === 'active' && facts.rest.status?.state === 'running';
  if (sysidMismatch(facts)) {
    const msg = `system ID mismatch: the data dir ${facts.config.dataDir} has system ID ${facts.data.systemId}, but cluster ${scope} in etcd was initialized with ${facts.etcd.initialize}`;
    if (!p.force_remove_dcs) throw new ModuleFailure(`${msg}; wipe this data dir to clone a replica, or set force_remove_dcs: true to drop the cluster's DCS state (patronictl remove)`);
    st.steps.push('remove-dcs');
    changes.push(`patronictl remove ${scope} (force_remove_dcs: ${msg})`);
  }
  if (running && facts.etcd.initialize && facts.etcd.leader && !st.steps.length) {
    if (!facts.service.enabled) return { changes: ['enable patroni'], data: returnData(facts), state: { ...st, steps: ['enable'] } };
    return { changes: [], reason: `Patroni is running as ${facts.rest.status?.role} in cluster ${scope} (leader ${facts.etcd.leader})`, data: returnData(facts), state: st };
  }
  if (facts.service.active !== 'active') preflight(facts, p);
  else if (facts.etcd.error) throw new ModuleFailure(`Patroni cannot reach etcd (${etcdUsed(p, facts)}): ${facts.etcd.error}`);
  startSteps(p, facts, host, st, changes);
  if (p.expected_members) (st.steps.push('wait-members'), changes.push(`wait until /cluster shows ${p.expected_members} members and one leader`));
  return { changes, data: returnData(facts), state: st };
}
