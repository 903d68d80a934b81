import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.js';
import { clusterEndpoints, etcdctl, localEndpoints } from '../../../../modules/ha/etcdctl.js';
import { parseConfigFacts } from '../../../../modules/ha/patroni-probe.js';
import { configPrelude, httpGetUrls, parseHttp } from '../../../../modules/ha/patroni-scripts.js';
import { parseSections, sectionsScript } from '../../../../modules/ha/sections.js';

describe('etcdctl command lines and endpoints', () => {
  it('builds a v3 command with quoted words and TLS files', () => {
    expect(etcdctl({ endpoints: ['https://a:2379', 'https://b:2379'], cacert: '/etc/etcd/ca dir/ca.pem' }, ['member', 'list', '-w', 'json'])).toBe(
      "ETCDCTL_API=3 etcdctl --endpoints=https://a:2379,https://b:2379 --dial-timeout=2s --command-timeout=5s '--cacert=/etc/etcd/ca dir/ca.pem' member list -w json",
    );
  });

  it("leaves this node's own URLs out of the cluster endpoints, unless nothing else remains", () => {
    const own = { peerUrls: ['http://10.0.0.13:2380'], clientUrls: ['http://10.0.0.13:2379'] };
    expect(clusterEndpoints(['http://10.0.0.11:2379', 'http://10.0.0.13:2379', 'http://10.0.0.13:12379'], own)).toEqual(['http://10.0.0.11:2379']);
    expect(clusterEndpoints(['http://10.0.0.13:2379'], own)).toEqual(['http://10.0.0.13:2379']);
    expect(localEndpoints(['https://10.0.0.13:2379'])).toEqual(['https://10.0.0.13:2379', 'https://127.0.0.1:2379']);
    expect(localEndpoints([])).toEqual(['http://127.0.0.1:2379']);
  });
});

describe('Patroni config prelude (python3 + PyYAML, run here)', () => {
  it('reads the fields the probe needs, never a password, and sets shell variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ha-cfg-'));
    const cfg = join(dir, "con'fig.yml");
    writeFileSync(cfg, [
      'scope: pg-main', 'name: node1', 'restapi: {listen: "0.0.0.0:8009"}',
      'etcd3: {hosts: ["10.0.0.1:2379", "10.0.0.2:2379"], protocol: https}',
      'postgresql:', '  listen: "*:5433"', '  data_dir: /data/pg 15', '  bin_dir: /usr/lib/postgresql/15/bin',
      '  authentication: {superuser: {username: postgres, password: "s3cr3t-pw"}}', '',
    ].join('\n'));
    const script = sectionsScript(
      [
        { key: 'cfg', script: 'printf %s "$cfg_json"' },
        { key: 'vars', script: 'printf "%s|%s|%s" "$data_dir" "$etcd_endpoints" "$dcs_prefix"' },
      ],
      configPrelude({ config: cfg, namespace: '/ha/' }),
    );
    const conn = new LocalConnection('localhost');
    const r = await conn.run(script);
    await conn.close();
    expect(r.stdout + r.stderr).not.toMatch(/s3cr3t/);
    const map = parseSections(r.stdout);
    expect(parseConfigFacts(map.cfg!.stdout)).toEqual({
      error: '', scope: 'pg-main', namespace: undefined, name: 'node1', dataDir: '/data/pg 15', binDir: '/usr/lib/postgresql/15/bin',
      pgPort: 5433, restPort: 8009, etcd3: 'https://10.0.0.1:2379,https://10.0.0.2:2379', hasEtcdV2: false,
    });
    expect(map.vars!.stdout).toBe('/data/pg 15|https://10.0.0.1:2379,https://10.0.0.2:2379|/ha/pg-main');
  });

  it('reports a missing config as an error, not a crash', async () => {
    const conn = new LocalConnection('localhost');
    const r = await conn.run(sectionsScript([{ key: 'cfg', script: 'printf %s "$cfg_json"' }], configPrelude({ config: '/nonexistent/patroni.yml' })));
    await conn.close();
    expect(parseConfigFacts(parseSections(r.stdout).cfg!.stdout).error).toMatch(/^FileNotFoundError/);
  });

  it('GETs URLs with python3 (no curl needed): unanswered ones read as status 0', async () => {
    const conn = new LocalConnection('localhost');
    const r = await conn.run(httpGetUrls(['http://127.0.0.1:9/patroni']));
    await conn.close();
    expect(parseHttp(r.stdout)['http://127.0.0.1:9/patroni']?.status).toBe(0);
    expect(parseHttp('not json')).toEqual({});
  });
});
