/**
 * Parsers for what Patroni 3.0.2 and its host print: REST /patroni and
 * /cluster, `patronictl list -f json`, pg_controldata, `ss -Hltnp`,
 * `pg_lsclusters -h`. Pure, tested on recorded output.
 */

export interface PatroniStatus {
  /** running, starting, stopped, "creating replica", "running custom bootstrap script"... */
  state: string;
  /** master (3.x) / primary (4.x) / replica / standby_leader */
  role: string;
  systemId?: string;
  timeline?: number;
  version?: string;
  scope?: string;
}

export interface ClusterMember {
  name: string;
  /** leader, replica, sync_standby, standby_leader */
  role: string;
  state: string;
  host?: string;
  lag?: number | string;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** GET /patroni; undefined when the body is not Patroni's JSON */
export function parsePatroniStatus(body: string): PatroniStatus | undefined {
  const doc = jsonOrUndefined(body);
  if (!doc || typeof doc !== 'object') return undefined;
  const o = obj(doc);
  if (typeof o.state !== 'string') return undefined;
  const p = obj(o.patroni);
  return {
    state: o.state,
    role: typeof o.role === 'string' ? o.role : '',
    systemId: typeof o.database_system_identifier === 'string' ? o.database_system_identifier : undefined,
    timeline: typeof o.timeline === 'number' ? o.timeline : undefined,
    version: typeof p.version === 'string' ? p.version : undefined,
    scope: typeof p.scope === 'string' ? p.scope : undefined,
  };
}

/** GET /cluster */
export function parseClusterMembers(body: string): ClusterMember[] | undefined {
  const doc = obj(jsonOrUndefined(body));
  if (!Array.isArray(doc.members)) return undefined;
  return doc.members.map((raw) => {
    const m = obj(raw);
    const out: ClusterMember = { name: String(m.name ?? ''), role: String(m.role ?? ''), state: String(m.state ?? '') };
    if (typeof m.host === 'string') out.host = m.host;
    if (typeof m.lag === 'number' || typeof m.lag === 'string') out.lag = m.lag;
    return out;
  });
}

/** `patronictl list -f json`: Member/Host/Role/State/TL/Lag in MB, roles capitalised */
export function parsePatronictlList(text: string): ClusterMember[] {
  const doc = jsonOrUndefined(text);
  return (Array.isArray(doc) ? doc : []).map((raw) => {
    const m = obj(raw);
    const out: ClusterMember = { name: String(m.Member ?? ''), role: String(m.Role ?? '').toLowerCase(), state: String(m.State ?? '') };
    if (typeof m.Host === 'string') out.host = m.Host;
    const lag = m['Lag in MB'];
    if (typeof lag === 'number' || typeof lag === 'string') out.lag = lag;
    return out;
  });
}

export function leaderOf(members: readonly ClusterMember[]): ClusterMember[] {
  return members.filter((m) => m.role === 'leader' || m.role === 'standby_leader');
}

/** pg_controldata: the system identifier and cluster state */
export function parseControlData(text: string): { systemId?: string; state?: string } {
  const id = /^Database system identifier:\s*(\d+)/m.exec(text)?.[1];
  const state = /^Database cluster state:\s*(.+)$/m.exec(text)?.[1]?.trim();
  return { systemId: id, state };
}

export interface Listener {
  address: string;
  port: number;
  process: string;
  pid?: number;
}

/** `ss -Hltnp`: LISTEN 0 4096 10.0.0.1:2379 0.0.0.0:* users:(("etcd",pid=4063,fd=8)) */
export function parseSsListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const local = f[3]!;
    const idx = local.lastIndexOf(':');
    const port = Number(local.slice(idx + 1));
    if (!Number.isInteger(port)) continue;
    const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    out.push({ address: local.slice(0, idx), port, process: users?.[1] ?? '', pid: users ? Number(users[2]) : undefined });
  }
  return out;
}

export interface DebianCluster {
  version: string;
  name: string;
  port: number;
  status: string;
  dataDir: string;
}

/** `pg_lsclusters -h`: 15 main 5432 online postgres /var/lib/postgresql/15/main /var/log/... */
export function parsePgLsclusters(text: string): DebianCluster[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6 && /^\d+$/.test(f[0]!))
    .map((f) => ({ version: f[0]!, name: f[1]!, port: Number(f[2]), status: f[3]!, dataDir: f[5]! }));
}

/** `postgres (PostgreSQL) 15.20 (Debian ...)` -> '15' */
export function parsePostgresMajor(text: string): string | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  // before 10 the major version had two parts (9.6)
  return Number(m[1]) < 10 && m[2] ? `${m[1]}.${m[2]}` : m[1];
}

/** `/version` of etcd: {"etcdserver":"3.4.23","etcdcluster":"3.4.0"} */
export function parseEtcdVersion(body: string): { server?: string; cluster?: string } {
  const o = obj(jsonOrUndefined(body));
  return {
    server: typeof o.etcdserver === 'string' ? o.etcdserver : undefined,
    cluster: typeof o.etcdcluster === 'string' ? o.etcdcluster : undefined,
  };
}

/** a.b(.c) >= 3.4 */
export function clusterVersionOk(v: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  return major > 3 || (major === 3 && Number(m[2]) >= 4);
}
