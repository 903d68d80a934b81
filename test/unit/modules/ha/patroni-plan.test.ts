import { describe, expect, it } from 'vitest';
import { ModuleFailure } from '../../../../engine/module-api.js';
import { planPatroni } from '../../../../modules/ha/patroni-plan.js';
import { parsePatroniFacts, type PatroniBootstrapParams, type PatroniFacts } from '../../../../modules/ha/patroni-probe.js';
import { parseSections } from '../../../../modules/ha/sections.js';
import { fixture } from './fixtures.js';

const P: PatroniBootstrapParams = { leader: 'hamod-1', expected_members: 3 };

function facts(name: string, p: PatroniBootstrapParams = P): PatroniFacts {
  return parsePatroniFacts(p, parseSections(fixture(`patroni/${name}`)));
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModuleFailure);
    return (e as Error).message;
  }
  throw new Error('expected a ModuleFailure');
}

describe('patroni_bootstrap probe (recorded on the lab)', () => {
  it('reads the config without its secrets, the DCS keys, the data dir and the REST API', () => {
    const f = facts('probe-running-1.txt');
    expect(f.config).toMatchObject({ scope: 'hamod', name: 'hamod-1', dataDir: '/var/lib/postgresql/15/main', pgPort: 5432, restPort: 8008 });
    expect(f.etcd).toMatchObject({ initialize: '7710848608361111122', leader: 'hamod-1' });
    expect(f.etcd.versions.map((v) => v.cluster)).toEqual(['3.4.0', '3.4.0', '3.4.0']);
    expect(f.data).toEqual({ state: 'nonempty', pgVersion: '15', systemId: '7710848608361111122', clusterState: 'in production' });
    expect(f.rest.codes).toEqual({ patroni: 200, cluster: 200, health: 200, master: 200, primary: 200, replica: 503 });
    expect(f.listeners.find((l) => l.port === 8008)?.process).toBe('patroni');
    expect(fixture('patroni/probe-running-1.txt')).not.toMatch(/c3VwZXJzZWNyZXQx|supersecret1/); // base64 of the password, and the password
  });
});

