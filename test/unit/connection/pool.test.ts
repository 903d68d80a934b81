import { describe, expect, it } from 'vitest';
import { becomeFromVars, ConnectionPool, createConnection, LocalConnection, SshConnection, type ConnectionConfig } from '../../../engine/connection/index.js';
import type { Connection } from '../../../engine/connection/types.js';

const cfg: ConnectionConfig = { hostKeyChecking: true, connectTimeoutMs: 1000, remoteUser: 'deploy' };

describe('createConnection', () => {
  it('chooses local or ssh from ansible_connection (paramiko is ssh)', () => {
    expect(createConnection('a', { ansible_connection: 'local' }, cfg)).toBeInstanceOf(LocalConnection);
    expect(createConnection('a', { ansible_connection: 'paramiko' }, cfg)).toBeInstanceOf(SshConnection);
    expect(createConnection('a', {}, cfg)).toBeInstanceOf(SshConnection);
    expect(() => createConnection('a', { ansible_connection: 'winrm' }, cfg)).toThrow(/not supported/);
  });

  it('rejects a port that is not a number', () => {
    expect(() => createConnection('a', { ansible_port: 'ssh' }, cfg)).toThrow(/not a port number/);
  });
});

describe('becomeFromVars', () => {
  it('is off unless the task or ansible_become asks', () => {
    expect(becomeFromVars({}, undefined)).toBe(false);
    expect(becomeFromVars({ ansible_become: 'yes' }, false)).toBe(false);
    expect(becomeFromVars({ ansible_become: true }, undefined)).toEqual({ user: 'root', method: 'sudo', password: undefined });
  });

  it('reads user, method and either password variable', () => {
    expect(becomeFromVars({ ansible_become_user: 'postgres', ansible_become_method: 'su', ansible_become_pass: 's3' }, true)).toEqual({
      user: 'postgres', method: 'su', password: 's3',
    });
    expect(becomeFromVars({ ansible_become_password: 'p' }, true)).toMatchObject({ password: 'p' });
    expect(() => becomeFromVars({ ansible_become_method: 'doas' }, true)).toThrow(/not supported/);
  });
});

class FakeConnection implements Connection {
  static opened = 0;
  readonly host: string;
  constructor(host: string) {
    this.host = host;
  }
  async connect(): Promise<void> {
    FakeConnection.opened++;
    await new Promise((r) => setTimeout(r, 10));
  }
  run = async () => ({ rc: 0, stdout: '', stderr: '', durationMs: 0, shown: '' });
  put = async () => undefined;
  get = async () => Buffer.alloc(0);
  close = async () => undefined;
  stats = () => ({ connections: 1, channels: 2, commands: 3, bytesSent: 4 });
}

describe('ConnectionPool', () => {
  it('connects once per host even for concurrent callers, and sums stats', async () => {
    const pool = new ConnectionPool(cfg, (host) => new FakeConnection(host));
    const got = await Promise.all([pool.get('a', {}), pool.get('a', {}), pool.get('b', {})]);
    expect(got[0]).toBe(got[1]);
    expect(FakeConnection.opened).toBe(2);
    expect(await pool.get('a', {})).toBe(got[0]);
    expect(pool.totals()).toEqual({ connections: 2, channels: 4, commands: 6, bytesSent: 8 });
    await pool.reset('a');
    const again = await pool.get('a', {});
    expect(again).not.toBe(got[0]);
    expect(FakeConnection.opened).toBe(3);
    await pool.closeAll();
    // totals cover the whole run, closed connections included
    expect(pool.totals()).toEqual({ connections: 3, channels: 6, commands: 9, bytesSent: 12 });
  });

  it('retries a failed connect on the next get()', async () => {
    let attempts = 0;
    const pool = new ConnectionPool(cfg, (host) => {
      attempts++;
      const c = new FakeConnection(host);
      if (attempts === 1) c.connect = async () => Promise.reject(new Error('down'));
      return c;
    });
    await expect(pool.get('x', {})).rejects.toThrow('down');
    await expect(pool.get('x', {})).resolves.toBeInstanceOf(FakeConnection);
  });
});

describe('connectionNotes', () => {
  it('notes ssh arguments and the python interpreter as ignored', async () => {
    const { connectionNotes } = await import('../../../engine/connection/index.js');
    expect(connectionNotes('db1', { ansible_ssh_common_args: '-o X=y', ansible_python_interpreter: '/usr/bin/python3', ansible_user: 'a' })).toEqual([
      'db1: ansible_ssh_common_args is ignored: tsplay does not run the ssh binary; its options are ignored',
      'db1: ansible_python_interpreter is ignored: tsplay modules do not need Python on the host',
    ]);
  });
});
