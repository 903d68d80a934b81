/**
 * Connections from inventory variables, one per host for the whole run.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TsplayError } from '../errors.js';
import { LocalConnection } from './local.js';
import { SshConnection, type SshConnectionOptions } from './ssh.js';
import type { TransportTarget } from './ssh-transport.js';
import type { BecomeOptions, Connection, ConnectionStats } from './types.js';

/**
 * Run-wide connection settings (config file, environment, flags). The SSH
 * settings are TransportTarget's own fields (declared once, in
 * ssh-transport.ts); host vars override them per host in createConnection.
 */
export interface ConnectionConfig
  extends Pick<TransportTarget, 'privateKeyFile' | 'password' | 'hostKeyChecking' | 'knownHostsFiles' | 'connectTimeoutMs' | 'retries'>,
    Pick<SshConnectionOptions, 'maxChannels'> {
  /** --user / remote_user, used when ansible_user is not set */
  remoteUser?: string;
}

/** Variables read but deliberately not acted upon, with why (for a one-time note). */
export const IGNORED_CONNECTION_VARS: Record<string, string> = {
  ansible_ssh_common_args: 'tsplay does not run the ssh binary; its options are ignored',
  ansible_ssh_extra_args: 'tsplay does not run the ssh binary; its options are ignored',
  ansible_python_interpreter: 'tsplay modules do not need Python on the host',
};

/** one note per connection variable that is set but has no effect in tsplay (for the run log) */
export function connectionNotes(host: string, vars: Record<string, unknown>): string[] {
  return Object.entries(IGNORED_CONNECTION_VARS)
    .filter(([name]) => vars[name] !== undefined && vars[name] !== '')
    .map(([name, why]) => `${host}: ${name} is ignored: ${why}`);
}

function str(vars: Record<string, unknown>, name: string): string | undefined {
  const v = vars[name];
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && /^(yes|true|on|1|y)$/i.test(v.trim());
}

function portOf(host: string, vars: Record<string, unknown>): number {
  const raw = vars.ansible_port ?? vars.ansible_ssh_port;
  if (raw === undefined || raw === null || raw === '') return 22;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TsplayError('TSPLAY_INVENTORY', `ansible_port of ${host} is not a port number: ${JSON.stringify(raw)}`, { host });
  }
  return port;
}

export function createConnection(host: string, vars: Record<string, unknown>, cfg: ConnectionConfig): Connection {
  const kind = str(vars, 'ansible_connection') ?? 'ssh';
  if (kind === 'local') return new LocalConnection(host);
  if (kind !== 'ssh' && kind !== 'paramiko' && kind !== 'smart') {
    throw new TsplayError('TSPLAY_INVENTORY', `ansible_connection=${kind} for ${host} is not supported (ssh or local)`, { host });
  }
  return new SshConnection({
    host,
    address: str(vars, 'ansible_host') ?? str(vars, 'ansible_ssh_host') ?? host,
    port: portOf(host, vars),
    username: str(vars, 'ansible_user') ?? str(vars, 'ansible_ssh_user') ?? cfg.remoteUser,
    privateKeyFile: str(vars, 'ansible_ssh_private_key_file') ?? str(vars, 'ansible_private_key_file') ?? cfg.privateKeyFile,
    password: str(vars, 'ansible_password') ?? str(vars, 'ansible_ssh_pass') ?? cfg.password,
    hostKeyChecking: 'ansible_host_key_checking' in vars ? truthy(vars.ansible_host_key_checking) : cfg.hostKeyChecking,
    knownHostsFiles: knownHostsFor(vars, cfg),
    connectTimeoutMs: cfg.connectTimeoutMs,
    retries: cfg.retries,
    maxChannels: cfg.maxChannels,
  });
}

/**
 * `ansible_ssh_known_hosts_file` (a host var; the lab's inventory sets it) is
 * checked first, then the configured files. Host key checking stays on.
 */
function knownHostsFor(vars: Record<string, unknown>, cfg: ConnectionConfig): string[] | undefined {
  const own = str(vars, 'ansible_ssh_known_hosts_file');
  if (!own) return cfg.knownHostsFiles;
  const rest = cfg.knownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
  return [own, ...rest.filter((f) => f !== own)];
}

/**
 * become for one task: the task's `become` (true/false/undefined) wins over
 * ansible_become; user, method and password come from the host's vars.
 */
export function becomeFromVars(vars: Record<string, unknown>, taskBecome?: boolean | BecomeOptions): BecomeOptions | false {
  const enabled = taskBecome === undefined ? truthy(vars.ansible_become) : taskBecome !== false;
  if (!enabled) return false;
  const fromTask = typeof taskBecome === 'object' ? taskBecome : {};
  const method = fromTask.method ?? str(vars, 'ansible_become_method') ?? 'sudo';
  if (method !== 'sudo' && method !== 'su') {
    throw new TsplayError('TSPLAY_OPTIONS', `become_method ${method} is not supported (sudo or su)`);
  }
  return {
    user: fromTask.user ?? str(vars, 'ansible_become_user') ?? 'root',
    method,
    password: fromTask.password ?? str(vars, 'ansible_become_password') ?? str(vars, 'ansible_become_pass'),
  };
}

export class ConnectionPool {
  private readonly conns = new Map<string, Connection>();
  private readonly pending = new Map<string, Promise<Connection>>();
  /** stats of connections closed by reset() or closeAll(): totals() covers the whole run */
  private readonly retired: ConnectionStats[] = [];

  constructor(
    private readonly cfg: ConnectionConfig,
    private readonly factory: typeof createConnection = createConnection,
  ) {}

  /** connects once per host; concurrent callers share the same pending connect */
  get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    const ready = this.conns.get(host);
    if (ready) return Promise.resolve(ready);
    let p = this.pending.get(host);
    if (!p) {
      p = this.open(host, vars).finally(() => this.pending.delete(host));
      this.pending.set(host, p);
    }
    return p;
  }

  private async open(host: string, vars: Record<string, unknown>): Promise<Connection> {
    const conn = this.factory(host, vars, this.cfg);
    await conn.connect();
    this.conns.set(host, conn);
    return conn;
  }

  /** meta: reset_connection: closes the host's connection; the next get() connects again */
  async reset(host: string): Promise<void> {
    const conn = this.conns.get(host);
    this.conns.delete(host);
    if (conn) {
      this.retired.push(conn.stats());
      await conn.close().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    for (const c of all) this.retired.push(c.stats());
    await Promise.all(all.map((c) => c.close().catch(() => undefined)));
  }

  totals(): ConnectionStats {
    const t: ConnectionStats = { connections: 0, channels: 0, commands: 0, bytesSent: 0 };
    for (const s of [...this.retired, ...[...this.conns.values()].map((c) => c.stats())]) {
      t.connections += s.connections;
      t.channels += s.channels;
      t.commands += s.commands;
      t.bytesSent += s.bytesSent;
    }
    return t;
  }
}
