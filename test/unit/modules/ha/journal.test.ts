import { describe, expect, it } from 'vitest';
import { collapseRepeats, explainJournal, failureMessage, fatalCause, keyLines } from '../../../../modules/ha/journal.js';
import { fixture } from './fixtures.js';

describe('journal hints on recorded journals', () => {
  it('etcd: not listed in the initial cluster config', () => {
    const j = fixture('journal/etcd-not-in-initial-cluster.log');
    expect(explainJournal(j)).toEqual(['not listed in the initial cluster config: ETCD_NAME is missing from ETCD_INITIAL_CLUSTER']);
    expect(fatalCause(j)).toMatch(/^not listed/);
  });

  it('etcd: conflicting cluster ID (a member started as new next to a running cluster)', () => {
    const j = fixture('journal/etcd-cluster-id-mismatch.log');
    expect(explainJournal(j)[0]).toMatch(/^conflicting cluster ID/);
    // 50 lines of the same warning fold into a few
    expect(collapseRepeats(j).split('\n').length).toBeLessThan(40);
    expect(collapseRepeats(j)).toMatch(/\(repeated \d+ times\)/);
  });

  it('etcd: member has been permanently removed, found beyond the last 50 lines', () => {
    const j = fixture('journal/etcd-removed-member.log');
    expect(j.split('\n').slice(-50).join('\n')).not.toMatch(/permanently removed/);
    const msg = failureMessage('etcd did not join', 'etcd', j);
    expect(msg).toMatch(/likely cause: member has been permanently removed/);
    expect(msg).toMatch(/key lines:\n[\s\S]*etcd\[3437\]: the member has been permanently removed from the cluster\njournalctl/);
    expect(msg).toMatch(/journalctl -u etcd -n 50 --no-pager:\n/);
  });

  it('patroni: cannot reach etcd (not fatal by itself: Patroni retries)', () => {
    const j = fixture('journal/patroni-no-etcd.log');
    expect(explainJournal(j)).toContain('Patroni cannot reach etcd (check etcd3.hosts, that every etcd member is up and the cluster version is 3.4)');
    expect(fatalCause(j)).toBeUndefined();
  });

  it('patroni: system ID mismatch', () => {
    const j = fixture('journal/patroni-sysid-mismatch.log');
    expect(fatalCause(j)).toMatch(/^system ID mismatch/);
    expect(keyLines(j).some((l) => l.includes('CRITICAL: system ID mismatch, node hamod-3 belongs to a different cluster'))).toBe(true);
  });

  it('patroni: a failed bootstrap (initdb error)', () => {
    const j = fixture('journal/patroni-bootstrap-failed.log');
    expect(explainJournal(j)).toEqual(['initdb failed', 'Patroni failed to bootstrap the cluster']);
    expect(fatalCause(j)).toBe('Patroni failed to bootstrap the cluster');
  });

  it('says so when there is no journal', () => {
    expect(failureMessage('x failed', 'etcd', '')).toBe('x failed\n(no journal for etcd)');
  });
});
