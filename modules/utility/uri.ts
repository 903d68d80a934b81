import { randomBytes } from 'node:crypto';
import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { CURL_SCRIPT, curlConfig, parseCurlOutput, type CurlOutput, type UriRequest } from './uri-curl.js';

export interface UriParams {
  url: string;
  method?: string;
  body?: unknown;
  body_format?: 'json' | 'form-urlencoded' | 'raw';
  headers?: Record<string, string | number | boolean>;
  status_code?: number | string | (number | string)[];
  return_content?: boolean;
  timeout?: number;
  validate_certs?: boolean;
  user?: string;
  password?: string;
  url_username?: string;
  url_password?: string;
  force_basic_auth?: boolean;
  follow_redirects?: 'all' | 'safe' | 'none' | 'urllib2' | 'yes' | 'no' | boolean;
}

interface UriFacts {
  /** the response, when the request was made during the probe (safe methods) */
  response?: CurlOutput;
  /** curl's error text (stderr) */
  error?: string;
  elapsed?: number;
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export function buildRequest(p: UriParams): UriRequest {
  const method = (p.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.headers ?? {})) headers[k] = String(v);
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  let body: string | undefined;
  const format = p.body_format ?? 'raw';
  if (p.body !== undefined && p.body !== null) {
    if (format === 'json') {
      body = typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
      if (!has('content-type')) headers['Content-Type'] = 'application/json';
    } else if (format === 'form-urlencoded') {
      body = typeof p.body === 'string' ? p.body : formEncode(p.body);
      if (!has('content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      body = typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
    }
  }
  const user = p.user ?? p.url_username;
  return { url: p.url, method, headers, body, user, password: p.password ?? p.url_password };
}

function formEncode(body: unknown): string {
  const pairs = Array.isArray(body) ? (body as [unknown, unknown][]) : Object.entries(body as Record<string, unknown>);
  return new URLSearchParams(pairs.map(([k, v]): [string, string] => [String(k), String(v)])).toString();
}

export function followFlag(p: UriParams, method: string): boolean {
  const f = p.follow_redirects ?? 'safe';
  if (f === 'all' || f === 'yes' || f === 'urllib2' || f === true) return true;
  if (f === 'safe') return SAFE_METHODS.includes(method);
  return false;
}

export function expectedStatuses(p: UriParams): number[] {
  const s = p.status_code ?? [200];
  return (Array.isArray(s) ? s : String(s).split(',')).map((x) => Number(String(x).trim()));
}

async function request(ctx: ModuleContext, p: UriParams): Promise<UriFacts> {
  const req = buildRequest(p);
  const marker = `@@tsplay-${randomBytes(6).toString('hex')}`;
  const flags = ['--compressed', '--max-time', String(p.timeout ?? 30)];
  if (followFlag(p, req.method)) flags.push('-L');
  if (p.validate_certs === false) flags.push('-k');
  const secrets = req.password ? [req.password] : [];
  const started = Date.now();
  const res = await ctx.run(['sh', '-c', CURL_SCRIPT, 'tsplay-uri', marker, ...flags], {
    stdin: curlConfig(req), secrets, timeoutMs: ((p.timeout ?? 30) + 10) * 1000,
  });
  if (res.rc === 98) throw new ModuleFailure('uri: cannot create temporary files on the host', { command: res });
  return { response: parseCurlOutput(res.stdout, marker), error: res.stderr.trim(), elapsed: Math.round((Date.now() - started) / 1000) };
}

/** The registered values and whether the status was expected (pure). */
export function uriResult(p: UriParams, facts: UriFacts): Record<string, unknown> {
  const r = facts.response!;
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.headers)) data[k.replace(/-/g, '_')] = v;
  Object.assign(data, { status: r.rc === 0 ? r.status : -1, url: r.url || p.url, redirected: r.redirects > 0, elapsed: facts.elapsed ?? 0 });
  if (r.rc !== 0) {
    data.msg = `Status code was -1 and not [${expectedStatuses(p).join(', ')}]: Request failed: ${facts.error || `curl exit ${r.rc}`}`;
    return data;
  }
  if (p.return_content) data.content = r.body;
  if (/json/i.test(r.headers['content-type'] ?? '') && r.body.trim() !== '') {
    try {
      data.json = JSON.parse(r.body);
    } catch {
      // not JSON after all: content is still there when asked for
    }
  }
  data.msg = expectedStatuses(p).includes(r.status)
    ? `OK (${r.headers['content-length'] ?? Buffer.byteLength(r.body)} bytes)`
    : `Status code was ${r.status} and not [${expectedStatuses(p).join(', ')}]: HTTP Error ${r.status}: ${r.reason}`;
  return data;
}

