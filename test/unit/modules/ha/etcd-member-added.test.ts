import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMemberAdded } from '../../../../modules/ha/etcd-member-apply.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/ha/etcd', name), 'utf8');

describe('etcdctl member add output', () => {
  it('reads the member and cluster IDs', () => {
    expect(parseMemberAdded(fixture('member-add.stdout'))).toEqual({ memberId: 'd2cbad2e737e0ee7', clusterId: '2249ff0e667422dc' });
    expect(parseMemberAdded(fixture('member-add-learner.stdout'))).toEqual({ memberId: '48146e1e4de6f9bd', clusterId: '2249ff0e667422dc' });
  });
  it('reads a 15-digit ID that etcdctl pads with a space (bug: the add was reported failed, seen on the lab)', () => {
    expect(parseMemberAdded(fixture('member-add-short-id.stdout'))).toEqual({ memberId: 'bff943de4d888c8', clusterId: '19cb9f344fb89e45' });
  });
  it('gives undefined for other output', () => {
    expect(parseMemberAdded('Error: etcdserver: unhealthy cluster')).toBeUndefined();
  });
});
