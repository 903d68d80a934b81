/** stat, slurp, fetch, get_url, unarchive: planners and local runs. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModule as fetch, getUrl, slurp, stat, unarchive } from '../../../../modules/files/index.js';
import { fetchDestination } from '../../../../modules/files/fetch.js';
import { downloadCommand, parseChecksum, planGetUrl } from '../../../../modules/files/get-url.js';
import { archiveDiffers, compressionFlag, extractedPaths } from '../../../../modules/files/unarchive.js';
import { missingStat } from '../../../../modules/lib/probe.js';
import { replan, runModule } from '../../../helpers/module-context-files.js';

const dir = () => mkdtempSync(join(tmpdir(), 'tsplay-xfer-'));
const sha = (algo: string, s: string | Buffer) => createHash(algo).update(s).digest('hex');

describe('stat and slurp', () => {
  it('stat returns Ansible keys, follows on request, reports missing', async () => {
    const d = dir();
    writeFileSync(join(d, 'f'), 'abc', { mode: 0o600 });
    symlinkSync('f', join(d, 'l'));
    const r = await runModule(stat, { path: join(d, 'f'), checksum_algorithm: 'sha256', get_mime: true });
    expect(r.changed).toBe(false);
    expect(r.plan.data!.stat).toMatchObject({ exists: true, mode: '0600', isreg: true, size: 3, checksum: sha('sha256', 'abc'), pw_name: 'root', mimetype: 'text/plain' });
    expect((await runModule(stat, { path: join(d, 'l') })).plan.data!.stat).toMatchObject({ islnk: true, lnk_target: 'f', lnk_source: join(d, 'f') });
    expect((await runModule(stat, { path: join(d, 'l'), follow: true })).plan.data!.stat).toMatchObject({ isreg: true, checksum: sha('sha1', 'abc') });
    expect((await runModule(stat, { path: join(d, 'missing') })).plan.data!.stat).toEqual({ exists: false });
  });

  it('slurp returns base64 and fails on a missing file', async () => {
    const d = dir();
    writeFileSync(join(d, 'f'), Buffer.from([0, 1, 2, 255]));
    expect((await runModule(slurp, { src: join(d, 'f') })).plan.data).toEqual({ content: 'AAEC/w==', encoding: 'base64', source: join(d, 'f') });
    await expect(runModule(slurp, { path: join(d, 'nope') })).rejects.toThrow(/file not found/);
  });
});

describe('fetch', () => {
  it("lays files out as dest/HOST/src, or flat", () => {
    expect(fetchDestination({ src: '/etc/x.conf', dest: '/bk' }, 'db1')).toBe('/bk/db1/etc/x.conf');
    expect(fetchDestination({ src: 'rel/x', dest: '/bk' }, 'db1')).toBe('/bk/db1/rel/x');
    expect(fetchDestination({ src: '/etc/x.conf', dest: '/bk/', flat: true }, 'db1')).toBe('/bk/x.conf');
    expect(fetchDestination({ src: '/etc/x.conf', dest: '/bk/y', flat: true }, 'db1')).toBe('/bk/y');
    expect(fetchDestination({ src: '/etc/x.conf', dest: 'bk/', flat: true }, 'db1', '/play')).toBe('/play/bk/x.conf');
    expect(fetchDestination({ src: '/etc/x.conf', dest: 'bk' }, 'db1', '/play')).toBe('/play/bk/db1/etc/x.conf');
  });

  it('fetches, then is idempotent; missing source handling', async () => {
    const d = dir();
    writeFileSync(join(d, 'remote.txt'), 'data\n');
    const params = { src: join(d, 'remote.txt'), dest: join(d, 'ctl') };
    const check = await runModule(fetch, params, { check: true, host: 'web1' });
    expect(check.changed).toBe(true);
    expect(existsSync(join(d, 'ctl'))).toBe(false);
    await runModule(fetch, params, { host: 'web1' });
    expect(readFileSync(join(d, 'ctl', 'web1', d, 'remote.txt'), 'utf8')).toBe('data\n');
    expect((await replan(fetch, params, { host: 'web1' })).changes).toEqual([]);
    await expect(runModule(fetch, { src: join(d, 'nope'), dest: join(d, 'ctl') })).rejects.toThrow(/does not exist/);
    expect((await runModule(fetch, { src: join(d, 'nope'), dest: join(d, 'ctl'), fail_on_missing: false })).changed).toBe(false);
  });
});

describe('get_url', () => {
  let server: Server;
  let base = '';
  const body = 'payload\n';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/missing') {
        res.statusCode = 404;
        res.end();
      } else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => server.close());

  it('plans by existence and checksum', () => {
    const cur = { ...missingStat('/d/f'), exists: true, type: 'file' as const, checksum: sha('sha256', body), mode: 0o644 };
    const facts = { target: '/d/f', current: cur, umask: 0o022, tool: 'curl' as const };
    expect(planGetUrl({ url: 'http://x/f', dest: '/d/f' }, facts).changes).toEqual([]);
    expect(planGetUrl({ url: 'http://x/f', dest: '/d/f', checksum: `sha256:${sha('sha256', body)}` }, facts).changes).toEqual([]);
    expect(planGetUrl({ url: 'http://x/f', dest: '/d/f', checksum: 'sha256:00' }, facts).changes[0]).toMatch(/checksum differs/);
    expect(planGetUrl({ url: 'http://x/f', dest: '/d/f' }, { ...facts, current: missingStat('/d/f') }).changes[0]).toMatch(/missing/);
    expect(() => parseChecksum('crc:12')).toThrow(/ALGORITHM:HEX/);
    expect(downloadCommand({ url: "http://x/a'b", dest: '/d', headers: { A: 'b c' } }, 'curl', '/d/.t')).toBe(
      "curl -fsSL --max-time 10 -H 'A: b c' -o /d/.t -- 'http://x/a'\\''b'",
    );
  });

  it('downloads over http into a directory, verifies the checksum, is idempotent', async () => {
    const d = dir();
    const params = { url: `${base}/pkg.tgz`, dest: d, checksum: `sha256:${sha('sha256', body)}`, mode: '0600' };
    const r = await runModule(getUrl, params);
    expect(r.changed).toBe(true);
    expect(readFileSync(join(d, 'pkg.tgz'), 'utf8')).toBe(body);
    expect(statSync(join(d, 'pkg.tgz')).mode & 0o777).toBe(0o600);
    expect((await replan(getUrl, params)).changes).toEqual([]);
    await expect(runModule(getUrl, { url: `${base}/x`, dest: join(d, 'bad'), checksum: 'sha256:00' })).rejects.toThrow(/did not match/);
    expect(existsSync(join(d, 'bad'))).toBe(false);
    await expect(runModule(getUrl, { url: `${base}/missing`, dest: join(d, 'm') })).rejects.toThrow(/Request failed/);
    const forced = await runModule(getUrl, { url: `${base}/pkg.tgz`, dest: join(d, 'pkg.tgz'), force: true });
    expect(forced.changed).toBe(false);
  });

  it('copies file:// URLs on the host', async () => {
    const d = dir();
    writeFileSync(join(d, 'src file'), 'local\n');
    await runModule(getUrl, { url: `file://${join(d, 'src%20file')}`, dest: join(d, 'out') });
    expect(readFileSync(join(d, 'out'), 'utf8')).toBe('local\n');
  });
});

describe('unarchive', () => {
  it('detects compression and filters compare output', () => {
    expect(compressionFlag(Buffer.from([0x1f, 0x8b, 8]))).toEqual(['-z']);
    expect(compressionFlag(Buffer.from('BZh9'))).toEqual(['-j']);
    expect(compressionFlag(Buffer.from('ustar'))).toEqual([]);
    expect(extractedPaths(['./', './a', './sub/', './sub/b'])).toEqual(['./a', './sub/', './sub/b']);
    expect(extractedPaths(['pkg/', 'pkg/bin/', 'pkg/bin/t'], ['--strip-components=1'])).toEqual(['bin/', 'bin/t']);
    expect(archiveDiffers({ compareRc: 1, compareOut: './a: Uid differs\n' }, { owner: 'app' })).toBe(false);
    expect(archiveDiffers({ compareRc: 1, compareOut: './a: Size differs\n' }, { owner: 'app' })).toBe(true);
    expect(archiveDiffers({ compareRc: 0, compareOut: '' }, {})).toBe(false);
    // recorded: tar --strip-components=1 -d on an up-to-date tree (the stripped top directory has no name)
    expect(archiveDiffers({ compareRc: 1, compareOut: 'tar: : Warning: Cannot stat: No such file or directory\n' }, {})).toBe(false);
    expect(archiveDiffers({ compareRc: 1, compareOut: 'tar: bin/tool: Warning: Cannot stat: No such file or directory\n' }, {})).toBe(true);
  });

  it('extracts a controller archive, is idempotent, re-extracts after a change, honours creates', async () => {
    const d = dir();
    mkdirSync(join(d, 'files', 'tree', 'sub dir'), { recursive: true });
    writeFileSync(join(d, 'files', 'tree', 'a'), 'a\n');
    writeFileSync(join(d, 'files', 'tree', 'sub dir', 'b c'), 'b\n');
    execFileSync('tar', ['-C', join(d, 'files', 'tree'), '-czf', join(d, 'files', 'app.tar.gz'), '.']);
    const dest = join(d, 'dest');
    mkdirSync(dest);
    const params = { src: 'app.tar.gz', dest, list_files: true };
    const check = await runModule(unarchive, params, { baseDir: d, check: true });
    expect(check.changed).toBe(true);
    expect(existsSync(join(dest, 'a'))).toBe(false);
    const r = await runModule(unarchive, params, { baseDir: d });
    expect(r.changed).toBe(true);
    expect(readFileSync(join(dest, 'sub dir', 'b c'), 'utf8')).toBe('b\n');
    expect(r.plan.data!.files).toContain('./sub dir/b c');
    expect((await replan(unarchive, params, { baseDir: d })).changes).toEqual([]);
    writeFileSync(join(dest, 'a'), 'tampered\n');
    utimesSync(join(dest, 'a'), new Date(), new Date());
    expect((await runModule(unarchive, params, { baseDir: d })).changed).toBe(true);
    expect(readFileSync(join(dest, 'a'), 'utf8')).toBe('a\n');
    expect((await runModule(unarchive, { ...params, creates: join(dest, 'a') }, { baseDir: d })).changed).toBe(false);
    const stripped = { src: join(d, 'files', 'app.tar.gz'), dest: join(d, 'strip'), remote_src: true, extra_opts: ['--strip-components=1'], mode: 'u=rwX,go=' };
    mkdirSync(stripped.dest);
    expect((await runModule(unarchive, stripped)).changed).toBe(true);
    expect(readFileSync(join(stripped.dest, 'sub dir', 'b c'), 'utf8')).toBe('b\n');
    expect(statSync(join(stripped.dest, 'sub dir', 'b c')).mode & 0o777).toBe(0o600);
    expect(statSync(join(stripped.dest, 'sub dir')).mode & 0o777).toBe(0o700);
    expect((await replan(unarchive, stripped)).changes).toEqual([]);
    const r2 = await runModule(unarchive, { src: join(d, 'files', 'app.tar.gz'), dest, remote_src: true, mode: '0600' });
    expect(r2.changed).toBe(true);
    expect(statSync(join(dest, 'a')).mode & 0o777).toBe(0o600);
    expect((await replan(unarchive, { src: join(d, 'files', 'app.tar.gz'), dest, remote_src: true, mode: '0600' })).changes).toEqual([]);
  });
});