function checked(p: UriParams, facts: UriFacts): Record<string, unknown> {
  const data = uriResult(p, facts);
  if (!expectedStatuses(p).includes(data.status as number)) throw new ModuleFailure(String(data.msg), { data });
  return data;
}

export const uri = defineModule<UriParams, UriFacts>({
  name: 'uri',
  aliases: ['ansible.builtin.uri'],
  doc: {
    short: 'Call an HTTP API from the host with curl',
    description:
      'Runs curl on the host (for APIs only reachable there, like Patroni\'s REST API). URL, headers, credentials and body ' +
      'travel in a curl config on stdin, never on a command line. Skipped in check mode, as in Ansible (`check_mode: false` ' +
      'sends it anyway). Fails when the status is not in status_code; the response is registered either way. Reports ok (not changed).',
    examples: [
      '- uri:', '    url: http://127.0.0.1:8008/cluster', '    return_content: true', '  register: cluster',
      '- uri:', '    url: http://127.0.0.1:8008/switchover', '    method: POST', '    body_format: json',
      '    body: { leader: pg1, candidate: pg2 }', '    status_code: [200, 202]',
    ].join('\n'),
    returns: { status: 'HTTP status (-1 when no response)', content: 'the body (return_content)', json: 'the parsed body when it is JSON', redirected: 'whether redirects were followed', url: 'the final URL', msg: 'summary' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*://', description: 'The URL (http:// or https://).' },
      method: { type: 'string', pattern: '^[A-Za-z]+$', default: 'GET', description: 'HTTP method.' },
      body: { description: 'Request body: a string, or a mapping/list encoded per body_format.' },
      body_format: { type: 'string', enum: ['json', 'form-urlencoded', 'raw'], default: 'raw', description: 'How to encode body (sets Content-Type).' },
      headers: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: 'Request headers.' },
      status_code: {
        description: 'Accepted status codes (default 200).',
        anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }],
      },
      return_content: { type: 'boolean', default: false, description: 'Return the body as content.' },
      timeout: { type: 'integer', minimum: 1, default: 30, description: 'Seconds for the whole request.' },
      validate_certs: { type: 'boolean', default: true, description: 'Verify TLS certificates.' },
      user: { type: 'string', description: 'User for basic authentication.' },
      password: { type: 'string', description: 'Password for basic authentication (masked everywhere).' },
      url_username: { type: 'string', description: 'Alias of user.' },
      url_password: { type: 'string', description: 'Alias of password.' },
      force_basic_auth: { type: 'boolean', description: 'Accepted: credentials are always sent with the first request.' },
      follow_redirects: {
        description: 'all/yes: follow every redirect; safe (default): only for GET/HEAD/OPTIONS; none/no: never.',
        anyOf: [{ type: 'string', enum: ['all', 'safe', 'none', 'urllib2', 'yes', 'no'] }, { type: 'boolean' }],
      },
    },
  },
  async probe(ctx, p) {
    // check mode: skipped as in Ansible (the API may belong to a service check mode did not start)
    if (ctx.check) return {};
    if (!SAFE_METHODS.includes((p.method ?? 'GET').toUpperCase())) return {};
    return request(ctx, p);
  },
  plan(p, facts, pc) {
    if (pc.check) return { changes: [], skipped: 'uri does not run in check mode (set check_mode: false to send the request)' };
    if (facts.response) return { changes: [], data: checked(p, facts) };
    const method = (p.method ?? 'GET').toUpperCase();
    return { changes: [`${method} ${p.url}`], unpredictable: `${method} request would be sent` };
  },
  async apply(ctx, p) {
    return { changed: false, data: checked(p, await request(ctx, p)) };
  },
});
