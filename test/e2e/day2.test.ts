/**
 * Day-2 operations on a lab of their own (`day2`, 10.213.70.0/24): three
 * all-in-one hosts converged by site.yml, plus a bare fourth host for
 * add-node/remove-node. Each playbook runs through the real CLI from the state
 * the previous step left, and is checked with Patroni's own client
 * (patronictl list -f json), etcdctl, HAProxy's stats and psql from the
 * controller. The rolling restart runs under a writer that inserts numbered
 * rows through HAProxy :5000; every acknowledged row must be there afterwards.
 *   TSPLAY_KEEP_LAB=1   leave the lab up afterwards
 *   TSPLAY_REUSE_LAB=1  start from the lab as it is (no fresh hosts)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { downLab, startLab, type Lab, type Topology } from '../../engine/lab/index.js';
import { describeLab } from './helpers/lab-guard.js';
import { describeRun, parseEvents, patroniMembers, psql, type SiteRun } from './helpers/cluster-run.js';
import {
  HAPROXY_PRIMARY, addressOf, expectEtcdHealthy, expectNothingChanged, expectPatroniHealthy, expectSucceeded, sql,
} from './helpers/cluster-checks.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAB = 'day2';
const CLUSTER = ['day2-1', 'day2-2', 'day2-3'];
const SPARE = 'day2-4';
const TOPOLOGY: Topology = {
  hosts: [
    ...CLUSTER.map((name) => ({ name, groups: ['etcd', 'patroni', 'haproxy'] })),
    { name: SPARE, groups: ['spare'] },
  ],
};
// a switchover: Patroni demotes, HAProxy marks the old leader down (fall 3 x
// inter 3 s) and the new one up (rise 2 x 3 s), plus slack
const WRITE_GAP_BOUND_S = 30;

interface PlaybookRun extends SiteRun {
  stdout: string;
}

/** Runs a playbook of playbooks/ on the lab with the real CLI (`-o json`). */
async function runPlaybook(inventory: string, playbook: string, extraVars: Record<string, unknown> = {}): Promise<PlaybookRun> {
  const args = [join(repo, 'bin/tsplay.js'), 'run', join(repo, 'playbooks', playbook), '-i', inventory, '-o', 'json'];
  if (Object.keys(extraVars).length > 0) args.push('-e', JSON.stringify(extraVars));
  const started = Date.now();
  const { code, stdout, stderr } = await spawnCollect('node', args);
  return { ...parseEvents(stdout), exitCode: code, stderr, stdout, seconds: (Date.now() - started) / 1000 };
}

function spawnCollect(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** The leader per patronictl, after checking one leader and streaming replicas. */
async function leader(lab: Lab, members = CLUSTER.length, ask = CLUSTER[0]!): Promise<string> {
  return expectPatroniHealthy(lab, ask, members, 90_000);
}

/** pg_postmaster_start_time() of every member, straight on :5432. */
async function startTimes(lab: Lab, hosts = CLUSTER): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) out[h] = await sql(addressOf(lab, h), 5432, 'SELECT pg_postmaster_start_time()');
  return out;
}

/** pg_hba rules of a member (pg_hba_file_rules: what PostgreSQL loaded) that name this address. */
async function hbaRulesFor(lab: Lab, member: string, address: string): Promise<number> {
  return Number(await sql(addressOf(lab, member), 5432, `SELECT count(*) FROM pg_hba_file_rules WHERE address = '${address}'`));
}

interface WriterReport {
  acked: number[];
  attempts: number;
  longestGapS: number;
}

