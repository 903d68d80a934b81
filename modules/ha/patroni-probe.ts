/**
 * patroni_bootstrap facts in one round trip: the config (no secrets), the DCS
 * keys (initialize, leader) and etcd's cluster version, the local data dir,
 * the service, the REST API, the listeners and Debian's own clusters.
 */
import { shellJoin } from '../../engine/connection/types.js';
import type { ModuleContext } from '../../engine/module-api.js';
import {
  parseClusterMembers, parseControlData, parseEtcdVersion, parsePatroniStatus, parsePgLsclusters,
  parsePostgresMajor, parseSsListeners, type ClusterMember, type DebianCluster, type Listener, type PatroniStatus,
} from './patroni-parse.js';
import { configPrelude, getDcsKey, httpGet, httpGetUrls, parseHttp } from './patroni-scripts.js';
import { lastError, runSections, section, type Section, type SectionMap } from './sections.js';

export interface PatroniBootstrapParams {
  config?: string;
  rest_url?: string;
  scope?: string;
  namespace?: string;
  etcd_endpoints?: string[];
  leader?: string;
  expected_members?: number;
  timeout?: number;
  force_remove_dcs?: boolean;
  service?: string;
  cacert?: string;
  cert?: string;
  key?: string;
}

export const PATRONI_DEFAULTS = { config: '/etc/patroni/config.yml', rest_url: 'http://127.0.0.1:8008', service: 'patroni', timeout: 300 };

export interface PatroniConfigFacts {
  error: string;
  scope?: string;
  namespace?: string;
  name?: string;
  dataDir?: string;
  binDir?: string;
  pgPort: number;
  restPort: number;
  etcd3: string;
  hasEtcdV2: boolean;
}

export interface PatroniFacts {
  config: PatroniConfigFacts;
  etcd: {
    /** undefined: etcd did not answer (error says why) */
    initialize?: string;
    leader?: string;
    error?: string;
    /** etcdcluster of each endpoint's /version */
    versions: { endpoint: string; cluster?: string }[];
  };
  data: { state: 'missing' | 'empty' | 'nonempty'; pgVersion?: string; systemId?: string; clusterState?: string };
  binMajor?: string;
  service: { active: string; enabled: boolean };
  rest: { status?: PatroniStatus; members?: ClusterMember[]; codes: Record<string, number> };
  listeners: Listener[];
  debianClusters: DebianCluster[];
}

export const REST_PATHS = ['patroni', 'cluster', 'health', 'master', 'primary', 'replica'];

function restUrl(p: PatroniBootstrapParams): string {
  return (p.rest_url ?? PATRONI_DEFAULTS.rest_url).replace(/\/+$/, '');
}

export function patroniProbeSections(p: PatroniBootstrapParams): { prelude: string; sections: Section[] } {
  const tls = { cacert: p.cacert, cert: p.cert, key: p.key };
  const svc = p.service ?? PATRONI_DEFAULTS.service;
  const prelude = configPrelude({ config: p.config ?? PATRONI_DEFAULTS.config, scope: p.scope, namespace: p.namespace, etcdEndpoints: p.etcd_endpoints });
  const data = [
    'if [ -z "$data_dir" ] || [ ! -d "$data_dir" ]; then echo missing',
    'elif [ -z "$(ls -A "$data_dir")" ]; then echo empty',
    'else echo nonempty; [ -f "$data_dir/PG_VERSION" ] && sed "s/^/V /" "$data_dir/PG_VERSION"',
    '  [ -x "$bin_dir/pg_controldata" ] && "$bin_dir/pg_controldata" "$data_dir" 2>/dev/null | grep -E "^Database (system identifier|cluster state):"; fi',
  ].join('\n');
  return {
    prelude,
    sections: [
      { key: 'cfg', script: 'printf %s "$cfg_json"' },
      { key: 'init', script: getDcsKey('initialize', tls) },
      { key: 'leader', script: getDcsKey('leader', tls) },
      { key: 'version', script: `${httpGet(['$(echo "$etcd_endpoints" | tr , " " | sed "s|\\([^ ]*\\)|\\1/version|g")'], tls)}` },
      { key: 'data', script: data },
      { key: 'binver', script: '"$bin_dir/postgres" --version' },
      { key: 'active', script: shellJoin(['systemctl', 'is-active', svc]) },
      { key: 'enabled', script: shellJoin(['systemctl', 'is-enabled', svc]) },
      { key: 'rest', script: httpGetUrls(REST_PATHS.map((x) => `${restUrl(p)}/${x}`)) },
      { key: 'ss', script: 'ss -Hltnp' },
      { key: 'debian', script: 'command -v pg_lsclusters >/dev/null && pg_lsclusters -h || true' },
    ],
  };
}

