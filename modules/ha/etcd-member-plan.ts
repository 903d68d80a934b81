/**
 * etcd_member planner (pure). Members are matched by peer URL, not name: a
 * member added but never started has an empty name. Every refusal the spec
 * lists is decided here, before anything changes.
 */
import { ModuleFailure, type Plan } from '../../engine/module-api.js';
import { sameUrl, type EtcdMember, type MemberList } from './etcd-json.js';
import { editEnvFile } from './env-file.js';
import { asList, ETCD_DEFAULTS, type EtcdMemberFacts, type EtcdMemberParams } from './etcd-member-probe.js';

export type EtcdStep =
  | 'stop-stray' | 'add' | 'stop' | 'write-env' | 'wipe' | 'enable' | 'start' | 'wait' | 'promote'
  | 'remove' | 'disable' | 'delete-data';

export interface EtcdMemberState {
  steps: EtcdStep[];
  name: string;
  clusterId: string;
  memberId?: string;
  /** members other than this one, for ETCD_INITIAL_CLUSTER */
  others: EtcdMember[];
  envText?: string;
}

/** `name id (peer urls)` for messages */
const describe = (m: EtcdMember): string => `${m.name || '(unstarted)'} ${m.id} (${m.peerUrls.join(',')})`;

export function findMember(list: MemberList, peerUrls: readonly string[]): EtcdMember | undefined {
  return list.members.find((m) => m.peerUrls.some((u) => peerUrls.some((w) => sameUrl(u, w))));
}

/**
 * The member this node's running etcd already is in this cluster, when that is
 * not the member the arguments describe: acting on it would stop and wipe a
 * real member (wrong peer_urls, or the task runs on the wrong host).
 */
function checkLocalIdentity(facts: EtcdMemberFacts, list: MemberList, member: EtcdMember | undefined, peerUrls: readonly string[]): void {
  const local = facts.local.status;
  if (!local || local.clusterId !== list.clusterId || local.memberId === member?.id) return;
  const actual = list.members.find((m) => m.id === local.memberId);
  if (!actual) return;
  throw new ModuleFailure(`this host's etcd is already member ${describe(actual)} of cluster ${list.clusterId}, not the member with peer URLs ${peerUrls.join(',')}: check peer_urls (the module runs on the node being added or removed)`);
}

/** `name=peer,...` for every member, this one included (as `etcdctl member add` prints it) */
export function initialCluster(others: readonly EtcdMember[], name: string, peerUrls: readonly string[]): string {
  const pairs = others.filter((m) => m.name).flatMap((m) => m.peerUrls.map((u) => `${m.name}=${u}`));
  return [...pairs, ...peerUrls.map((u) => `${name}=${u}`)].join(',');
}

/** The env file a joining member starts with. */
export function joiningEnv(p: EtcdMemberParams, facts: EtcdMemberFacts, others: readonly EtcdMember[], name: string): string {
  const peers = asList(p.peer_urls);
  const clients = asList(p.client_urls);
  const set: Record<string, string> = {
    ETCD_NAME: name,
    ETCD_DATA_DIR: p.data_dir ?? ETCD_DEFAULTS.data_dir,
    ETCD_INITIAL_CLUSTER: initialCluster(others, name, peers),
    ETCD_INITIAL_ADVERTISE_PEER_URLS: peers.join(','),
    ETCD_INITIAL_CLUSTER_STATE: 'existing',
  };
  // listen/advertise URLs written by the role win; a bare node gets them from the arguments
  const defaults: Record<string, string> = { ETCD_LISTEN_PEER_URLS: peers.join(',') };
  if (clients.length) {
    defaults.ETCD_ADVERTISE_CLIENT_URLS = clients.join(',');
    const local = clients[0]!.startsWith('https:') ? 'https://127.0.0.1:2379' : 'http://127.0.0.1:2379';
    defaults.ETCD_LISTEN_CLIENT_URLS = [...clients, ...(clients.some((c) => sameUrl(c, local)) ? [] : [local])].join(',');
  }
  return editEnvFile(facts.local.envText, set, defaults);
}

function healthOf(facts: EtcdMemberFacts, m: EtcdMember): boolean {
  return m.clientUrls.some((u) => facts.health.some((h) => sameUrl(h.endpoint, u) && h.health));
}

function requireList(facts: EtcdMemberFacts): MemberList {
  if (facts.list) return facts.list;
  throw new ModuleFailure(
    `cannot read the etcd member list from ${facts.clusterEndpoints.join(',')}: ${facts.listError ?? 'no answer'}`,
  );
}

/** Endpoints that answer for another cluster than the member list's. */
function checkClusterIds(facts: EtcdMemberFacts, list: MemberList): void {
  const other = facts.status.filter((s) => s.clusterId && s.clusterId !== list.clusterId);
  if (other.length === 0) return;
  const desc = facts.status.map((s) => `${s.endpoint} is in cluster ${s.clusterId}`).join(', ');
  throw new ModuleFailure(`conflicting cluster ID: the endpoints do not agree (${desc}); check ETCD_INITIAL_CLUSTER_TOKEN and ETCD_INITIAL_CLUSTER on each`);
}

