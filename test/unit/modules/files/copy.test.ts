import { mkdtempSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copy, planCopy, type CopyFacts } from '../../../../modules/files/copy.js';
import { missingStat, type PathStat } from '../../../../modules/lib/probe.js';
import { sha1 } from '../../../../modules/lib/content.js';
import { replan, runModule } from '../../../helpers/module-context-files.js';
import { parseRemoteTree, planRemoteTree } from '../../../../modules/files/copy-remote-tree.js';

function existing(path: string, content: string, mode = 0o644): PathStat {
  return { ...missingStat(path), exists: true, type: 'file', mode, owner: 'root', group: 'root', uid: 0, gid: 0, size: content.length, checksum: sha1(content), content: Buffer.from(content) };
}

describe('copy planner (pure)', () => {
  const facts = (cur: PathStat): CopyFacts => ({ umask: 0o022, items: [{ dest: '/etc/x', desired: Buffer.from('new\n'), current: cur }], dirs: [] });

  it('creates a missing file with the umask default mode', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n' }, facts(missingStat('/etc/x')), false);
    expect(plan.changes).toEqual(['create /etc/x']);
    expect(plan.state!.files[0]!.write!.mode).toBe('0644');
    expect(plan.diff).toEqual([{ path: '/etc/x', before: '', after: 'new\n' }]);
    expect(plan.data).toMatchObject({ dest: '/etc/x', checksum: sha1('new\n'), size: 4, mode: '0644' });
  });

  it('takes YAML 1.1 numeric modes as octal (0644 unquoted arrives as 420)', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n', mode: 420 }, facts(existing('/etc/x', 'new\n', 0o600)), false);
    expect(plan.changes).toEqual(['mode 0600 -> 0644']);
    expect(plan.state!.files[0]!.attrs!.mode).toBe('0644');
  });

  it('applies symbolic modes relative to the current mode', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n', mode: 'g+w,o-r' }, facts(existing('/etc/x', 'new\n')), false);
    expect(plan.state!.files[0]!.attrs!.mode).toBe('0660');
  });

  it('updates differing content, keeping the existing mode and owner', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n' }, facts(existing('/etc/x', 'old\n', 0o640)), false);
    expect(plan.changes).toEqual(['update content of /etc/x']);
    expect(plan.state!.files[0]!.write).toMatchObject({ mode: '0640', owner: 'root', group: 'root' });
    expect(plan.diff![0]).toMatchObject({ before: 'old\n', after: 'new\n' });
  });

  it('leaves differing content alone with force: false', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n', force: false }, facts(existing('/etc/x', 'old\n')), false);
    expect(plan.changes).toEqual([]);
    expect(plan.data!.checksum).toBe(sha1('old\n'));
  });

  it('hides content for private modes, no_log and binary content', () => {
    expect(planCopy({ dest: '/etc/x', content: 'new\n', mode: '0600' }, facts(missingStat('/etc/x')), false).diff![0]!.hidden).toBe(true);
    expect(planCopy({ dest: '/etc/x', content: 'new\n' }, facts(missingStat('/etc/x')), true).diff![0]!.hidden).toBe(true);
    const bin: CopyFacts = { umask: 0o022, items: [{ dest: '/x', desired: Buffer.from([0, 1, 2]), current: missingStat('/x') }], dirs: [] };
    expect(planCopy({ dest: '/x', src: 'b' }, bin, false).diff![0]!.hidden).toBe(true);
  });

  it('a missing destination directory fails, except in check mode (as Ansible)', () => {
    const f: CopyFacts = { ...facts(missingStat('/nope/x')), parentMissing: '/nope' };
    expect(() => planCopy({ dest: '/nope/x', content: 'a' }, f, false)).toThrow(/Destination directory \/nope does not exist/);
    expect(planCopy({ dest: '/nope/x', content: 'a' }, f, false, true).changes[0]).toMatch(/does not exist yet/);
  });

  it('is idempotent: facts after the write plan nothing', () => {
    const plan = planCopy({ dest: '/etc/x', content: 'new\n', mode: '0640' }, facts(existing('/etc/x', 'new\n', 0o640)), false);
    expect(plan.changes).toEqual([]);
  });
});

