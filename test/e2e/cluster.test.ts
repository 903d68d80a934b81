/**
 * Topology A on the lab: three all-in-one Debian hosts (etcd + Patroni +
 * HAProxy each), converged by playbooks/site.yml through the real CLI, then
 * checked with etcdctl, patronictl and psql: replication, idempotence,
 * failover (Patroni stopped on the leader), rejoin, and a bad state
 * (a wrong replication password) reported with its reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downLab, startLab, type Lab } from '../../engine/lab/index.js';
import { describeLab } from './helpers/lab-guard.js';
import { describeRun, runSite } from './helpers/cluster-run.js';
import {
  HAPROXY_PRIMARY, HAPROXY_REPLICAS, addressOf, expectEtcdHealthy, expectEventually, expectNothingChanged,
  expectPatroniHealthy, expectSucceeded, sql, writeThroughFailover,
} from './helpers/cluster-checks.js';

const LAB = 'ha3';
const HOSTS = ['pg1', 'pg2', 'pg3'];
// ttl 30 + loop_wait 10 + HAProxy marking the new leader UP (rise 2 x inter 3 s) + slack
const FAILOVER_BOUND_S = 30 + 10 + 6 + 10;

describe('site.yml static checks (no lab)', () => {
  it('passes tsplay check against the example production inventory', () => {
    const out = execFileSync('node', ['bin/tsplay.js', 'check', 'playbooks/site.yml', '-i', 'inventories/prod.ini'], { encoding: 'utf8' });
    expect(out).toMatch(/site\.yml: ok/);
  });

  it('passes ansible-playbook --syntax-check (tsplay-only modules stubbed)', () => {
    const probe = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) return; // ansible-core not installed here
    const library = mkdtempSync(join(tmpdir(), 'tsplay-stubs-'));
    const stub = '#!/usr/bin/python3\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}, bypass_checks=True).exit_json(changed=False)\n';
    for (const m of ['etcd_member', 'patroni_bootstrap']) writeFileSync(join(library, `${m}.py`), stub);
    const r = spawnSync('ansible-playbook', ['--syntax-check', 'playbooks/site.yml', '-i', 'inventories/prod.ini'], {
      encoding: 'utf8', env: { ...process.env, ANSIBLE_LIBRARY: library },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 60_000);
});

describeLab('cluster, topology A (3 all-in-one nodes)', () => {
  let lab: Lab;
  let leader = '';

  beforeAll(async () => {
    await downLab(LAB); // always from bare hosts
    lab = await startLab({ name: LAB, subnet: '10.213.50.0/24', topology: 'inventories/lab-topologies/three-node.yml' });
  }, 900_000);
  afterAll(async () => {
    if (lab && process.env.TSPLAY_KEEP_LAB !== '1') await lab.down();
  }, 120_000);

  it('site.yml converges bare hosts into a cluster', async () => {
    const run = await runSite(lab);
    expectSucceeded(run);
    for (const h of HOSTS) expect(run.recap[h]?.changed ?? 0, describeRun(run)).toBeGreaterThan(0);
  }, 900_000);

  it('etcd: every member healthy', async () => {
    await expectEtcdHealthy(lab, 'pg2', 3);
  });

  it('patroni: one leader, two streaming replicas', async () => {
    leader = await expectPatroniHealthy(lab, 'pg1', 3);
    expect(HOSTS).toContain(leader);
  }, 90_000);

  it('a table written through HAProxy :5000 is readable on every replica and through :5001', async () => {
    await sql(addressOf(lab, 'pg2'), HAPROXY_PRIMARY, 'CREATE TABLE tsplay_e2e (id serial PRIMARY KEY, note text)');
    await sql(addressOf(lab, 'pg2'), HAPROXY_PRIMARY, "INSERT INTO tsplay_e2e(note) VALUES ('one'), ('two')");
    expect(await sql(addressOf(lab, 'pg3'), HAPROXY_PRIMARY, 'SELECT pg_is_in_recovery()')).toBe('f');
    for (const replica of HOSTS.filter((h) => h !== leader)) {
      await expectEventually(addressOf(lab, replica), 5432, 'SELECT count(*) FROM tsplay_e2e', '2');
      expect(await sql(addressOf(lab, replica), 5432, 'SELECT pg_is_in_recovery()')).toBe('t');
    }
    await expectEventually(addressOf(lab, 'pg1'), HAPROXY_REPLICAS, 'SELECT count(*) FROM tsplay_e2e', '2');
    expect(await sql(addressOf(lab, 'pg1'), HAPROXY_REPLICAS, 'SELECT pg_is_in_recovery()')).toBe('t');
  }, 90_000);

  it('a second run changes nothing on any host', async () => {
    expectNothingChanged(await runSite(lab));
  }, 600_000);

  it('failover: Patroni stopped on the leader, writes through :5000 resume on a new leader', async () => {
    const before = Number(await sql(addressOf(lab, leader), HAPROXY_PRIMARY, 'SELECT count(*) FROM tsplay_e2e'));
    const survivor = HOSTS.find((h) => h !== leader) ?? 'pg1';
    const startedAt = Date.now();
    const stop = await lab.exec(leader, 'systemctl stop patroni');
    expect(stop.rc, stop.stderr).toBe(0);
    const out = await writeThroughFailover(lab, { haproxyHost: survivor, oldLeader: leader, askHost: survivor, startedAt, timeoutMs: FAILOVER_BOUND_S * 1000 });
    expect(out.seconds).toBeLessThan(FAILOVER_BOUND_S);
    expect(Number(await sql(addressOf(lab, survivor), HAPROXY_PRIMARY, 'SELECT count(*) FROM tsplay_e2e'))).toBe(before + 1);
    console.log(`failover: ${leader} -> ${out.newLeader}, writes resumed after ${out.seconds.toFixed(1)} s`);
  }, 120_000);

  it('rejoin: a third run brings the old leader back as a streaming replica, changing only it', async () => {
    const oldLeader = leader;
    const run = await runSite(lab);
    expectNothingChanged(run, [oldLeader]);
    expect(run.recap[oldLeader]?.changed ?? 0, describeRun(run)).toBeGreaterThan(0);
    leader = await expectPatroniHealthy(lab, oldLeader, 3, 90_000);
    expect(leader).not.toBe(oldLeader);
    const rows = await sql(addressOf(lab, leader), 5432, 'SELECT count(*) FROM tsplay_e2e');
    await expectEventually(addressOf(lab, oldLeader), 5432, 'SELECT count(*) FROM tsplay_e2e', rows);
  }, 600_000);

  it('a wrong replication password is a failed task with the reason from the journal', async () => {
    const replica = HOSTS.find((h) => h !== leader) ?? 'pg3';
    // a replica that has to be cloned again, with a replication password the primary does not know
    const wipe = await lab.exec(replica, 'systemctl stop patroni && rm -rf /var/lib/postgresql/15/main');
    expect(wipe.rc, wipe.stderr).toBe(0);
    const bad = await runSite(lab, { limit: replica, tags: 'patroni', extraVars: { patroni_replication_password: 'not-the-password', patroni_bootstrap_timeout: 60 } });
    expect(bad.exitCode, describeRun(bad)).not.toBe(0);
    const failure = bad.failures.find((f) => f.host === replica);
    expect(failure, describeRun(bad)).toBeDefined();
    expect(failure?.text ?? '', describeRun(bad)).toMatch(/password authentication failed/);
    expect(failure?.text ?? '').not.toContain('not-the-password');

    // and the right password repairs it
    expectSucceeded(await runSite(lab));
    await expectPatroniHealthy(lab, leader, 3, 120_000);
    const rows = await sql(addressOf(lab, leader), 5432, 'SELECT count(*) FROM tsplay_e2e');
    await expectEventually(addressOf(lab, replica), 5432, 'SELECT count(*) FROM tsplay_e2e', rows, 60_000);
  }, 900_000);

  it('an etcd member that cannot start is a failed task with its journal', async () => {
    // etcd runs as user etcd: a data dir it cannot read keeps it from starting
    const broken = await lab.exec('pg3', 'systemctl stop etcd && chown -R root:root /var/lib/etcd/default && chmod 700 /var/lib/etcd/default');
    expect(broken.rc, broken.stderr).toBe(0);
    try {
      const bad = await runSite(lab, { tags: 'etcd' });
      expect(bad.exitCode, describeRun(bad)).not.toBe(0);
      // the last failure of pg3 is the report, after the rescue collected the journal
      const failure = bad.failures.filter((f) => f.host === 'pg3').at(-1);
      expect(failure?.task, describeRun(bad)).toBe('Report why etcd did not come up');
      expect(failure?.text ?? '', describeRun(bad)).toMatch(/etcd.service has failed on pg3/);
      expect(failure?.text ?? '', describeRun(bad)).toMatch(/error listing data dir/);
    } finally {
      await lab.exec('pg3', 'chown -R etcd:etcd /var/lib/etcd/default');
    }
    expectSucceeded(await runSite(lab));
    await expectEtcdHealthy(lab, 'pg1', 3);
  }, 600_000);
});
