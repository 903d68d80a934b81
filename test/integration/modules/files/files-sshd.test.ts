/**
 * The file modules against real sshd hosts (127.0.0.1, high ports) through
 * the engine's SshConnection: apply, idempotence, check mode, one probe
 * round trip per task, hostile path names.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../../../engine/connection/index.js';
import type { Connection } from '../../../../engine/connection/types.js';
import type { AnyModule } from '../../../../engine/module-api.js';
import { blockinfile, copy, fetchModule as fetch, file, getUrl, lineinfile, replace, slurp, stat, template, unarchive } from '../../../../modules/files/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../../helpers/sshd.js';
import { replan, runModule, type TestCtxOptions } from '../../../helpers/module-context-files.js';

const WEIRD = ['sp ace', "quo'te", 'dollar$(touch PWNED)', 'back`touch PWNED`tick', 'semi;colon', 'new\nline'];

describe.skipIf(!sshdAvailable())('file modules over ssh', () => {
  let harness: SshdHarness;
  const conns: Connection[] = [];
  let ctl = '';

  beforeAll(async () => {
    harness = await startSshdHosts(2, { prefix: 'files' });
    for (const h of harness.hosts) {
      const conn = new SshConnection({
        host: h.name, address: '127.0.0.1', port: h.port, username: 'root',
        privateKeyFile: harness.keyPath, knownHostsFiles: [harness.knownHostsPath],
      });
      await conn.connect();
      conns.push(conn);
    }
    ctl = mkdtempSync(join(tmpdir(), 'tsplay-ctl-'));
    mkdirSync(join(ctl, 'templates'));
    mkdirSync(join(ctl, 'files', 'tree', 'sub'), { recursive: true });
    writeFileSync(join(ctl, 'templates', 'hosts.j2'), '{% for h in peers %}{{ h }}\n{% endfor %}');
    writeFileSync(join(ctl, 'files', 'tree', 'a'), 'a\n');
    writeFileSync(join(ctl, 'files', 'tree', 'sub', 'b'), 'b\n');
    execFileSync('tar', ['-C', join(ctl, 'files', 'tree'), '-czf', join(ctl, 'files', 'tree.tgz'), '.']);
  });

  afterAll(async () => {
    for (const c of conns) await c.close();
    harness?.stop();
  });

  const opts = (i: number, extra: Partial<TestCtxOptions> = {}): TestCtxOptions => ({ conn: conns[i]!, host: harness.hosts[i]!.name, baseDir: ctl, ...extra });

  it('converges a small config on every host, then nothing changes, in one probe command per task', async () => {
    await Promise.all(
      harness.hosts.map(async (h, i) => {
        const etc = join(h.dir, 'etc app');
        const tasks: [AnyModule, Record<string, unknown>][] = [
          [file, { path: etc, state: 'directory', mode: '0750' }],
          [copy, { content: 'port = 5432\n#listen = x\n', dest: join(etc, 'app.conf'), mode: 420, force: false }],
          [lineinfile, { path: join(etc, 'app.conf'), regexp: '^#?listen', line: "listen = '*'" }],
          [blockinfile, { path: join(etc, 'app.conf'), block: `host = ${h.name}` }],
          [replace, { path: join(etc, 'app.conf'), regexp: '^port = (5432)$', replace: 'port = \\g<1>0' }],
          [template, { src: 'hosts.j2', dest: join(etc, 'peers'), mode: 'u=rw,g=r,o=' }],
          [copy, { src: 'tree', dest: etc }],
          [file, { src: 'app.conf', dest: join(etc, 'link'), state: 'link' }],
        ];
        const o = opts(i, { vars: { peers: harness.hosts.map((x) => x.name) } });
        for (const [mod, params] of tasks) expect((await runModule(mod, params, o)).changed).toBe(true);
        for (const [mod, params] of tasks) {
          const before = conns[i]!.stats().commands;
          expect((await replan(mod, params, o)).changes).toEqual([]);
          expect(conns[i]!.stats().commands - before).toBe(1);
        }
        expect(readFileSync(join(etc, 'app.conf'), 'utf8')).toBe(
          `port = 54320\nlisten = '*'\n# BEGIN ANSIBLE MANAGED BLOCK\nhost = ${h.name}\n# END ANSIBLE MANAGED BLOCK\n`,
        );
        expect(readFileSync(join(etc, 'peers'), 'utf8')).toBe('files0\nfiles1\n');
        expect(statSync(join(etc, 'peers')).mode & 0o777).toBe(0o640);
        expect(readFileSync(join(etc, 'tree', 'sub', 'b'), 'utf8')).toBe('b\n');
      }),
    );
  });

  it('check mode changes nothing on the host', async () => {
    const d = join(harness.hosts[0]!.dir, 'check');
    mkdirSync(d);
    writeFileSync(join(d, 'f'), 'x\n');
    const o = opts(0, { check: true });
    for (const [mod, params] of [
      [copy, { content: 'y\n', dest: join(d, 'f') }],
      [lineinfile, { path: join(d, 'f'), line: 'z' }],
      [file, { path: join(d, 'f'), state: 'absent' }],
      [file, { path: join(d, 'new'), state: 'directory' }],
      [unarchive, { src: 'tree.tgz', dest: d }],
      [getUrl, { url: `file://${join(d, 'f')}`, dest: join(d, 'dl') }],
    ] as const) {
      expect((await runModule(mod, params as Record<string, unknown>, o)).changed).toBe(true);
    }
    expect(readdirSync(d)).toEqual(['f']);
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('x\n');
  });

  it('stat, slurp, fetch, get_url, unarchive over ssh', async () => {
    const h = harness.hosts[1]!;
    const d = join(h.dir, 'xfer');
    mkdirSync(d);
    writeFileSync(join(d, 'data'), 'secret-ish\n', { mode: 0o600 });
    expect((await runModule(stat, { path: join(d, 'data') }, opts(1))).plan.data!.stat).toMatchObject({ exists: true, mode: '0600', isreg: true });
    expect((await runModule(slurp, { src: join(d, 'data') }, opts(1))).plan.data!.content).toBe(Buffer.from('secret-ish\n').toString('base64'));
    await runModule(fetch, { src: join(d, 'data'), dest: join(ctl, 'fetched') }, opts(1));
    expect(readFileSync(join(ctl, 'fetched', h.name, d, 'data'), 'utf8')).toBe('secret-ish\n');
    expect((await replan(fetch, { src: join(d, 'data'), dest: join(ctl, 'fetched') }, opts(1))).changes).toEqual([]);
    await runModule(getUrl, { url: `file://${join(d, 'data')}`, dest: join(d, 'copy') }, opts(1));
    expect(readFileSync(join(d, 'copy'), 'utf8')).toBe('secret-ish\n');
    mkdirSync(join(d, 'x'));
    expect((await runModule(unarchive, { src: 'tree.tgz', dest: join(d, 'x') }, opts(1))).changed).toBe(true);
    expect(readFileSync(join(d, 'x', 'sub', 'b'), 'utf8')).toBe('b\n');
    expect((await replan(unarchive, { src: 'tree.tgz', dest: join(d, 'x') }, opts(1))).changes).toEqual([]);
  });

  it('hostile names survive every module over ssh', async () => {
    const base = join(harness.hosts[0]!.dir, 'weird');
    mkdirSync(base);
    for (const name of WEIRD) {
      const p = join(base, name);
      await runModule(file, { path: p, state: 'directory' }, opts(0));
      await runModule(copy, { content: 'k=1\n', dest: join(p, name), backup: true, validate: 'test -s %s' }, opts(0));
      await runModule(copy, { content: 'k=2\n', dest: join(p, name), backup: true }, opts(0));
      await runModule(lineinfile, { path: join(p, name), regexp: '^k=', line: 'k=3' }, opts(0));
      await runModule(replace, { path: join(p, name), regexp: '3', replace: '4' }, opts(0));
      expect(readFileSync(join(p, name), 'utf8')).toBe('k=4\n');
      expect((await runModule(stat, { path: join(p, name) }, opts(0))).plan.data!.stat).toMatchObject({ exists: true, size: 4 });
      expect(readdirSync(p).filter((f) => f.includes('~')).length).toBe(1);
      await runModule(file, { path: p, state: 'absent' }, opts(0));
      expect(existsSync(p)).toBe(false);
    }
    expect(readdirSync(base)).toEqual([]);
    expect(existsSync(join(harness.hosts[0]!.dir, 'PWNED'))).toBe(false);
  });
});