describe('patroni_bootstrap planner', () => {
  it('is idempotent: Patroni running in an initialized cluster with a leader', () => {
    const plan = planPatroni(P, facts('probe-running-1.txt'), 'hamod-1');
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toBe('Patroni is running as master in cluster hamod (leader hamod-1)');
    expect(plan.data).toMatchObject({ role: 'master', leader: 'hamod-1', system_id: '7710848608361111122' });
    expect(planPatroni(P, facts('probe-running-2.txt'), 'hamod-2').changes).toEqual([]);
  });

  it('bootstraps on the designated leader: start, wait for /primary, then for the members', () => {
    const plan = planPatroni(P, facts('probe-fresh-1.txt'), 'hamod-1');
    expect(plan.state).toMatchObject({ steps: ['start', 'wait-primary', 'wait-members'], freshBootstrap: true, scope: 'hamod' });
  });

  it('a replica waits for the leader key before starting', () => {
    const plan = planPatroni(P, facts('probe-fresh-2.txt'), 'hamod-2');
    expect(plan.state!.steps).toEqual(['wait-leader-key', 'start', 'wait-replica', 'wait-members']);
    expect(plan.state!.freshBootstrap).toBe(false);
  });

  it('without a designated leader every host starts at once', () => {
    const plan = planPatroni({}, facts('probe-fresh-2.txt', {}), 'hamod-2');
    expect(plan.state!.steps).toEqual(['start', 'wait-primary']);
  });

  it('adopts existing data when there is no initialize key, with a warning', () => {
    const f = facts('probe-fresh-1.txt');
    f.data = { state: 'nonempty', pgVersion: '15', systemId: '7710849042611347627' };
    const plan = planPatroni(P, f, 'hamod-1');
    expect(plan.state!.freshBootstrap).toBe(false);
    expect(plan.state!.warnings).toEqual(['no initialize key in etcd: Patroni adopts the existing data in /var/lib/postgresql/15/main']);
  });

  it('fails on a system ID mismatch unless force_remove_dcs', () => {
    const f = facts('probe-running-2.txt');
    f.service.active = 'inactive';
    f.listeners = [];
    f.data.systemId = '7710849042611347627';
    expect(failure(() => planPatroni(P, f, 'hamod-2'))).toMatch(
      /^system ID mismatch: the data dir \/var\/lib\/postgresql\/15\/main has system ID 7710849042611347627, but cluster hamod in etcd was initialized with 7710848608361111122; .*force_remove_dcs/,
    );
    const plan = planPatroni({ ...P, force_remove_dcs: true }, f, 'hamod-2');
    expect(plan.state!.steps[0]).toBe('remove-dcs');
  });

  it('fails when etcd does not answer, or its cluster version is not 3.4 yet', () => {
    const down = facts('probe-fresh-1.txt');
    down.etcd = { error: 'Error: context deadline exceeded', versions: [] };
    expect(failure(() => planPatroni(P, down, 'hamod-1'))).toBe(
      'Patroni cannot reach etcd (http://10.213.40.11:2379,http://10.213.40.12:2379,http://10.213.40.13:2379): Error: context deadline exceeded',
    );
    const old = facts('probe-fresh-1.txt');
    old.etcd.versions[1]!.cluster = '3.0.0';
    expect(failure(() => planPatroni(P, old, 'hamod-1'))).toMatch(/^etcd cluster version is not 3.4 yet \(http:\/\/10.213.40.12:2379: 3.0.0\).*v3alpha/);
  });

  it("fails while Debian's 15/main runs, or a port is owned by something else", () => {
    const [lsclusters = ''] = fixture('patroni/debian-main-running.txt').split('---\n');
    const map = parseSections(fixture('patroni/probe-fresh-1.txt'));
    map.debian = { rc: 0, stdout: lsclusters, stderr: '' };
    expect(failure(() => planPatroni(P, parsePatroniFacts(P, map), 'hamod-1'))).toMatch(/^Debian's cluster 15\/main is running on port 5433 .*pg_dropcluster --stop 15 main/);
    const busy = facts('probe-fresh-1.txt');
    busy.listeners.push({ address: '0.0.0.0', port: 8008, process: 'nginx', pid: 77 });
    expect(failure(() => planPatroni(P, busy, 'hamod-1'))).toBe('port 8008 is owned by nginx (pid 77): Patroni needs 5432 and 8008');
  });

  it("fails when scope differs from the config's", () => {
    expect(failure(() => planPatroni({ ...P, scope: 'other' }, facts('probe-fresh-1.txt', { ...P, scope: 'other' }), 'hamod-1'))).toBe(
      "scope other differs from the config's scope hamod (/etc/patroni/config.yml): Patroni would bootstrap hamod",
    );
  });

  it('fails when the data dir belongs to another PostgreSQL major version', () => {
    const f = facts('probe-fresh-1.txt');
    f.data = { state: 'nonempty', pgVersion: '13' };
    expect(failure(() => planPatroni(P, f, 'hamod-1'))).toMatch(/holds PostgreSQL 13 but bin_dir \/usr\/lib\/postgresql\/15\/bin is PostgreSQL 15/);
  });

  it('fails without a readable config, and explains an etcd v2 section', () => {
    const f = facts('probe-fresh-1.txt');
    f.config.error = "FileNotFoundError: [Errno 2] No such file or directory: '/etc/patroni/config.yml'";
    expect(failure(() => planPatroni(P, f, 'hamod-1'))).toMatch(/cannot read the Patroni config \/etc\/patroni\/config.yml: FileNotFoundError.*ConditionPathExists/);
    const v2 = facts('probe-fresh-1.txt');
    v2.config.etcd3 = '';
    v2.config.hasEtcdV2 = true;
    expect(failure(() => planPatroni(P, v2, 'hamod-1'))).toMatch(/`etcd:` section: that is the v2 API/);
  });
});
