import { describe, expect, it } from 'vitest';
import {
  clusterVersionOk, leaderOf, parseClusterMembers, parseControlData, parseEtcdVersion, parsePatroniStatus,
  parsePatronictlList, parsePgLsclusters, parsePostgresMajor, parseSsListeners,
} from '../../../../modules/ha/patroni-parse.js';
import { fixture } from './fixtures.js';

describe('Patroni 3.0.2 outputs (recorded)', () => {
  it('GET /patroni on the leader reports role master', () => {
    expect(parsePatroniStatus(fixture('patroni/patroni-leader.json'))).toEqual({
      state: 'running', role: 'master', systemId: '7710848608361111122', timeline: 1, version: '3.0.2', scope: 'hamod',
    });
    expect(parsePatroniStatus(fixture('patroni/patroni-replica.json'))?.role).toBe('replica');
    expect(parsePatroniStatus('<html>503</html>')).toBeUndefined();
  });

  it('GET /cluster: one leader, replicas running (no streaming state before 3.1)', () => {
    const members = parseClusterMembers(fixture('patroni/cluster-3.json'))!;
    expect(members.map((m) => [m.name, m.role, m.state])).toEqual([
      ['hamod-1', 'leader', 'running'],
      ['hamod-2', 'replica', 'running'],
      ['hamod-3', 'replica', 'running'],
    ]);
    expect(leaderOf(members).map((m) => m.name)).toEqual(['hamod-1']);
  });

  it('patronictl list -f json', () => {
    const members = parsePatronictlList(fixture('patroni/patronictl-list.json'));
    expect(members[0]).toEqual({ name: 'hamod-1', role: 'leader', state: 'running', host: '10.213.40.11' });
    expect(members[1]).toEqual({ name: 'hamod-2', role: 'replica', state: 'running', host: '10.213.40.12', lag: 0 });
  });

  it('pg_controldata, postgres --version, pg_lsclusters, ss', () => {
    expect(parseControlData(fixture('patroni/pg-controldata.txt'))).toEqual({ systemId: '7710849042611347627', state: 'shut down' });
    expect(parsePostgresMajor('postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)')).toBe('15');
    expect(parsePostgresMajor('postgres (PostgreSQL) 9.6.24')).toBe('9.6');
    const [lsclusters = '', ss = ''] = fixture('patroni/debian-main-running.txt').split('---\n');
    expect(parsePgLsclusters(lsclusters)).toEqual([
      { version: '15', name: 'main', port: 5433, status: 'online', dataDir: '/var/lib/postgresql/15/main' },
    ]);
    expect(parseSsListeners(ss)).toEqual([
      { address: '127.0.0.1', port: 5433, process: 'postgres', pid: 4760 },
      { address: '[::1]', port: 5433, process: 'postgres', pid: 4760 },
    ]);
  });

  it('etcd /version: cluster version 3.4 needed (3.0.0 until every member is connected)', () => {
    expect(parseEtcdVersion('{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}')).toEqual({ server: '3.4.23', cluster: '3.4.0' });
    expect(clusterVersionOk('3.4.0')).toBe(true);
    expect(clusterVersionOk('3.0.0')).toBe(false);
    expect(clusterVersionOk('3.5.1')).toBe(true);
    expect(clusterVersionOk(undefined)).toBe(false);
  });
});