/** Refusals before growing the cluster by one member. */
function checkGrowth(p: EtcdMemberParams, facts: EtcdMemberFacts, list: MemberList): void {
  const unstarted = list.members.filter((m) => !m.name);
  if (unstarted.length) {
    throw new ModuleFailure(`cannot add a member: ${unstarted.map(describe).join(', ')} was added but never started; start it or remove it first (etcd refuses a new member while one is not started)`);
  }
  const dead = list.members.filter((m) => !healthOf(facts, m));
  if (dead.length) {
    throw new ModuleFailure(`cannot add a member while a member is unhealthy (a dead member blocking growth): ${dead.map(describe).join(', ')}; repair or remove it first`);
  }
  if (p.learner && list.members.some((m) => m.isLearner)) {
    throw new ModuleFailure(`etcd 3.4 allows one learner at a time: ${list.members.filter((m) => m.isLearner).map(describe).join(', ')} is still a learner`);
  }
  const size = list.members.length + 1;
  if (size % 2 === 0 && !p.allow_even_size) {
    throw new ModuleFailure(`adding ${p.name ?? 'this member'} makes an even-sized cluster of ${size} members (quorum ${size / 2 + 1}: no more failures tolerated than with ${size - 1}); add members two at a time with allow_even_size: true on the first`);
  }
}

export function planEtcdPresent(p: EtcdMemberParams, facts: EtcdMemberFacts, host: string): Plan<EtcdMemberState> {
  const list = requireList(facts);
  checkClusterIds(facts, list);
  const name = p.name ?? host;
  const svc = p.service ?? ETCD_DEFAULTS.service;
  const local = facts.local;
  const member = findMember(list, asList(p.peer_urls));
  checkLocalIdentity(facts, list, member, asList(p.peer_urls));
  const stray = local.status && local.status.clusterId !== list.clusterId ? local.status : undefined;
  if (stray && member?.name) {
    throw new ModuleFailure(`conflicting cluster ID: member ${describe(member)} is started in cluster ${list.clusterId}, but the local etcd answers for cluster ${stray.clusterId}`);
  }
  const others = list.members.filter((m) => m !== member);
  const state: EtcdMemberState = { steps: [], name, clusterId: list.clusterId, memberId: member?.id, others };
  const data = { cluster_id: list.clusterId, member_id: member?.id ?? null, name, members: list.members.length };
  const changes: string[] = [];
  if (member?.name) {
    if (member.isLearner) (state.steps.push('promote'), changes.push(`promote learner ${describe(member)}`));
    if (!local.enabled) (state.steps.push('enable'), changes.push(`enable ${svc}`));
    if (local.active !== 'active') (state.steps.push('start', 'wait'), changes.push(`start ${svc} and wait until healthy`));
    if (!changes.length) return { changes, reason: `member ${describe(member)} is started in cluster ${list.clusterId}`, data, state };
    return { changes, data, state };
  }
  if (!member) {
    checkGrowth(p, facts, list);
    state.steps.push('add');
    changes.push(`etcdctl member add ${name} --peer-urls=${asList(p.peer_urls).join(',')}${p.learner ? ' --learner' : ''}`);
  }
  if (stray) (state.steps.push('stop-stray'), changes.push(`stop the local etcd of another cluster (${stray.clusterId}, the package's lone member)`));
  state.envText = joiningEnv(p, facts, others, name);
  state.steps.push('stop', 'write-env');
  changes.push(`write ${p.env_file ?? ETCD_DEFAULTS.env_file} (ETCD_INITIAL_CLUSTER_STATE=existing)`);
  if (local.dataDirExists) (state.steps.push('wipe'), changes.push(`wipe ${p.data_dir ?? ETCD_DEFAULTS.data_dir} (never used by this member)`));
  state.steps.push('enable', 'start', 'wait');
  changes.push(`start ${svc} and wait until healthy`);
  if (p.learner || member?.isLearner) (state.steps.push('promote'), changes.push('promote the learner once in sync'));
  return { changes, data, state };
}

export function planEtcdAbsent(p: EtcdMemberParams, facts: EtcdMemberFacts, host: string): Plan<EtcdMemberState> {
  const list = requireList(facts);
  const name = p.name ?? host;
  const svc = p.service ?? ETCD_DEFAULTS.service;
  const local = facts.local;
  const member = findMember(list, asList(p.peer_urls));
  checkLocalIdentity(facts, list, member, asList(p.peer_urls));
  const others = list.members.filter((m) => m !== member);
  const state: EtcdMemberState = { steps: [], name, clusterId: list.clusterId, memberId: member?.id, others };
  const changes: string[] = [];
  if (member) {
    if (list.members.length <= 2) {
      throw new ModuleFailure(`refusing to remove ${describe(member)}: the cluster has ${list.members.length} members and would be left with ${list.members.length - 1}`);
    }
    const healthyLeft = others.filter((m) => healthOf(facts, m)).length;
    const quorum = Math.floor(others.length / 2) + 1;
    if (healthyLeft < quorum) {
      throw new ModuleFailure(`refusing to remove ${describe(member)}: only ${healthyLeft} of the ${others.length} remaining members are healthy, below quorum ${quorum}`);
    }
    state.steps.push('remove');
    changes.push(`etcdctl member remove ${member.id} (${member.name || 'unstarted'})`);
  }
  if (local.active === 'active' || local.active === 'activating') (state.steps.push('stop'), changes.push(`stop ${svc}`));
  if (local.enabled) (state.steps.push('disable'), changes.push(`disable ${svc}`));
  if (local.dataDirExists) (state.steps.push('delete-data'), changes.push(`delete ${p.data_dir ?? ETCD_DEFAULTS.data_dir}`));
  const data = { cluster_id: list.clusterId, member_id: member?.id ?? null, name, members: list.members.length };
  if (!changes.length) return { changes, reason: `no member with peer URLs ${asList(p.peer_urls).join(',')} in cluster ${list.clusterId}`, data, state };
  return { changes, data, state };
}