function portOf(listen: unknown, fallback: number): number {
  const m = /:(\d+)\s*$/.exec(String(listen ?? ''));
  return m ? Number(m[1]) : fallback;
}

export function parseConfigFacts(text: string): PatroniConfigFacts {
  let o: Record<string, unknown> = {};
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: 'the config could not be read (no output from python3)', pgPort: 5432, restPort: 8008, etcd3: '', hasEtcdV2: false };
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  return {
    error: String(o.error ?? ''),
    scope: str(o.scope),
    namespace: str(o.namespace),
    name: str(o.name),
    dataDir: str(o.data_dir),
    binDir: str(o.bin_dir),
    pgPort: portOf(o.pg_listen, 5432),
    restPort: portOf(o.rest_listen, 8008),
    etcd3: String(o.etcd3 ?? ''),
    hasEtcdV2: o.has_etcd_v2 === true,
  };
}

function parseData(text: string): PatroniFacts['data'] {
  const first = text.split('\n')[0]?.trim();
  const state = first === 'empty' || first === 'nonempty' ? first : 'missing';
  const cd = parseControlData(text);
  return { state, pgVersion: /^V (\S+)/m.exec(text)?.[1], systemId: cd.systemId, clusterState: cd.state };
}

function parseRest(p: PatroniBootstrapParams, text: string): PatroniFacts['rest'] {
  const http = parseHttp(text);
  const get = (x: string): { status: number; body: string } => http[`${restUrl(p)}/${x}`] ?? { status: 0, body: '' };
  const codes: Record<string, number> = {};
  for (const x of REST_PATHS) codes[x] = get(x).status;
  return { status: parsePatroniStatus(get('patroni').body), members: parseClusterMembers(get('cluster').body), codes };
}

/** Pure: the facts from the sections' output. */
export function parsePatroniFacts(p: PatroniBootstrapParams, map: SectionMap): PatroniFacts {
  const init = section(map, 'init');
  const leader = section(map, 'leader');
  const versions = Object.entries(parseHttp(section(map, 'version').stdout)).map(([url, r]) => ({
    endpoint: url.replace(/\/version$/, ''),
    cluster: r.status === 200 ? parseEtcdVersion(r.body).cluster : undefined,
  }));
  const etcdOk = init.rc === 0;
  return {
    config: parseConfigFacts(section(map, 'cfg').stdout),
    etcd: {
      initialize: etcdOk ? init.stdout.trim() || undefined : undefined,
      leader: leader.rc === 0 ? leader.stdout.trim() || undefined : undefined,
      error: etcdOk ? undefined : lastError(init.stderr) || `etcdctl get failed (rc ${init.rc})`,
      versions,
    },
    data: parseData(section(map, 'data').stdout),
    binMajor: parsePostgresMajor(section(map, 'binver').stdout),
    service: { active: section(map, 'active').stdout.trim() || 'unknown', enabled: section(map, 'enabled').stdout.trim() === 'enabled' },
    rest: parseRest(p, section(map, 'rest').stdout),
    listeners: parseSsListeners(section(map, 'ss').stdout),
    debianClusters: parsePgLsclusters(section(map, 'debian').stdout),
  };
}

export async function probePatroni(ctx: ModuleContext, p: PatroniBootstrapParams): Promise<PatroniFacts> {
  const { prelude, sections } = patroniProbeSections(p);
  return parsePatroniFacts(p, await runSections(ctx, sections, prelude));
}