// recorded: remoteTreeScript('/tmp/rt/src', '/tmp/rt/out/src') with src/a, src/sub (0750)/x\\y, and out/src/a already there
const RECORDED_TREE =
  'D\t750\tsub\u0000F\t644\tsub/x\\y\u0000F\t644\ta\u0000\u0000@@\n\\89e6c98d92887913cadf06b2adb97f26cde4849b  ./sub/x\\\\y\n3f786850e387550fdab836ed7e6dc881de23001b  ./a\n\u0000@@\n3f786850e387550fdab836ed7e6dc881de23001b  ./a\n\u0000@@\n./\u0000\u0000';

describe('remote tree probe parser (recorded output)', () => {
  it('reads dirs, files with sums (escaped names), and what the destination holds', () => {
    const f = parseRemoteTree(RECORDED_TREE, '/tmp/rt/out/src', 0o022);
    expect(f.dirs).toEqual([{ rel: 'sub', mode: 0o750 }]);
    expect(f.files).toEqual([
      { rel: 'sub/x\\y', mode: 0o644, sum: '89e6c98d92887913cadf06b2adb97f26cde4849b' },
      { rel: 'a', mode: 0o644, sum: '3f786850e387550fdab836ed7e6dc881de23001b' },
    ]);
    expect(f.destDirs).toEqual(['']);
    const plan = planRemoteTree({ src: '/tmp/rt/src', dest: '/tmp/rt/out' }, f);
    expect(plan.changes).toEqual(['create directory /tmp/rt/out/src/sub', 'copy sub/x\\y to /tmp/rt/out/src/sub/x\\y']);
  });
});

const WEIRD = ['sp ace', "quo'te", 'dollar$(touch PWNED)', 'back`touch PWNED`tick', 'semi;colon', 'new\nline'];

