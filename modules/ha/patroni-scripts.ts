/**
 * Shell and Python fragments run on Patroni hosts. Python 3 and PyYAML are
 * there wherever Patroni is (it depends on them); curl may not be.
 */
import { shellJoin, shellQuote } from '../../engine/connection/types.js';

/**
 * Reads the Patroni config and prints shell assignments: the fields the probe
 * needs as variables (data_dir, bin_dir, cfg_etcd) and all of them as JSON
 * (cfg_json). Never prints a password.
 */
const CONFIG_PY = String.raw`
import json, shlex, sys
out = {'error': ''}
try:
    import yaml
    with open(sys.argv[1]) as f:
        c = yaml.safe_load(f) or {}
except Exception as e:
    c = {}
    out['error'] = type(e).__name__ + ': ' + str(e)
pg = c.get('postgresql') or {}
rest = c.get('restapi') or {}
e3 = c.get('etcd3') or {}
hosts = e3.get('hosts') or e3.get('host') or ''
if isinstance(hosts, list):
    hosts = ','.join(str(h) for h in hosts)
proto = e3.get('protocol') or 'http'
endpoints = ','.join(h if '://' in h else proto + '://' + h for h in str(hosts).split(',') if h.strip())
out.update({'scope': c.get('scope'), 'namespace': c.get('namespace'), 'name': c.get('name'),
            'data_dir': pg.get('data_dir'), 'bin_dir': pg.get('bin_dir'), 'pg_listen': pg.get('listen'),
            'rest_listen': rest.get('listen'), 'etcd3': endpoints, 'has_etcd_v2': 'etcd' in c})
scope = sys.argv[2] or str(out['scope'] or '')
ns = '/' + (sys.argv[3] or str(out['namespace'] or '/service/')).strip('/')
print('data_dir=' + shlex.quote(str(out['data_dir'] or '')))
print('bin_dir=' + shlex.quote(str(out['bin_dir'] or '')))
print('etcd_endpoints=' + shlex.quote(sys.argv[4] or endpoints))
print('dcs_prefix=' + shlex.quote((ns if ns != '/' else '') + '/' + scope))
print('cfg_json=' + shlex.quote(json.dumps(out)))
`;

/** GET each URL given as an argument; prints {url: [status, body]} (status 0: no answer). */
const HTTP_PY = String.raw`
import json, os, ssl, sys, urllib.request, urllib.error
ctx = None
if os.environ.get('HA_CACERT') or os.environ.get('HA_CERT'):
    ctx = ssl.create_default_context(cafile=os.environ.get('HA_CACERT') or None)
    if os.environ.get('HA_CERT'):
        ctx.load_cert_chain(os.environ['HA_CERT'], os.environ.get('HA_KEY') or None)
out = {}
for url in sys.argv[1:]:
    try:
        r = urllib.request.urlopen(url, timeout=3, context=ctx if url.startswith('https') else None)
        out[url] = [r.status, r.read().decode('utf-8', 'replace')]
    except urllib.error.HTTPError as e:
        out[url] = [e.code, e.read().decode('utf-8', 'replace')]
    except Exception as e:
        out[url] = [0, type(e).__name__ + ': ' + str(e)]
print(json.dumps(out))
`;

function heredoc(tag: string, body: string): string {
  return `<<'${tag}'\n${body.trim()}\n${tag}`;
}

export interface PreludeOptions {
  config: string;
  /** overrides of the config's scope, namespace and etcd3 hosts */
  scope?: string;
  namespace?: string;
  etcdEndpoints?: readonly string[];
}

/**
 * Sets data_dir, bin_dir, etcd_endpoints, dcs_prefix (/service/SCOPE) and
 * cfg_json from the config file and the overrides.
 */
export function configPrelude(o: PreludeOptions): string {
  const args = [o.config, o.scope ?? '', o.namespace ?? '', (o.etcdEndpoints ?? []).join(',')].map(shellQuote).join(' ');
  return `eval "$(python3 - ${args} ${heredoc('HA_CFG_PY', CONFIG_PY)}\n)"`;
}

export interface HttpTls {
  cacert?: string;
  cert?: string;
  key?: string;
}

/** python3 GETs of `urls` (words already quoted, or "$var"-style expansions); JSON on stdout */
export function httpGet(urlWords: string[], tls: HttpTls = {}): string {
  const env = [
    tls.cacert ? `HA_CACERT=${shellQuote(tls.cacert)}` : '',
    tls.cert ? `HA_CERT=${shellQuote(tls.cert)}` : '',
    tls.key ? `HA_KEY=${shellQuote(tls.key)}` : '',
  ].filter(Boolean);
  return `${env.join(' ')}${env.length ? ' ' : ''}python3 - ${urlWords.join(' ')} ${heredoc('HA_HTTP_PY', HTTP_PY)}`;
}

/** GETs of fixed URLs */
export function httpGetUrls(urls: readonly string[], tls: HttpTls = {}): string {
  return httpGet(urls.map(shellQuote), tls);
}

/** parses httpGet's output */
export function parseHttp(text: string): Record<string, { status: number; body: string }> {
  const out: Record<string, { status: number; body: string }> = {};
  try {
    const doc = JSON.parse(text) as Record<string, [number, string]>;
    for (const [url, v] of Object.entries(doc)) out[url] = { status: Number(v[0]), body: String(v[1]) };
  } catch {
    // no output: every URL reads as unanswered
  }
  return out;
}

/** etcdctl against "$etcd_endpoints" (set by the probe's prelude) */
export function etcdctlVar(args: readonly string[], tls: HttpTls = {}): string {
  const opts = ['--dial-timeout=2s', '--command-timeout=4s'];
  if (tls.cacert) opts.push(`--cacert=${tls.cacert}`);
  if (tls.cert) opts.push(`--cert=${tls.cert}`);
  if (tls.key) opts.push(`--key=${tls.key}`);
  return `ETCDCTL_API=3 etcdctl --endpoints="$etcd_endpoints" ${shellJoin([...opts, ...args])}`;
}

/** etcdctl get "$dcs_prefix/LEAF" --print-value-only */
export function getDcsKey(leaf: string, tls: HttpTls = {}): string {
  return `${etcdctlVar(['get', '--print-value-only'], tls)} "$dcs_prefix"/${shellQuote(leaf)}`;
}
