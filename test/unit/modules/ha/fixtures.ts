/** Recorded outputs from the lab (test/fixtures/ha) and facts built from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEndpointHealth, parseEndpointStatus, parseMemberList } from '../../../../modules/ha/etcd-json.js';
import type { EtcdMemberFacts } from '../../../../modules/ha/etcd-member-probe.js';

const root = join(import.meta.dirname, '../../../fixtures/ha');

export function fixture(path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** hamod-1 and hamod-2 form the cluster; hamod-3 (10.213.40.13) is the node being added or removed */
export const ENDPOINTS = ['http://10.213.40.11:2379', 'http://10.213.40.12:2379'];
export const NODE3 = { peer_urls: ['http://10.213.40.13:2380'], client_urls: ['http://10.213.40.13:2379'], endpoints: ENDPOINTS };

export interface EtcdFactsOptions {
  list?: string;
  status?: string;
  health?: string;
  local?: Partial<EtcdMemberFacts['local']>;
  localStatus?: string;
}

export function etcdFacts(o: EtcdFactsOptions = {}): EtcdMemberFacts {
  const list = fixture(`etcd/${o.list ?? 'member-list-2.json'}`);
  return {
    clusterEndpoints: ENDPOINTS,
    status: parseEndpointStatus(fixture(`etcd/${o.status ?? 'endpoint-status-2.json'}`)),
    list: parseMemberList(list),
    health: parseEndpointHealth(fixture(`etcd/${o.health ?? 'endpoint-health-2.json'}`)),
    local: {
      active: 'inactive',
      enabled: false,
      dataInitialized: false,
      dataDirExists: false,
      envExists: false,
      envText: '',
      status: o.localStatus ? parseEndpointStatus(fixture(`etcd/${o.localStatus}`))[0] : undefined,
      ...o.local,
    },
  };
}
