/**
 * etcd_member and patroni_bootstrap on real Debian hosts (the lab): grow a
 * 2-member etcd cluster to 3 (over the package's stray lone member), remove
 * the member, add it back as a learner, then bootstrap Patroni on 3 hosts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnection } from '../../engine/connection/index.js';
import type { Connection } from '../../engine/connection/types.js';
import { downLab, startLab, type Lab } from '../../engine/lab/index.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { getModule } from '../../modules/registry.js';
import { runModule } from '../helpers/module-context-files.js';
import { describeLab } from './helpers/lab-guard.js';

const LAB = 'hamodt';
const SUBNET = '10.213.41.0/24';
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

let lab: Lab;
const conns: Connection[] = [];
const addr = (i: number): string => lab.hosts[i]!.address;
const name = (i: number): string => lab.hosts[i]!.name;

async function sh(i: number, cmd: string, timeoutMs = 300_000): Promise<string> {
  const r = await lab.exec(name(i), cmd, { timeoutMs });
  if (r.rc !== 0) throw new Error(`${name(i)}: ${cmd} -> rc ${r.rc}\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function etcdEnv(i: number, members: number[]): string {
  return [
    `ETCD_NAME=${name(i)}`,
    `ETCD_LISTEN_PEER_URLS=http://${addr(i)}:2380`,
    `ETCD_LISTEN_CLIENT_URLS=http://${addr(i)}:2379,http://127.0.0.1:2379`,
    `ETCD_ADVERTISE_CLIENT_URLS=http://${addr(i)}:2379`,
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=http://${addr(i)}:2380`,
    `ETCD_INITIAL_CLUSTER=${members.map((m) => `${name(m)}=http://${addr(m)}:2380`).join(',')}`,
    'ETCD_INITIAL_CLUSTER_STATE=new',
    'ETCD_INITIAL_CLUSTER_TOKEN=etcd-hamodt',
    '',
  ].join('\n');
}

function patroniConfig(i: number): string {
  const etcd = [0, 1, 2].map((m) => `${addr(m)}:2379`).join(',');
  return `scope: hamodt
namespace: /service/
name: ${name(i)}
restapi:
  listen: 0.0.0.0:8008
  connect_address: ${addr(i)}:8008
etcd3:
  hosts: ${etcd}
bootstrap:
  dcs: {ttl: 30, loop_wait: 10, retry_timeout: 10, postgresql: {use_pg_rewind: true, use_slots: true}}
  initdb: [{encoding: UTF8}, data-checksums]
  pg_hba:
    - local all all peer
    - host replication replicator ${SUBNET} scram-sha-256
    - host all all ${SUBNET} scram-sha-256
postgresql:
  listen: 0.0.0.0:5432
  connect_address: ${addr(i)}:5432
  data_dir: /var/lib/postgresql/15/main
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: /var/lib/postgresql/.pgpass_patroni
  authentication:
    superuser: {username: postgres, password: e2e-super-pw}
    replication: {username: replicator, password: e2e-repl-pw}
`;
}

const member = (i: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: name(i),
  peer_urls: [`http://${addr(i)}:2380`],
  client_urls: [`http://${addr(i)}:2379`],
  endpoints: [0, 1, 2].map((m) => `http://${addr(m)}:2379`),
  timeout: 90,
  ...extra,
});

async function etcdMembers(): Promise<{ name?: string; peerURLs: string[]; isLearner?: boolean }[]> {
  const out = await sh(0, 'ETCDCTL_API=3 etcdctl member list -w json');
  return (JSON.parse(out.replace(/"ID":(\d+)/g, '"ID":"$1"')) as { members: { name?: string; peerURLs: string[]; isLearner?: boolean }[] }).members;
}

const run = (mod: string, i: number, params: Record<string, unknown>, check = false) =>
  runModule(getModule(mod)!, params, { conn: conns[i]!, host: name(i), check });

describeLab('etcd_member and patroni_bootstrap on the lab', () => {
  beforeAll(async () => {
    await downLab(LAB); // from bare hosts, whatever an interrupted run left
    lab = await startLab({ name: LAB, subnet: SUBNET });
    for (const h of lab.hosts) {
      const conn = createConnection(h.name, {
        ansible_host: h.address, ansible_user: 'root',
        ansible_ssh_private_key_file: lab.keyPath, ansible_ssh_known_hosts_file: lab.knownHostsPath,
      }, { hostKeyChecking: true, connectTimeoutMs: 15_000 });
      await conn.connect();
      conns.push(conn);
    }
    // hosts 1 and 2: a 2-member cluster, config written before the package (started together);
    // host 3: the package as is, which starts a stray lone member on localhost.
    // PostgreSQL and Patroni in the same apt run (one dpkg run per host), without Debian's 15/main.
    await Promise.all([0, 1, 2].map((i) => sh(i, [
      i < 2 ? `cat > /etc/default/etcd <<'EOF'\n${etcdEnv(i, [0, 1])}EOF` : 'true',
      'mkdir -p /etc/postgresql-common/createcluster.d',
      "echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/50-e2e.conf",
      `${APT} etcd-server etcd-client postgresql-15 patroni python3-etcd python3-psycopg2 >/dev/null`,
    ].join('\n'), 900_000)));
  }, 1_200_000);

  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
    if (lab && process.env.TSPLAY_KEEP_LAB !== '1') await lab.down();
  }, 600_000);

  it('adds the third member over the stray one (changed), then reports ok', async () => {
    expect(await sh(2, 'ETCDCTL_API=3 etcdctl member list')).toMatch(/http:\/\/localhost:2380/);
    const check = await run('etcd_member', 2, member(2), true);
    expect(check.plan.changes.join('\n')).toMatch(/member add .*\n.*stop the local etcd of another cluster/);
    const first = await run('etcd_member', 2, member(2));
    expect(first.changed).toBe(true);
    expect(first.result?.data?.member_id).toMatch(/^[0-9a-f]+$/);
    const second = await run('etcd_member', 2, member(2));
    expect(second.changed).toBe(false);
    expect(second.plan.data?.member_id).toBe(first.result?.data?.member_id);
    const members = await etcdMembers();
    expect(members.map((m) => m.name).sort()).toEqual([name(0), name(1), name(2)]);
    expect(await sh(0, 'ETCDCTL_API=3 etcdctl endpoint health --cluster 2>&1')).toMatch(new RegExp(`${addr(2)}:2379 is healthy`));
  }, 180_000);

  it('removes it (changed), then reports ok; refuses to shrink 2 members to 1', async () => {
    const first = await run('etcd_member', 2, member(2, { state: 'absent' }));
    expect(first.changed).toBe(true);
    expect((await run('etcd_member', 2, member(2, { state: 'absent' }))).changed).toBe(false);
    expect((await etcdMembers()).map((m) => m.name).sort()).toEqual([name(0), name(1)]);
    expect(await sh(2, 'systemctl is-active etcd || true')).toMatch(/inactive/);
    expect(await sh(2, 'test -e /var/lib/etcd/default && echo present || echo gone')).toMatch(/gone/);
    const refused = await run('etcd_member', 1, member(1, { state: 'absent' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModuleFailure);
    expect((refused as Error).message).toMatch(/the cluster has 2 members and would be left with 1/);
  }, 180_000);

  it('adds it back as a learner and promotes it', async () => {
    const r = await run('etcd_member', 2, member(2, { learner: true }));
    expect(r.changed).toBe(true);
    const members = await etcdMembers();
    expect(members).toHaveLength(3);
    expect(members.every((m) => m.name && !m.isLearner)).toBe(true);
    expect((await run('etcd_member', 2, member(2))).changed).toBe(false);
  }, 180_000);

  it('bootstraps Patroni on three hosts: the leader first, then the replicas; then ok', async () => {
    await Promise.all([0, 1, 2].map((i) => sh(i, [
      `cat > /etc/patroni/config.yml <<'EOF'\n${patroniConfig(i)}EOF`,
      'chown postgres:postgres /etc/patroni/config.yml && chmod 600 /etc/patroni/config.yml',
    ].join('\n'))));
    expect(await sh(0, 'pg_lsclusters -h')).toBe('');
    const params = { leader: name(0), expected_members: 3, timeout: 300 };
    const check = await run('patroni_bootstrap', 0, params, true);
    expect(check.plan.changes[0]).toBe('start patroni');
    const results = await Promise.all([0, 1, 2].map((i) => run('patroni_bootstrap', i, params)));
    expect(results.map((r) => r.result?.data?.role)).toEqual(['master', 'replica', 'replica']);
    expect(results.every((r) => r.result?.data?.leader === name(0))).toBe(true);
    const again = await Promise.all([0, 1, 2].map((i) => run('patroni_bootstrap', i, params)));
    expect(again.map((r) => r.changed)).toEqual([false, false, false]);
    const list = JSON.parse(await sh(0, 'patronictl -c /etc/patroni/config.yml list -f json')) as { Role: string; State: string }[];
    expect(list.map((m) => m.Role).sort()).toEqual(['Leader', 'Replica', 'Replica']);
    expect(list.every((m) => m.State === 'running')).toBe(true);
  }, 900_000);

  it('fails with a clear message on a system ID mismatch', async () => {
    await sh(2, [
      'systemctl stop patroni',
      'rm -rf /var/lib/postgresql/15/main',
      "su postgres -c '/usr/lib/postgresql/15/bin/initdb -D /var/lib/postgresql/15/main' >/dev/null",
    ].join('\n'));
    const err = await run('patroni_bootstrap', 2, { leader: name(0) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(/^system ID mismatch: the data dir \/var\/lib\/postgresql\/15\/main has system ID \d+, but cluster hamodt in etcd was initialized with \d+/);
  }, 120_000);

  it('fails clearly when etcd does not answer', async () => {
    const err = await run('patroni_bootstrap', 2, { leader: name(0), etcd_endpoints: [`http://${addr(2)}:2999`] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(new RegExp(`^Patroni cannot reach etcd \\(http://${addr(2)}:2999\\): Error: `));
  }, 60_000);
});
