import { describe, expect, it } from 'vitest';
import { ModuleFailure } from '../../../../engine/module-api.js';
import { parseEnvFile } from '../../../../modules/ha/env-file.js';
import { planEtcdAbsent, planEtcdPresent } from '../../../../modules/ha/etcd-member-plan.js';
import { parseEtcdFacts } from '../../../../modules/ha/etcd-member-probe.js';
import { parseSections } from '../../../../modules/ha/sections.js';
import { etcdFacts, fixture, NODE3 } from './fixtures.js';

const HOST = 'hamod-3';

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModuleFailure);
    return (e as Error).message;
  }
  throw new Error('expected a ModuleFailure');
}

describe('etcd_member present', () => {
  it('adds a new member to a healthy 2-member cluster, writes the env file, starts and waits', () => {
    const plan = planEtcdPresent(NODE3, etcdFacts(), HOST);
    expect(plan.state!.steps).toEqual(['add', 'stop', 'write-env', 'enable', 'start', 'wait']);
    expect(plan.changes[0]).toBe('etcdctl member add hamod-3 --peer-urls=http://10.213.40.13:2380');
    expect(plan.data).toMatchObject({ cluster_id: '2249ff0e667422dc', member_id: null, members: 2 });
    const env = parseEnvFile(plan.state!.envText!);
    expect(env).toMatchObject({
      ETCD_NAME: 'hamod-3',
      // what `etcdctl member add` printed, in the member list's order
      ETCD_INITIAL_CLUSTER: 'hamod-1=http://10.213.40.11:2380,hamod-2=http://10.213.40.12:2380,hamod-3=http://10.213.40.13:2380',
      ETCD_INITIAL_CLUSTER_STATE: 'existing',
      ETCD_INITIAL_ADVERTISE_PEER_URLS: 'http://10.213.40.13:2380',
      ETCD_LISTEN_PEER_URLS: 'http://10.213.40.13:2380',
      ETCD_LISTEN_CLIENT_URLS: 'http://10.213.40.13:2379,http://127.0.0.1:2379',
      ETCD_ADVERTISE_CLIENT_URLS: 'http://10.213.40.13:2379',
    });
  });

  it("keeps the role's listen URLs and comments in the env file", () => {
    const envText = '# written by the etcd role\nETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379\nETCD_INITIAL_CLUSTER_STATE=new\n';
    const plan = planEtcdPresent(NODE3, etcdFacts({ local: { envText, envExists: true } }), HOST);
    const text = plan.state!.envText!;
    expect(text.startsWith('# written by the etcd role\nETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379\nETCD_INITIAL_CLUSTER_STATE=existing\n')).toBe(true);
  });

  it("stops the package's stray lone member and wipes its data dir before joining", () => {
    const facts = etcdFacts({ localStatus: 'local-status-stray.json', local: { active: 'active', enabled: true, dataDirExists: true, dataInitialized: true } });
    const plan = planEtcdPresent(NODE3, facts, HOST);
    expect(plan.state!.steps).toEqual(['add', 'stop-stray', 'stop', 'write-env', 'wipe', 'enable', 'start', 'wait']);
    expect(plan.changes.join('\n')).toMatch(/another cluster \(cdf818194e3a8c32/);
  });

  it('does not add again a member that was added but never started: it starts it', () => {
    const plan = planEtcdPresent(NODE3, etcdFacts({ list: 'member-list-unstarted.json' }), HOST);
    expect(plan.state!.steps).toEqual(['stop', 'write-env', 'enable', 'start', 'wait']);
    expect(plan.data).toMatchObject({ member_id: 'd2cbad2e737e0ee7' });
  });

  it('is idempotent: a started member with etcd running and enabled needs nothing', () => {
    const map = parseSections(fixture('etcd/probe-started-3.txt'));
    const facts = parseEtcdFacts({ ...NODE3, endpoints: [...NODE3.endpoints, 'http://10.213.40.13:2379'] }, map);
    const plan = planEtcdPresent(NODE3, facts, HOST);
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toMatch(/^member hamod-3 f713342ec7a40d9b \(http:\/\/10.213.40.13:2380\) is started in cluster 2249ff0e667422dc/);
  });

  it('starts a started member whose etcd is stopped here', () => {
    const plan = planEtcdPresent(NODE3, etcdFacts({ list: 'member-list-3.json', local: { active: 'inactive', enabled: true } }), HOST);
    expect(plan.state!.steps).toEqual(['start', 'wait']);
  });

  it('refuses growth while another member was added but never started', () => {
    const node4 = { ...NODE3, name: 'hamod-4', peer_urls: ['http://10.213.40.14:2380'], client_urls: ['http://10.213.40.14:2379'] };
    expect(failure(() => planEtcdPresent(node4, etcdFacts({ list: 'member-list-unstarted.json' }), 'hamod-4'))).toMatch(
      /cannot add a member: \(unstarted\) d2cbad2e737e0ee7 \(http:\/\/10.213.40.13:2380\) was added but never started/,
    );
  });

  it('refuses growth while a member is unhealthy (a dead member blocking growth)', () => {
    const facts = etcdFacts({ health: 'endpoint-health-dead.json' });
    // hamod-2's client URL is not among the healthy endpoints recorded while .19 was dead
    expect(failure(() => planEtcdPresent(NODE3, facts, HOST))).toMatch(/a dead member blocking growth\): hamod-2 d402230c50759f31/);
  });

  it('refuses an even-sized cluster unless allowed', () => {
    const node4 = { ...NODE3, name: 'hamod-4', peer_urls: ['http://10.213.40.14:2380'], client_urls: ['http://10.213.40.14:2379'] };
    const facts = etcdFacts({ list: 'member-list-3.json', health: 'endpoint-health-cluster-3.json' });
    expect(failure(() => planEtcdPresent(node4, facts, 'hamod-4'))).toMatch(/even-sized cluster of 4 members \(quorum 3/);
    expect(planEtcdPresent({ ...node4, allow_even_size: true }, facts, 'hamod-4').state!.steps[0]).toBe('add');
  });

  it('refuses a second learner (etcd 3.4 allows one)', () => {
    const node4 = { ...NODE3, name: 'hamod-4', peer_urls: ['http://10.213.40.14:2380'], learner: true, allow_even_size: true };
    const facts = etcdFacts({ list: 'member-list-learner.json' });
    // the recorded learner is unstarted, so growth is refused for that first
    expect(failure(() => planEtcdPresent(node4, facts, 'hamod-4'))).toMatch(/never started/);
    const started = etcdFacts({ list: 'member-list-learner.json' });
    started.list!.members.find((m) => m.isLearner)!.name = 'hamod-3';
    started.list!.members.find((m) => m.isLearner)!.clientUrls = ['http://10.213.40.13:2379'];
    started.health.push({ endpoint: 'http://10.213.40.13:2379', health: true });
    expect(failure(() => planEtcdPresent(node4, started, 'hamod-4'))).toMatch(/one learner at a time: hamod-3 48146e1e4de6f9bd/);
  });

  it('promotes a started learner', () => {
    const facts = etcdFacts({ list: 'member-list-learner.json', local: { active: 'active', enabled: true } });
    facts.list!.members.find((m) => m.isLearner)!.name = 'hamod-3';
    expect(planEtcdPresent(NODE3, facts, HOST).state!.steps).toEqual(['promote']);
  });

  it('joins as a learner then promotes', () => {
    expect(planEtcdPresent({ ...NODE3, learner: true }, etcdFacts(), HOST).state!.steps).toEqual(['add', 'stop', 'write-env', 'enable', 'start', 'wait', 'promote']);
  });

  it('fails with a conflicting cluster ID when the endpoints disagree', () => {
    const facts = etcdFacts();
    facts.status[1]!.clusterId = 'cdf818194e3a8c32';
    expect(failure(() => planEtcdPresent(NODE3, facts, HOST))).toMatch(
      /^conflicting cluster ID: the endpoints do not agree \(http:\/\/10.213.40.11:2379 is in cluster 2249ff0e667422dc, http:\/\/10.213.40.12:2379 is in cluster cdf818194e3a8c32\)/,
    );
  });

  it('fails when the local etcd is in another cluster than the started member it claims to be', () => {
    const facts = etcdFacts({ list: 'member-list-3.json', localStatus: 'local-status-stray.json', local: { active: 'active' } });
    expect(failure(() => planEtcdPresent(NODE3, facts, HOST))).toMatch(/conflicting cluster ID: member hamod-3 .* but the local etcd answers for cluster cdf818194e3a8c32/);
  });

  it("never takes over this host's own member when peer_urls describe another (found through the CLI on the lab)", () => {
    const ghost = { ...NODE3, name: 'ghost', peer_urls: ['http://10.213.40.99:2380'], allow_even_size: true };
    // recorded on hamod-3 while it was member 98715aaf4a4fb474
    const facts = etcdFacts({ list: 'member-list-3.json', health: 'endpoint-health-cluster-3.json', localStatus: 'local-status-3.json', local: { active: 'active', enabled: true } });
    expect(failure(() => planEtcdPresent(ghost, facts, HOST))).toBe(
      "this host's etcd is already member hamod-3 98715aaf4a4fb474 (http://10.213.40.13:2380) of cluster 2249ff0e667422dc, not the member with peer URLs http://10.213.40.99:2380: check peer_urls (the module runs on the node being added or removed)",
    );
    expect(failure(() => planEtcdAbsent({ ...ghost, state: 'absent' }, facts, HOST))).toMatch(/^this host's etcd is already member hamod-3/);
    expect(planEtcdPresent(NODE3, facts, HOST).changes).toEqual([]);
  });

  it('fails clearly when no endpoint answers', () => {
    const map = parseSections(fixture('etcd/probe-started-3.txt'));
    map.list = { rc: 1, stdout: '', stderr: fixture('etcd/member-list-unreachable.stderr') };
    const facts = parseEtcdFacts(NODE3, map);
    expect(failure(() => planEtcdPresent(NODE3, facts, HOST))).toBe(
      'cannot read the etcd member list from http://10.213.40.11:2379,http://10.213.40.12:2379: Error: context deadline exceeded',
    );
  });
});

describe('etcd_member absent', () => {
  it('refuses to shrink a 2-member cluster', () => {
    const node2 = { ...NODE3, peer_urls: ['http://10.213.40.12:2380'], state: 'absent' as const };
    expect(failure(() => planEtcdAbsent(node2, etcdFacts(), 'hamod-2'))).toMatch(/the cluster has 2 members and would be left with 1/);
  });

  it('removes a member of 3, then stops, disables and deletes its data', () => {
    const facts = etcdFacts({ list: 'member-list-3.json', health: 'endpoint-health-cluster-3.json', local: { active: 'active', enabled: true, dataDirExists: true } });
    const plan = planEtcdAbsent({ ...NODE3, state: 'absent' }, facts, HOST);
    expect(plan.state!.steps).toEqual(['remove', 'stop', 'disable', 'delete-data']);
    expect(plan.changes[0]).toBe('etcdctl member remove 98715aaf4a4fb474 (hamod-3)');
  });

  it('refuses a removal that leaves fewer healthy members than quorum', () => {
    const facts = etcdFacts({ list: 'member-list-3.json', health: 'endpoint-health-cluster-3.json' });
    facts.health = facts.health.filter((h) => h.endpoint !== 'http://10.213.40.12:2379');
    // removing hamod-1 leaves hamod-2 (dead) and hamod-3: 1 healthy < quorum 2
    const node1 = { ...NODE3, peer_urls: ['http://10.213.40.11:2380'], state: 'absent' as const };
    expect(failure(() => planEtcdAbsent(node1, facts, 'hamod-1'))).toMatch(/only 1 of the 2 remaining members are healthy, below quorum 2/);
  });

  it('is idempotent: not a member, etcd stopped and disabled, no data dir', () => {
    const plan = planEtcdAbsent({ ...NODE3, state: 'absent' }, etcdFacts(), HOST);
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toBe('no member with peer URLs http://10.213.40.13:2380 in cluster 2249ff0e667422dc');
  });
});
