/** Lab topology: which hosts, in which inventory groups. */
import type { Node } from 'yaml';
import { isMap, isSeq, isScalar } from 'yaml';
import { TsplayError } from '../errors.js';
import { positionAt, readYamlFile, type YamlDoc } from '../yaml.js';
import { isValidHostName } from './paths.js';

export interface TopologyHost {
  name: string;
  groups: string[];
}

export interface Topology {
  hosts: TopologyHost[];
}

export const MAX_HOSTS = 32;
/** Groups every default host is in: an all-in-one cluster node. */
export const ALL_IN_ONE_GROUPS = ['etcd', 'patroni', 'haproxy'];
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_GROUPS = new Set(['all', 'ungrouped', 'lab']);

/**
 * N all-in-one hosts: node1..nodeN in the default lab, LAB-1..LAB-N in the
 * others, so that labs up at the same time never share a host (link) name.
 */
export function defaultTopology(count: number, lab = 'lab'): Topology {
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new TsplayError('TSPLAY_LAB', `--hosts must be a whole number from 1 to ${MAX_HOSTS}, got ${count}`, {
      hint: 'each host uses about 150 MB of memory with the cluster running',
    });
  }
  return { hosts: Array.from({ length: count }, (_, i) => ({ name: lab === 'lab' ? `node${i + 1}` : `${lab}-${i + 1}`, groups: [...ALL_IN_ONE_GROUPS] })) };
}

export async function loadTopology(file: string): Promise<Topology> {
  const doc = await readYamlFile(file);
  return topologyFromYaml(doc);
}

function fail(doc: YamlDoc, path: (string | number)[], message: string, hint?: string): never {
  throw new TsplayError('TSPLAY_LAB', message, { source: positionAt(doc, path), hint });
}

/** Reads `hosts: [{name, groups: [...]}]`, with positions in the errors. */
export function topologyFromYaml(doc: YamlDoc): Topology {
  const root = doc.doc.contents as Node | null;
  const hostsNode = isMap(root) ? root.get('hosts', true) : undefined;
  if (!isSeq(hostsNode) || hostsNode.items.length === 0) {
    fail(doc, [], 'a topology needs a non-empty `hosts:` list', 'hosts: [{name: pg1, groups: [etcd, patroni]}]');
  }
  const hosts = hostsNode.items.map((item, i) => hostFromYaml(doc, item as Node, i));
  checkHosts(hosts, (i, msg) => fail(doc, ['hosts', i], msg));
  return { hosts };
}

function hostFromYaml(doc: YamlDoc, item: Node, i: number): TopologyHost {
  if (!isMap(item)) fail(doc, ['hosts', i], 'each host is a mapping with `name` and `groups`');
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'name' && key !== 'groups') fail(doc, ['hosts', i, key], `unknown key "${key}" in a topology host`, 'allowed: name, groups');
  }
  const name = item.get('name');
  if (typeof name !== 'string') fail(doc, ['hosts', i], 'host needs a `name` (a string)');
  const groupsNode = item.get('groups', true);
  const groups: string[] = [];
  if (groupsNode !== undefined) {
    if (!isSeq(groupsNode)) fail(doc, ['hosts', i, 'groups'], '`groups` must be a list of group names');
    for (const g of groupsNode.items) groups.push(String(isScalar(g) ? g.value : g));
  }
  return { name, groups };
}

/** Name rules shared by YAML topologies and ones given through the API. */
export function checkHosts(hosts: TopologyHost[], report: (index: number, message: string) => never): void {
  if (hosts.length > MAX_HOSTS) report(MAX_HOSTS, `at most ${MAX_HOSTS} hosts in a lab`);
  const seen = new Set<string>();
  hosts.forEach((h, i) => {
    if (!isValidHostName(h.name)) {
      report(i, `invalid host name "${h.name}": 1-12 lowercase letters, digits or '-', starting with a letter (nspawn names its link vb-NAME, at most 15 characters)`);
    }
    if (seen.has(h.name)) report(i, `host "${h.name}" appears twice`);
    seen.add(h.name);
    for (const g of h.groups) {
      if (!GROUP_NAME.test(g) || RESERVED_GROUPS.has(g)) report(i, `invalid group name "${g}" for host ${h.name}`);
    }
  });
}

export function validateTopology(t: Topology): Topology {
  checkHosts(t.hosts, (_i, msg) => {
    throw new TsplayError('TSPLAY_LAB', msg);
  });
  if (t.hosts.length === 0) throw new TsplayError('TSPLAY_LAB', 'a topology needs at least one host');
  return t;
}