/** Inserts numbered rows through HAProxy :5000 until stopped; remembers what was acknowledged. */
function startWriter(host: string, firstId = 1): { stop: () => Promise<WriterReport> } {
  let running = true;
  const acked: number[] = [];
  let attempts = 0;
  let lastOk = Date.now();
  let longestGap = 0;
  const loop = (async () => {
    for (let n = firstId; running; n++) {
      attempts++;
      const r = await psql(host, HAPROXY_PRIMARY, `INSERT INTO day2_writes(id) VALUES (${n})`, 10_000);
      const now = Date.now();
      if (r.code === 0) {
        longestGap = Math.max(longestGap, now - lastOk);
        lastOk = now;
        acked.push(n);
      } else await new Promise((r2) => setTimeout(r2, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { acked, attempts, longestGapS: Math.max(longestGap, Date.now() - lastOk) / 1000 };
    },
  };
}

/**
 * Writes a row through HAProxy :5000 just before a switchover; `expectKept`
 * then reads every such row back through the new leader. A switchover to a
 * replica that does not stream yet would lose it (the old leader is rewound).
 */
const markers: number[] = [];
async function writeMarker(lab: Lab): Promise<void> {
  const id = -(markers.length + 1);
  await sql(addressOf(lab, 'day2-2'), HAPROXY_PRIMARY, `INSERT INTO day2_writes(id) VALUES (${id})`);
  markers.push(id);
}
async function expectMarkersKept(lab: Lab): Promise<void> {
  const kept = await sql(addressOf(lab, 'day2-3'), HAPROXY_PRIMARY, 'SELECT coalesce(string_agg(id::text, \',\' ORDER BY id DESC), \'\') FROM day2_writes WHERE id < 0');
  expect(kept, 'rows written before the switchovers').toBe(markers.join(','));
}

/** The lab inventory with the spare host added to every cluster group. */
function inventoryWithSpare(lab: Lab): string {
  // repeated sections append: the spare host comes last in each group (the
  // first patroni host stays the designated bootstrap leader)
  const text = readFileSync(lab.inventoryPath, 'utf8') + ['etcd', 'patroni', 'haproxy'].map((g) => `\n[${g}]\n${SPARE}\n`).join('');
  const file = join(mkdtempSync(join(tmpdir(), 'tsplay-day2-')), 'four.ini');
  writeFileSync(file, text);
  return file;
}

function failureText(run: PlaybookRun): string {
  return run.failures.map((f) => f.text).join('\n');
}

describeLab('day-2 operations (switchover, rolling restart, config change, backup, add/remove node)', () => {
  let lab: Lab;

  beforeAll(async () => {
    if (process.env.TSPLAY_REUSE_LAB !== '1') await downLab(LAB);
    lab = await startLab({ name: LAB, subnet: '10.213.70.0/24', topology: TOPOLOGY });
    const site = await runPlaybook(lab.inventoryPath, 'site.yml');
    expectSucceeded(site);
    await sql(addressOf(lab, 'day2-2'), HAPROXY_PRIMARY, 'CREATE TABLE IF NOT EXISTS day2_writes (id int PRIMARY KEY, at timestamptz DEFAULT now())');
    // a reused lab (TSPLAY_REUSE_LAB=1) keeps the rows of an earlier run
    await sql(addressOf(lab, 'day2-2'), HAPROXY_PRIMARY, 'TRUNCATE day2_writes');
  }, 1_200_000);
  // removing four used hosts' overlays took over 2 minutes on the shared machine
  afterAll(async () => {
    if (lab && process.env.TSPLAY_KEEP_LAB !== '1') await lab.down();
  }, 600_000);

  it('switchover to a named replica: it leads, every HAProxy routes :5000 there', async () => {
    const before = await leader(lab);
    const candidate = CLUSTER.find((h) => h !== before)!;
    // seconds after site.yml (and the CREATE TABLE): the case where a replica
    // that did not stream yet was promoted and the table was lost
    await writeMarker(lab);
    const run = await runPlaybook(lab.inventoryPath, 'switchover.yml', { candidate });
    expectSucceeded(run);
    expect(await leader(lab)).toBe(candidate);
    await expectMarkersKept(lab);
    for (const lb of CLUSTER) {
      expect(await sql(addressOf(lab, lb), HAPROXY_PRIMARY, 'SELECT host(inet_server_addr())')).toBe(addressOf(lab, candidate));
    }
  }, 300_000);

  it('switchover without a candidate: Patroni picks a healthy replica, every HAProxy routes :5000 there', async () => {
    const before = await leader(lab);
    await writeMarker(lab);
    const run = await runPlaybook(lab.inventoryPath, 'switchover.yml');
    expectSucceeded(run);
    await expectMarkersKept(lab);
    const after = await leader(lab);
    expect(CLUSTER).toContain(after);
    expect(after).not.toBe(before);
    for (const lb of CLUSTER) {
      expect(await sql(addressOf(lab, lb), HAPROXY_PRIMARY, 'SELECT host(inet_server_addr())')).toBe(addressOf(lab, after));
    }
  }, 300_000);

  it('switchover refuses the leader itself as the candidate, and changes nothing', async () => {
    const current = await leader(lab);
    const run = await runPlaybook(lab.inventoryPath, 'switchover.yml', { candidate: current });
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(failureText(run)).toContain('Cannot switch over');
    expect(await leader(lab)).toBe(current);
  }, 120_000);

  it('switchover refuses a candidate that does not stream from the leader, and changes nothing', async () => {
    const current = await leader(lab);
    const candidate = CLUSTER.find((h) => h !== current)!;
    // freeze the candidate's WAL receiver, then end its walsender on the
    // leader: the candidate stays "running" for Patroni but receives nothing
    await lab.exec(candidate, "pkill -STOP -f 'postgres: .*[w]alreceiver'");
    try {
      await lab.exec(current, `runuser -u postgres -- psql -X -t -A -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_replication WHERE application_name = '${candidate}'"`);
      await writeMarker(lab);
      const run = await runPlaybook(lab.inventoryPath, 'switchover.yml', { candidate, day2_streaming_retries: 3 });
      expect(run.exitCode, describeRun(run)).toBe(2);
      expect(failureText(run)).toContain('does not stream WAL from the leader');
      expect(await sql(addressOf(lab, current), 5432, 'SELECT pg_is_in_recovery()')).toBe('f');
    } finally {
      await lab.exec(candidate, "pkill -CONT -f 'postgres: .*[w]alreceiver'");
    }
    await expectMarkersKept(lab);
    // back to streaming before the next test
    const streaming = await lab.exec(current, `for i in $(seq 60); do s=$(runuser -u postgres -- psql -X -t -A -d postgres -c "SELECT state FROM pg_stat_replication WHERE application_name = '${candidate}'"); [ "$s" = streaming ] && exit 0; sleep 1; done; exit 1`);
    expect(streaming.rc, `${candidate} streams again`).toBe(0);
    expect(await leader(lab)).toBe(current);
  }, 300_000);

  it('rolling restart under a writer: every member restarted, leader moved, no acknowledged write lost', async () => {
    const before = await startTimes(lab);
    const oldLeader = await leader(lab);
    const writer = startWriter(addressOf(lab, 'day2-3'));
    const run = await runPlaybook(lab.inventoryPath, 'rolling-restart.yml');
    await new Promise((r) => setTimeout(r, 2000));
    const report = await writer.stop();
    expectSucceeded(run);
    const after = await startTimes(lab);
    for (const h of CLUSTER) expect(after[h], `${h} was not restarted`).not.toBe(before[h]);
    expect(await leader(lab)).not.toBe(oldLeader);
    const stored = new Set((await sql(addressOf(lab, 'day2-1'), HAPROXY_PRIMARY, 'SELECT id FROM day2_writes')).split('\n').map(Number));
    const lost = report.acked.filter((n) => !stored.has(n));
    expect(lost, `acknowledged but missing: ${lost.slice(0, 20).join(', ')}`).toEqual([]);
    expect(report.acked.length).toBeGreaterThan(20);
    expect(report.longestGapS).toBeLessThan(WRITE_GAP_BOUND_S);
    console.log(`rolling restart: ${run.seconds.toFixed(0)} s, ${report.acked.length}/${report.attempts} writes acknowledged, longest gap ${report.longestGapS.toFixed(1)} s`);
  }, 600_000);

  it('config change: PATCH /config, a postmaster parameter restarts every member, a second run restarts none', async () => {
    const params = { max_connections: 150, work_mem: '8MB' };
    const run = await runPlaybook(lab.inventoryPath, 'config-change.yml', { patroni_parameters: params });
    expectSucceeded(run);
    for (const h of CLUSTER) {
      expect(await sql(addressOf(lab, h), 5432, 'SHOW max_connections')).toBe('150');
      expect(await sql(addressOf(lab, h), 5432, 'SHOW work_mem')).toBe('8MB');
      expect(await sql(addressOf(lab, h), 5432, 'SELECT count(*) FROM pg_settings WHERE pending_restart')).toBe('0');
    }
    const members = await patroniMembers(lab, 'day2-1');
    expect(JSON.stringify(members)).not.toContain('Pending restart');
    const before = await startTimes(lab);
    const again = await runPlaybook(lab.inventoryPath, 'config-change.yml', { patroni_parameters: params });
    expectSucceeded(again);
    expect(await startTimes(lab)).toEqual(before);
    for (const [host, s] of Object.entries(again.recap)) expect({ host, changed: s.changed }).toEqual({ host, changed: 0 });
  }, 600_000);

  it('config change refuses to lower max_connections (replicas restart first)', async () => {
    const run = await runPlaybook(lab.inventoryPath, 'config-change.yml', { patroni_parameters: { max_connections: 120 } });
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(failureText(run)).toContain('Lowering max_connections');
    expect(await sql(addressOf(lab, 'day2-1'), 5432, 'SHOW max_connections')).toBe('150');
  }, 120_000);

  it('backup: pg_basebackup from a replica, restored and queried in a scratch instance, then removed', async () => {
    const rows = await sql(addressOf(lab, 'day2-1'), HAPROXY_PRIMARY, 'SELECT count(*) FROM day2_writes');
    const run = await runPlaybook(lab.inventoryPath, 'backup.yml', { backup_check_sql: 'SELECT count(*) FROM day2_writes' });
    expectSucceeded(run);
    expect(run.stdout).toContain('in_recovery=false');
    expect(run.stdout).toMatch(new RegExp(`"check_sql":\\s*"${rows}"`));
    const current = await leader(lab);
    let found = 0;
    for (const h of CLUSTER) {
      const r = await lab.exec(h, 'ls /var/backups/postgresql/postgres-cluster/*/base.tar.gz 2>/dev/null | wc -l; ls -d /var/tmp/tsplay-restore-* 2>/dev/null | wc -l; ss -ltn | grep -c ":5439 " || true');
      const [backups, scratch, listening] = r.stdout.trim().split('\n').map(Number);
      if (backups! > 0) expect(h, 'the backup was taken on the leader').not.toBe(current);
      found += backups!;
      expect({ h, scratch, listening }).toEqual({ h, scratch: 0, listening: 0 });
    }
    expect(found).toBe(1);
  }, 300_000);

  it('add-node refuses an even-sized etcd cluster, then adds the spare host with the override; site.yml then changes nothing', async () => {
    const four = inventoryWithSpare(lab);
    const refused = await runPlaybook(four, 'add-node.yml', { node: SPARE });
    expect(refused.exitCode, describeRun(refused)).toBe(2);
    expect(failureText(refused)).toContain('even-sized');
    const before = await startTimes(lab);
    const run = await runPlaybook(four, 'add-node.yml', { node: SPARE, etcd_allow_even_members: true });
    expectSucceeded(run);
    await leader(lab, 4);
    // pg_hba: config.yml re-rendered and reloaded on the members (no restart,
    // nothing in the DCS): replication and logins from the new host
    expect(await startTimes(lab)).toEqual(before);
    for (const h of CLUSTER) expect(await hbaRulesFor(lab, h, addressOf(lab, SPARE)), h).toBe(2);
    const dcs = await lab.exec(CLUSTER[0]!, `curl -s http://${addressOf(lab, CLUSTER[0]!)}:8008/config`);
    expect(JSON.parse(dcs.stdout).postgresql?.pg_hba, 'pg_hba in the DCS').toBeUndefined();
    await expectEtcdHealthy(lab, 'day2-1', 4);
    for (const lb of [...CLUSTER, SPARE]) {
      const stats = await lab.exec(lb, 'curl -s http://127.0.0.1:7000/\\;csv');
      expect(stats.stdout, lb).toMatch(new RegExp(`^replicas,${SPARE},.*,UP,`, 'm'));
    }
    expect(await sql(addressOf(lab, SPARE), 5432, 'SELECT count(*) > 0 FROM day2_writes')).toBe('t');
    // the inventory and the hosts agree: site.yml on four hosts changes nothing
    expectNothingChanged(await runPlaybook(four, 'site.yml'));
  }, 900_000);

  it('remove-node takes the spare host out of Patroni, etcd and every HAProxy; site.yml then changes nothing', async () => {
    const four = inventoryWithSpare(lab);
    const before = await startTimes(lab);
    const run = await runPlaybook(four, 'remove-node.yml', { node: SPARE });
    expectSucceeded(run);
    await leader(lab, 3);
    expect(await startTimes(lab)).toEqual(before);
    for (const h of CLUSTER) expect(await hbaRulesFor(lab, h, addressOf(lab, SPARE)), h).toBe(0);
    await expectEtcdHealthy(lab, 'day2-1', 3);
    for (const lb of CLUSTER) {
      const cfg = await lab.exec(lb, 'cat /etc/haproxy/haproxy.cfg');
      expect(cfg.stdout, lb).not.toContain(SPARE);
    }
    const gone = await lab.exec(SPARE, 'systemctl is-active patroni etcd haproxy');
    expect(gone.stdout.split('\n').filter((s) => s === 'active')).toEqual([]);
    // back to the three-host inventory: site.yml changes nothing
    expectNothingChanged(await runPlaybook(lab.inventoryPath, 'site.yml'));
  }, 600_000);

  it('site.yml with a changed PostgreSQL setting under a writer: replicas restarted first, the primary last, no acknowledged write lost', async () => {
    const params = { patroni_postgresql_parameters: { unix_socket_directories: '/var/run/postgresql', log_min_duration_statement: '1000' } };
    const before = await startTimes(lab);
    const oldLeader = await leader(lab);
    const writer = startWriter(addressOf(lab, 'day2-3'), 1_000_000);
    const run = await runPlaybook(lab.inventoryPath, 'site.yml', params);
    await new Promise((r) => setTimeout(r, 2000));
    const report = await writer.stop();
    expectSucceeded(run);
    const after = await startTimes(lab);
    for (const h of CLUSTER) expect(after[h], `${h} was not restarted`).not.toBe(before[h]);
    for (const h of CLUSTER.filter((m) => m !== oldLeader)) {
      // same format and zone (UTC): the text order is the time order
      expect(after[h]! < after[oldLeader]!, `${h} (${after[h]}) restarted before the primary ${oldLeader} (${after[oldLeader]})`).toBe(true);
    }
    for (const h of CLUSTER) expect(await sql(addressOf(lab, h), 5432, 'SHOW log_min_duration_statement'), h).toBe('1s');
    await leader(lab);
    const stored = new Set((await sql(addressOf(lab, 'day2-1'), HAPROXY_PRIMARY, 'SELECT id FROM day2_writes WHERE id >= 1000000')).split('\n').map(Number));
    const lost = report.acked.filter((n) => !stored.has(n));
    expect(lost, `acknowledged but missing: ${lost.slice(0, 20).join(', ')}`).toEqual([]);
    expect(report.acked.length).toBeGreaterThan(20);
    expect(report.longestGapS).toBeLessThan(WRITE_GAP_BOUND_S);
    await expectMarkersKept(lab);
    expectNothingChanged(await runPlaybook(lab.inventoryPath, 'site.yml', params));
  }, 900_000);
});
