/**
 * Topology B on the lab: five etcd members, PostgreSQL (Patroni) on three of
 * them, HAProxy on an etcd-only host. site.yml through the real CLI; then
 * etcd (5 healthy members), Patroni (one leader, two streaming replicas),
 * replication through HAProxy, idempotence, and a failover where the
 * leader's host is powered off while a client writes (synchronous mode: no
 * acknowledged write may be lost), followed by its rejoin.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { downLab, startLab, type Lab } from '../../engine/lab/index.js';
import { describeLab } from './helpers/lab-guard.js';
import { describeRun, patroniMembers, runSite, waitFor } from './helpers/cluster-run.js';
import {
  HAPROXY_PRIMARY, HAPROXY_REPLICAS, addressOf, expectEtcdHealthy, expectEventually, expectNothingChanged,
  expectPatroniHealthy, expectSucceeded, missingRows, sql, startWriter, writeThroughFailover,
} from './helpers/cluster-checks.js';

const LAB = 'ha5';
// names of their own, so this lab can be up next to topology A's (pg1..3)
const PG = ['b-pg1', 'b-pg2', 'b-pg3'];
const PROXY = 'b-etcd4';
const TOPOLOGY = {
  hosts: [
    ...PG.map((name) => ({ name, groups: ['etcd', 'patroni'] })),
    { name: PROXY, groups: ['etcd', 'haproxy'] },
    { name: 'b-etcd5', groups: ['etcd'] },
  ],
};
// a powered-off leader does not release its key: ttl 30 + loop_wait 10 +
// HAProxy marking the new leader UP (rise 2 x inter 3 s) + slack
const FAILOVER_BOUND_S = 30 + 10 + 6 + 15;
// this cluster runs in synchronous mode (bootstrap.dcs: set on the first run)
const VARS = { patroni_synchronous_mode: true };

describeLab('cluster, topology B (3 PostgreSQL + 2 etcd-only, HAProxy on an etcd-only host)', () => {
  let lab: Lab;
  let leader = '';

  beforeAll(async () => {
    await downLab(LAB);
    lab = await startLab({ name: LAB, subnet: '10.213.60.0/24', topology: TOPOLOGY });
  }, 900_000);
  afterAll(async () => {
    if (lab && process.env.TSPLAY_KEEP_LAB !== '1') await lab.down();
  }, 120_000);

  it('site.yml converges bare hosts into a cluster', async () => {
    const run = await runSite(lab, { extraVars: VARS });
    expectSucceeded(run);
    expect(Object.keys(run.recap).sort(), describeRun(run)).toEqual([...PG, PROXY, 'b-etcd5'].sort());
  }, 900_000);

  it('etcd: five healthy members', async () => {
    await expectEtcdHealthy(lab, 'b-etcd5', 5);
  });

  it('patroni: one leader, two streaming replicas; nothing of PostgreSQL on the etcd-only hosts', async () => {
    leader = await expectPatroniHealthy(lab, 'b-pg1', 3);
    expect(PG).toContain(leader);
    // Patroni names its synchronous standby a loop or two after the replicas stream
    const members = await waitFor(
      'one Sync Standby',
      async () => {
        const m = await patroniMembers(lab, 'b-pg1');
        return m.filter((x) => x.Role === 'Sync Standby').length === 1 ? m : undefined;
      },
      60_000,
    );
    expect(members.filter((m) => m.Role === 'Sync Standby'), JSON.stringify(members)).toHaveLength(1);
    for (const h of [PROXY, 'b-etcd5']) {
      const r = await lab.exec(h, 'dpkg-query -W -f=\'${Status}\' postgresql-15 2>/dev/null; systemctl is-active patroni');
      expect(r.stdout, h).not.toMatch(/install ok installed/);
    }
  }, 150_000);

  it('a table written through HAProxy :5000 on the etcd-only host is readable on every replica and through :5001', async () => {
    const proxy = addressOf(lab, PROXY);
    await sql(proxy, HAPROXY_PRIMARY, 'CREATE TABLE tsplay_e2e (id serial PRIMARY KEY, note text)');
    await sql(proxy, HAPROXY_PRIMARY, "INSERT INTO tsplay_e2e(note) VALUES ('one'), ('two'), ('three')");
    for (const replica of PG.filter((h) => h !== leader)) {
      await expectEventually(addressOf(lab, replica), 5432, 'SELECT count(*) FROM tsplay_e2e', '3');
    }
    await expectEventually(proxy, HAPROXY_REPLICAS, 'SELECT count(*) FROM tsplay_e2e', '3');
    expect(await sql(proxy, HAPROXY_REPLICAS, 'SELECT pg_is_in_recovery()')).toBe('t');
  }, 90_000);

  it('a second run changes nothing on any host', async () => {
    expectNothingChanged(await runSite(lab, { extraVars: VARS }));
  }, 600_000);

  it("failover: the leader's host powered off under a writing client, no acknowledged write lost", async () => {
    const proxy = addressOf(lab, PROXY);
    const survivor = PG.find((h) => h !== leader) ?? 'b-pg1';
    const writer = startWriter(proxy, HAPROXY_PRIMARY);
    await new Promise((r) => setTimeout(r, 2000));
    const startedAt = Date.now();
    await lab.stop(leader);
    const out = await writeThroughFailover(lab, { haproxyHost: PROXY, oldLeader: leader, askHost: survivor, startedAt, timeoutMs: FAILOVER_BOUND_S * 1000 });
    await new Promise((r) => setTimeout(r, 2000));
    const acknowledged = await writer.stop();
    expect(out.seconds).toBeLessThan(FAILOVER_BOUND_S);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(await missingRows(proxy, HAPROXY_PRIMARY, acknowledged)).toEqual([]);
    console.log(`failover (power off): ${leader} -> ${out.newLeader}, writes resumed after ${out.seconds.toFixed(1)} s; ${acknowledged.length} acknowledged writes, none lost`);
  }, 180_000);

  it('rejoin: the old leader boots again and a third run makes it a streaming replica', async () => {
    const oldLeader = leader;
    await lab.start(oldLeader);
    const run = await runSite(lab, { extraVars: VARS });
    expectSucceeded(run);
    leader = await expectPatroniHealthy(lab, PG.find((h) => h !== oldLeader) ?? 'b-pg1', 3, 120_000);
    expect(leader).not.toBe(oldLeader);
    const rows = await sql(addressOf(lab, leader), 5432, 'SELECT count(*) FROM tsplay_e2e');
    await expectEventually(addressOf(lab, oldLeader), 5432, 'SELECT count(*) FROM tsplay_e2e', rows, 60_000);
    await expectEtcdHealthy(lab, PROXY, 5);
  }, 600_000);
});