describe('copy on the local host', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'tsplay-copy-'));

  it('writes content, reports changed, then is idempotent', async () => {
    const d = dir();
    const dest = join(d, 'a.conf');
    const r = await runModule(copy, { content: 'hello\n', dest, mode: '0640' });
    expect(r.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    expect((await replan(copy, { content: 'hello\n', dest, mode: '0640' })).changes).toEqual([]);
  });

  it('check mode leaves the host unchanged', async () => {
    const d = dir();
    const dest = join(d, 'a.conf');
    writeFileSync(dest, 'old\n');
    const r = await runModule(copy, { content: 'new\n', dest }, { check: true });
    expect(r.changed).toBe(true);
    expect(r.plan.diff![0]).toMatchObject({ before: 'old\n', after: 'new\n' });
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(d)).toEqual(['a.conf']);
  });

  it('copies into a directory dest with basename(src), and recursively', async () => {
    const d = dir();
    const files = join(d, 'ctl', 'files');
    mkdirSync(join(files, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(files, 'one.txt'), '1\n');
    writeFileSync(join(files, 'tree', 'a'), 'a\n');
    writeFileSync(join(files, 'tree', 'sub', 'b'), 'b\n');
    const dest = join(d, 'out');
    mkdirSync(dest);
    await runModule(copy, { src: 'one.txt', dest }, { baseDir: join(d, 'ctl') });
    expect(readFileSync(join(dest, 'one.txt'), 'utf8')).toBe('1\n');
    const r = await runModule(copy, { src: 'tree', dest, directory_mode: '0750' }, { baseDir: join(d, 'ctl') });
    expect(r.changed).toBe(true);
    expect(readFileSync(join(dest, 'tree', 'sub', 'b'), 'utf8')).toBe('b\n');
    expect(statSync(join(dest, 'tree', 'sub')).mode & 0o777).toBe(0o750);
    expect((await replan(copy, { src: 'tree', dest }, { baseDir: join(d, 'ctl') })).changes).toEqual([]);
    await runModule(copy, { src: 'tree/', dest: join(d, 'flat') }, { baseDir: join(d, 'ctl') });
    expect(readFileSync(join(d, 'flat', 'sub', 'b'), 'utf8')).toBe('b\n');
  });

  it('backs up the old file with Ansible\'s name and validates before replacing', async () => {
    const d = dir();
    const dest = join(d, 'v.conf');
    writeFileSync(dest, 'old\n');
    const r = await runModule(copy, { content: 'new\n', dest, backup: true, validate: 'grep -q new %s' });
    const backup = r.result!.data!.backup_file as string;
    expect(backup).toMatch(/v\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readFileSync(backup, 'utf8')).toBe('old\n');
    await expect(runModule(copy, { content: 'bad\n', dest, validate: 'grep -q new %s' })).rejects.toThrow(/failed to validate/);
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
    expect(readdirSync(d).filter((f) => f.includes('tsplay'))).toEqual([]);
  });

  it('copies a host file with remote_src and preserves its mode', async () => {
    const d = dir();
    writeFileSync(join(d, 'src'), 'remote\n', { mode: 0o751 });
    await runModule(copy, { src: join(d, 'src'), dest: join(d, 'dst'), remote_src: true, mode: 'preserve' });
    expect(readFileSync(join(d, 'dst'), 'utf8')).toBe('remote\n');
    expect(statSync(join(d, 'dst')).mode & 0o777).toBe(0o751);
    const params = { src: join(d, 'src'), dest: join(d, 'dst'), remote_src: true, mode: 'preserve' };
    const again = await runModule(copy, params);
    expect(again.changed).toBe(false);
    // compared by checksum: the content never travels through the probe
    expect((again.facts as { items: { desired: Buffer }[] }).items[0]!.desired.length).toBe(0);
    writeFileSync(join(d, 'src'), 'remote v2\n');
    const r = await runModule(copy, { ...params, backup: true, validate: 'grep -q v2 %s' });
    expect(r.result!.data).toMatchObject({ checksum: sha1('remote v2\n'), size: 10 });
    expect(readFileSync(join(d, 'dst'), 'utf8')).toBe('remote v2\n');
    expect(readFileSync(r.result!.data!.backup_file as string, 'utf8')).toBe('remote\n');
    await expect(runModule(copy, { ...params, validate: 'grep -q v3 %s' }, {})).resolves.toMatchObject({ changed: false });
    writeFileSync(join(d, 'src'), 'remote v3\n');
    await expect(runModule(copy, { ...params, validate: 'grep -q v4 %s' })).rejects.toThrow(/failed to validate/);
    expect(readFileSync(join(d, 'dst'), 'utf8')).toBe('remote v2\n');
    expect(readdirSync(d).filter((f) => f.includes('tsplay'))).toEqual([]);
  });

  it('copies a host directory with remote_src, idempotent, only changed files', async () => {
    const d = dir();
    mkdirSync(join(d, 'src', 'sub dir'), { recursive: true });
    writeFileSync(join(d, 'src', 'a'), 'a\n', { mode: 0o755 });
    writeFileSync(join(d, 'src', 'sub dir', "b'\nc"), 'b\n');
    symlinkSync("sub dir/b'\nc", join(d, 'src', 'ln'));
    const params = { src: join(d, 'src'), dest: join(d, 'out'), remote_src: true, owner: 'root' };
    const check = await runModule(copy, params, { check: true });
    expect(check.plan.changes).toHaveLength(5);
    expect(readdirSync(d)).toEqual(['src']);
    await runModule(copy, params);
    expect(readFileSync(join(d, 'out', 'src', 'sub dir', "b'\nc"), 'utf8')).toBe('b\n');
    expect(statSync(join(d, 'out', 'src', 'a')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(d, 'out', 'src', 'ln'))).toBe("sub dir/b'\nc");
    expect((await replan(copy, params)).changes).toEqual([]);
    writeFileSync(join(d, 'src', 'a'), 'a2\n');
    expect((await runModule(copy, { ...params, src: `${join(d, 'src')}/`, dest: join(d, 'out', 'src') })).plan.changes).toEqual([`copy a to ${join(d, 'out', 'src', 'a')}`]);
    expect(readFileSync(join(d, 'out', 'src', 'a'), 'utf8')).toBe('a2\n');
  });

  it('handles paths with spaces, quotes, $(), backticks, ; and newlines', async () => {
    const d = dir();
    for (const name of WEIRD) {
      const dest = join(d, name);
      await runModule(copy, { content: name, dest, backup: true, validate: 'test -s %s' });
      expect(readFileSync(dest, 'utf8')).toBe(name);
      expect((await replan(copy, { content: name, dest })).changes).toEqual([]);
      await runModule(copy, { content: 'changed', dest, backup: true, validate: 'test -s %s' });
    }
    expect(readdirSync(d).some((f) => f === 'PWNED')).toBe(false);
    expect(readdirSync(process.cwd()).some((f) => f === 'PWNED')).toBe(false);
  });

  it('follows a symlinked directory dest', async () => {
    const d = dir();
    mkdirSync(join(d, 'real'));
    symlinkSync(join(d, 'real'), join(d, 'link'));
    await runModule(copy, { content: 'x', dest: join(d, 'link', 'f') });
    expect(readFileSync(join(d, 'real', 'f'), 'utf8')).toBe('x');
  });
});
