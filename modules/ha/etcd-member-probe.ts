/**
 * etcd_member facts, gathered in one round trip: the cluster as the existing
 * members see it (status per endpoint, member list, health of every started
 * member) and this node (service state, data dir, env file, what its own etcd
 * answers).
 */
import { shellJoin } from '../../engine/connection/types.js';
import type { ModuleContext } from '../../engine/module-api.js';
import {
  parseEndpointHealth, parseEndpointStatus, parseMemberList, tryParse,
  type EndpointHealth, type EndpointStatus, type MemberList,
} from './etcd-json.js';
import { clusterEndpoints, etcdctl, localEndpoints, type EtcdTls } from './etcdctl.js';
import { lastError, runSections, section, type Section, type SectionMap } from './sections.js';

export interface EtcdMemberParams extends EtcdTls {
  name?: string;
  peer_urls: string[];
  client_urls?: string[];
  endpoints: string[];
  state?: 'present' | 'absent';
  learner?: boolean;
  allow_even_size?: boolean;
  env_file?: string;
  data_dir?: string;
  service?: string;
  timeout?: number;
}

export interface EtcdMemberFacts {
  /** endpoints of the existing members (this node's own left out) */
  clusterEndpoints: string[];
  status: EndpointStatus[];
  /** undefined when no endpoint answered */
  list?: MemberList;
  listError?: string;
  health: EndpointHealth[];
  local: {
    /** systemctl is-active: active, inactive, failed, activating... */
    active: string;
    enabled: boolean;
    /** DATA_DIR/member exists: the data dir is initialized */
    dataInitialized: boolean;
    dataDirExists: boolean;
    envExists: boolean;
    envText: string;
    /** what the local etcd answers, when it runs */
    status?: EndpointStatus;
  };
}

export const ETCD_DEFAULTS = { env_file: '/etc/default/etcd', data_dir: '/var/lib/etcd/default', service: 'etcd', timeout: 120 };

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function etcdProbeSections(p: EtcdMemberParams): Section[] {
  const own = { peerUrls: asList(p.peer_urls), clientUrls: asList(p.client_urls) };
  const cluster = clusterEndpoints(asList(p.endpoints), own);
  const svc = p.service ?? ETCD_DEFAULTS.service;
  const data = p.data_dir ?? ETCD_DEFAULTS.data_dir;
  const env = p.env_file ?? ETCD_DEFAULTS.env_file;
  const tls = { cacert: p.cacert, cert: p.cert, key: p.key };
  return [
    { key: 'status', script: etcdctl({ ...tls, endpoints: cluster, commandTimeout: 3 }, ['endpoint', 'status', '-w', 'json']) },
    { key: 'list', script: etcdctl({ ...tls, endpoints: cluster }, ['member', 'list', '-w', 'json']) },
    { key: 'health', script: etcdctl({ ...tls, endpoints: cluster, commandTimeout: 3 }, ['endpoint', 'health', '--cluster', '-w', 'json']) },
    { key: 'active', script: shellJoin(['systemctl', 'is-active', svc]) },
    { key: 'enabled', script: shellJoin(['systemctl', 'is-enabled', svc]) },
    { key: 'data', script: `if [ -d ${shellJoin([`${data}/member`])} ]; then echo member; elif [ -d ${shellJoin([data])} ]; then echo dir; fi` },
    { key: 'env', script: shellJoin(['cat', '--', env]) },
    {
      key: 'localstatus',
      script: `${shellJoin(['systemctl', 'is-active', '-q', svc])} && ${etcdctl({ ...tls, endpoints: localEndpoints(own.clientUrls), commandTimeout: 2 }, ['endpoint', 'status', '-w', 'json'])}`,
    },
  ];
}

/** Pure: the facts from the sections' output. */
export function parseEtcdFacts(p: EtcdMemberParams, map: SectionMap): EtcdMemberFacts {
  const own = { peerUrls: asList(p.peer_urls), clientUrls: asList(p.client_urls) };
  const list = section(map, 'list');
  const parsedList = list.rc === 0 ? tryParse(parseMemberList, list.stdout, undefined) : undefined;
  const localStatus = tryParse(parseEndpointStatus, section(map, 'localstatus').stdout, []).find((s) => s.clusterId);
  const data = section(map, 'data').stdout.trim();
  const env = section(map, 'env');
  return {
    clusterEndpoints: clusterEndpoints(asList(p.endpoints), own),
    status: tryParse(parseEndpointStatus, section(map, 'status').stdout, []),
    list: parsedList,
    listError: parsedList ? undefined : lastError(list.stderr) || `member list printed nothing (rc ${list.rc})`,
    health: tryParse(parseEndpointHealth, section(map, 'health').stdout, []),
    local: {
      active: section(map, 'active').stdout.trim() || 'unknown',
      enabled: section(map, 'enabled').stdout.trim() === 'enabled',
      dataInitialized: data === 'member',
      dataDirExists: data === 'member' || data === 'dir',
      envExists: env.rc === 0,
      envText: env.rc === 0 ? env.stdout : '',
      status: localStatus,
    },
  };
}

export async function probeEtcdMember(ctx: ModuleContext, p: EtcdMemberParams): Promise<EtcdMemberFacts> {
  return parseEtcdFacts(p, await runSections(ctx, etcdProbeSections(p)));
}
