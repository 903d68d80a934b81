import { describe, expect, it } from 'vitest';
import {
  parseEndpointHealth, parseEndpointStatus, parseMemberList, sameUrl, toHex, urlHost,
} from '../../../../modules/ha/etcd-json.js';
import { fixture } from './fixtures.js';

describe('etcdctl JSON (3.4.23, recorded)', () => {
  it('keeps uint64 member IDs exact and prints them in hex as etcdctl does', () => {
    const list = parseMemberList(fixture('etcd/member-list-2.json'));
    // `etcdctl member list` printed: 4d941b470020e86, started, hamod-1 / d402230c50759f31, started, hamod-2
    expect(list.members.map((m) => [m.id, m.name])).toEqual([
      ['4d941b470020e86', 'hamod-1'],
      ['d402230c50759f31', 'hamod-2'],
    ]);
    // `member add` printed "added to cluster 2249ff0e667422dc"
    expect(list.clusterId).toBe('2249ff0e667422dc');
    // JSON.parse alone would have rounded 15276811421790609201
    expect(toHex('15276811421790609201')).toBe('d402230c50759f31');
  });

  it('reads an added but unstarted member: no name, no client URLs', () => {
    const list = parseMemberList(fixture('etcd/member-list-unstarted.json'));
    const unstarted = list.members.find((m) => !m.name);
    // `member add` printed "Member d2cbad2e737e0ee7 added"
    expect(unstarted).toEqual({ id: 'd2cbad2e737e0ee7', name: '', peerUrls: ['http://10.213.40.13:2380'], clientUrls: [], isLearner: false });
  });

  it('reads a learner', () => {
    const list = parseMemberList(fixture('etcd/member-list-learner.json'));
    expect(list.members.filter((m) => m.isLearner).map((m) => m.id)).toEqual(['48146e1e4de6f9bd']);
  });

  it('reads endpoint status and health, dead endpoints included', () => {
    const st = parseEndpointStatus(fixture('etcd/endpoint-status-2.json'));
    expect(st.map((s) => [s.endpoint, s.clusterId, s.memberId, s.leader])).toEqual([
      ['http://10.213.40.11:2379', '2249ff0e667422dc', '4d941b470020e86', 'd402230c50759f31'],
      ['http://10.213.40.12:2379', '2249ff0e667422dc', 'd402230c50759f31', 'd402230c50759f31'],
    ]);
    const dead = parseEndpointHealth(fixture('etcd/endpoint-health-dead.json'));
    expect(dead).toEqual([
      { endpoint: 'http://10.213.40.11:2379', health: true },
      { endpoint: 'http://10.213.40.19:2379', health: false, error: 'context deadline exceeded' },
    ]);
  });

  it('compares URLs loosely and extracts hosts', () => {
    expect(sameUrl('http://10.0.0.1:2379/', 'HTTP://10.0.0.1:2379')).toBe(true);
    expect(sameUrl('http://10.0.0.1:2379', 'http://10.0.0.1:2380')).toBe(false);
    expect(urlHost('https://[fd00::1]:2379')).toBe('fd00::1');
    expect(urlHost('not a url')).toBe('');
  });
});
