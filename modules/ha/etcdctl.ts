/**
 * etcdctl command lines (v3 API, argv arrays quoted once) and the endpoints a
 * module talks to.
 */
import { shellJoin } from '../../engine/connection/types.js';
import { sameUrl, urlHost } from './etcd-json.js';

export interface EtcdTls {
  cacert?: string;
  cert?: string;
  key?: string;
}

export interface EtcdctlOptions extends EtcdTls {
  endpoints: readonly string[];
  /** seconds for one request (etcdctl --command-timeout) */
  commandTimeout?: number;
}

/** `ETCDCTL_API=3 etcdctl --endpoints=... [tls] ARGS` as a shell command */
export function etcdctl(opts: EtcdctlOptions, args: readonly string[]): string {
  const argv = ['etcdctl', `--endpoints=${opts.endpoints.join(',')}`, '--dial-timeout=2s', `--command-timeout=${opts.commandTimeout ?? 5}s`];
  if (opts.cacert) argv.push(`--cacert=${opts.cacert}`);
  if (opts.cert) argv.push(`--cert=${opts.cert}`);
  if (opts.key) argv.push(`--key=${opts.key}`);
  return `ETCDCTL_API=3 ${shellJoin([...argv, ...args])}`;
}

/**
 * The endpoints of the existing members: the given ones minus this node's own
 * (its client URLs, or any URL on the host of its peer URLs), so that a stray
 * or stopped local etcd never answers for the cluster. All of them when that
 * leaves none.
 */
export function clusterEndpoints(endpoints: readonly string[], own: { peerUrls: readonly string[]; clientUrls: readonly string[] }): string[] {
  const ownHosts = new Set(own.peerUrls.map(urlHost).filter((h) => h && h !== '127.0.0.1' && h !== 'localhost'));
  const others = endpoints.filter((e) => !own.clientUrls.some((c) => sameUrl(c, e)) && !ownHosts.has(urlHost(e)));
  return others.length ? others : [...endpoints];
}

/** Where this node's own etcd answers: 127.0.0.1 (the package default listens there) and its client URLs. */
export function localEndpoints(clientUrls: readonly string[]): string[] {
  const scheme = clientUrls[0]?.startsWith('https:') ? 'https' : 'http';
  const all = [...clientUrls, `${scheme}://127.0.0.1:2379`];
  return all.filter((u, i) => all.findIndex((x) => sameUrl(x, u)) === i);
}
