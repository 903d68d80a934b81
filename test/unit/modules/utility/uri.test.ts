import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, expectedStatuses, followFlag, uri, uriResult } from '../../../../modules/utility/uri.js';
import { curlConfig, curlQuote, parseCurlOutput } from '../../../../modules/utility/uri-curl.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const planCtx = { host: 'h', check: false, diff: false, noLog: false };
let server: Server;
let base = '';
let posts = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => resolve(s));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/cluster') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Leader': 'pg1' });
      res.end(JSON.stringify({ members: [{ name: 'pg1', role: 'leader' }] }));
    } else if (req.url === '/echo') {
      if (req.method === 'POST') posts++;
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, body, ctype: req.headers['content-type'], auth: req.headers.authorization ?? null, custom: req.headers['x-custom'] ?? null }));
    } else if (req.url === '/moved') {
      res.writeHead(302, { Location: '/cluster' });
      res.end();
    } else {
      res.writeHead(503, 'Service Unavailable', { 'Content-Type': 'text/plain' });
      res.end('replica');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const NASTY = `it's "q" $(id) \`id\`; x\\y\nline2\ttab @file`;

describe('uri planner and helpers', () => {
  it('encodes bodies and headers per body_format', () => {
    expect(buildRequest({ url: 'http://x', method: 'post', body: { a: 1 }, body_format: 'json' })).toMatchObject({
      method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' },
    });
    expect(buildRequest({ url: 'http://x', body: { a: 'b c', d: '&' }, body_format: 'form-urlencoded' }).body).toBe('a=b+c&d=%26');
    expect(buildRequest({ url: 'http://x', body: 'x', headers: { 'content-type': 'text/plain' }, body_format: 'json' }).headers).toEqual({ 'content-type': 'text/plain' });
  });
  it('quotes the curl config and refuses header injection', () => {
    expect(curlQuote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(curlConfig({ url: 'http://x', method: 'HEAD', headers: {} })).toBe('url = "http://x"\nhead\n');
    expect(() => curlConfig({ url: 'http://x', method: 'GET', headers: { A: 'b\r\nEvil: 1' } })).toThrow(/line break/);
  });
  it('status codes, redirects policy', () => {
    expect(expectedStatuses({ url: '', status_code: [200, '201'] })).toEqual([200, 201]);
    expect(expectedStatuses({ url: '', status_code: '200, 202' })).toEqual([200, 202]);
    expect(followFlag({ url: '' }, 'GET')).toBe(true);
    expect(followFlag({ url: '' }, 'POST')).toBe(false);
    expect(followFlag({ url: '', follow_redirects: 'all' }, 'POST')).toBe(true);
  });
  it('parses recorded curl output with a redirect chain; uses the last header block', () => {
    const out = 'M:rc 0\nM:w 200 1 http://h/cluster\nM:headers\nHTTP/1.1 302 Found\r\nLocation: /cluster\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n\nM:body\n{}';
    const r = parseCurlOutput(out, 'M');
    expect(r).toMatchObject({ rc: 0, status: 200, redirects: 1, url: 'http://h/cluster', reason: 'OK', body: '{}' });
    expect(r.headers).toEqual({ 'content-type': 'application/json', 'content-length': '2' });
    expect(uriResult({ url: 'http://h/moved' }, { response: r })).toMatchObject({ status: 200, json: {}, redirected: true, content_type: 'application/json', msg: 'OK (2 bytes)' });
  });
  it('plans nothing for a probed GET (idempotent) and an unpredictable POST', () => {
    expect(uri.plan({ url: 'http://x', method: 'POST' }, {}, planCtx)).toMatchObject({ changes: ['POST http://x'], unpredictable: 'POST request would be sent' });
  });
});

describe('uri on a real host (curl via LocalConnection)', () => {
  it('GET returns status, json and headers', async () => {
    const { result } = await runModule(uri, { url: `${base}/cluster` }, makeTestContext());
    expect(result).toMatchObject({ status: 'ok', data: { status: 200, json: { members: [{ name: 'pg1', role: 'leader' }] }, x_leader: 'pg1', redirected: false } });
    expect(result.data.content).toBeUndefined();
  });
  it('follows redirects for GET and returns content when asked', async () => {
    const { result } = await runModule(uri, { url: `${base}/moved`, return_content: true }, makeTestContext());
    expect(result.data).toMatchObject({ status: 200, redirected: true, url: `${base}/cluster` });
    expect(result.data.content).toContain('leader');
  });
  it('POST sends a body with metacharacters exactly, with headers and basic auth; password never shown', async () => {
    const ctx = makeTestContext();
    const { result } = await runModule(uri, {
      url: `${base}/echo`, method: 'POST', body: NASTY, headers: { 'X-Custom': NASTY.replace(/\n/g, ' ') }, status_code: [201],
      user: 'admin', password: 'pa:ss"w0rd',
    }, ctx);
    expect(result.status).toBe('ok');
    const echoed = result.data.json as Record<string, string>;
    expect(echoed.body).toBe(NASTY);
    expect(echoed.custom).toBe(NASTY.replace(/\n/g, ' '));
    expect(echoed.auth).toBe(`Basic ${Buffer.from('admin:pa:ss"w0rd').toString('base64')}`);
    expect(JSON.stringify(result)).not.toContain('pa:ss"w0rd');
  });
  it('json and form bodies', async () => {
    const j = await runModule(uri, { url: `${base}/echo`, method: 'PUT', body: { leader: 'pg1' }, body_format: 'json', status_code: 201 }, makeTestContext());
    expect(j.result.data.json).toMatchObject({ method: 'PUT', body: '{"leader":"pg1"}', ctype: 'application/json' });
    const f = await runModule(uri, { url: `${base}/echo`, method: 'POST', body: { a: 'x y' }, body_format: 'form-urlencoded', status_code: 201 }, makeTestContext());
    expect(f.result.data.json).toMatchObject({ body: 'a=x+y', ctype: 'application/x-www-form-urlencoded' });
  });
  it('check mode: skipped, nothing sent (GET or POST)', async () => {
    const before = posts;
    const ctx = makeTestContext({ check: true });
    expect((await runModule(uri, { url: `${base}/echo`, method: 'POST', body: 'x' }, ctx)).result.status).toBe('skipped');
    expect((await runModule(uri, { url: `${base}/cluster` }, ctx)).result.status).toBe('skipped');
    expect(posts).toBe(before);
    expect(ctx.conn.stats().commands).toBe(0);
  });
  it('fails on an unexpected status with the response registered', async () => {
    const { result } = await runModule(uri, { url: `${base}/replica` }, makeTestContext());
    expect(result).toMatchObject({ status: 'failed', msg: 'Status code was 503 and not [200]: HTTP Error 503: Service Unavailable', data: { status: 503 } });
    expect((await runModule(uri, { url: `${base}/replica`, status_code: [200, 503] }, makeTestContext())).result.status).toBe('ok');
  });
  it('fails with status -1 when nothing answers', async () => {
    const { result } = await runModule(uri, { url: 'http://127.0.0.1:1/', timeout: 3 }, makeTestContext());
    expect(result.status).toBe('failed');
    expect(result.data.status).toBe(-1);
    expect(result.msg).toMatch(/^Status code was -1 and not \[200\]: Request failed: curl: \(7\)/);
  });
});
