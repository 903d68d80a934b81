import { describe, expect, it } from 'vitest';
import type { CommandResult, Connection, ConnectionStats } from '../../../../engine/connection/types.js';
import { getModule } from '../../../../modules/registry.js';
import { runModule } from '../../../helpers/module-context-files.js';
import { fixture, NODE3 } from './fixtures.js';

/** Answers every command with one recorded probe output, and remembers what was asked. */
class RecordedConnection implements Connection {
  readonly commands: string[] = [];
  constructor(readonly host: string, private readonly output: string) {}
  async connect(): Promise<void> {}
  async run(cmd: string | string[]): Promise<CommandResult> {
    const shown = Array.isArray(cmd) ? cmd.join(' ') : cmd;
    this.commands.push(shown);
    return { rc: 0, stdout: this.output, stderr: '', durationMs: 1, shown };
  }
  async put(): Promise<void> {
    throw new Error('check mode must not write');
  }
  async get(): Promise<Buffer> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
  stats(): ConnectionStats {
    return { connections: 1, channels: 1, commands: this.commands.length, bytesSent: 0 };
  }
}

describe('check mode: probe and plan, one round trip, nothing changed', () => {
  it('etcd_member present on a node to add', async () => {
    // recorded on hamod-3: its own etcd's answer (localstatus) is dropped, as on a node whose etcd is stopped
    const out = fixture('etcd/probe-started-3.txt').replace(/@@ localstatus 0\nO [^\n]*/, '@@ localstatus 1\nO ');
    const conn = new RecordedConnection('hamod-4', out);
    const node4 = { ...NODE3, name: 'hamod-4', peer_urls: ['http://10.213.40.14:2380'], client_urls: ['http://10.213.40.14:2379'], allow_even_size: true };
    const r = await runModule(getModule('etcd_member')!, node4, { conn, host: 'hamod-4', check: true });
    expect(conn.commands).toHaveLength(1);
    expect(r.changed).toBe(true);
    expect(r.result).toBeUndefined();
    expect(r.plan.changes[0]).toBe('etcdctl member add hamod-4 --peer-urls=http://10.213.40.14:2380');
    expect(r.plan.data).toMatchObject({ cluster_id: '2249ff0e667422dc', member_id: null, members: 3 });
  });

  it('etcd_member on a started member reports ok', async () => {
    const conn = new RecordedConnection('hamod-3', fixture('etcd/probe-started-3.txt'));
    const r = await runModule(getModule('tsplay.ha.etcd_member')!, NODE3, { conn, host: 'hamod-3', check: true });
    expect(r.changed).toBe(false);
    expect(r.plan.data).toMatchObject({ member_id: 'f713342ec7a40d9b' });
  });

  it('patroni_bootstrap on a fresh leader', async () => {
    const conn = new RecordedConnection('hamod-1', fixture('patroni/probe-fresh-1.txt'));
    const r = await runModule(getModule('patroni_bootstrap')!, { leader: 'hamod-1' }, { conn, host: 'hamod-1', check: true });
    expect(conn.commands).toHaveLength(1);
    expect(r.changed).toBe(true);
    expect(r.plan.changes).toEqual(['start patroni', 'bootstrap the cluster hamod here and wait for /primary (/master) 200']);
  });

  it('the probe scripts quote every argument', async () => {
    const conn = new RecordedConnection('h', '');
    await runModule(getModule('patroni_bootstrap')!, { config: "/etc/pat roni/it's.yml", leader: 'h' }, { conn, host: 'h', check: true }).catch(() => undefined);
    expect(conn.commands[0]).toContain(`python3 - '/etc/pat roni/it'\\''s.yml'`);
    const conn2 = new RecordedConnection('h', '');
    await runModule(getModule('etcd_member')!, { ...NODE3, data_dir: '/var/lib/etcd/$(reboot)' }, { conn: conn2, host: 'h', check: true }).catch(() => undefined);
    expect(conn2.commands[0]).toContain(`'/var/lib/etcd/$(reboot)/member'`);
  });
});
