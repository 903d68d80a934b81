import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { file } from '../../../../modules/files/file.js';
import { parseRecurseEntries, planFile, type FileFacts } from '../../../../modules/files/file-plan.js';
import { missingStat, type PathStat } from '../../../../modules/lib/probe.js';
import { replan, runModule } from '../../../helpers/module-context-files.js';

const dirStat = (path: string, mode = 0o755): PathStat => ({ ...missingStat(path), exists: true, type: 'directory', mode, owner: 'root', group: 'root', uid: 0, gid: 0, nlink: 2 });
const fileStat = (path: string, mode = 0o644): PathStat => ({ ...missingStat(path), exists: true, type: 'file', mode, owner: 'root', group: 'root', uid: 0, gid: 0, nlink: 1, inode: 7, dev: 1 });
const facts = (st: PathStat, extra: Partial<FileFacts> = {}): FileFacts => ({ stat: st, target: st, ancestors: [dirStat('/a')], umask: 0o022, ...extra });

describe('file planner (pure)', () => {
  it('creates missing parents and the directory, each with the mode', () => {
    const plan = planFile({ path: '/a/b/c', state: 'directory', mode: '0750' }, facts(missingStat('/a/b/c'), { ancestors: [dirStat('/a'), missingStat('/a/b')] }));
    expect(plan.changes).toEqual(['create directory /a/b', 'create directory /a/b/c']);
    expect(plan.state!.commands).toEqual(['mkdir -m 0750 -- /a/b', 'mkdir -m 0750 -- /a/b/c']);
    expect(plan.data).toMatchObject({ path: '/a/b/c', state: 'directory', mode: '0750' });
  });

  it('fixes the mode of an existing directory, and nothing when it is right', () => {
    const plan = planFile({ path: '/a/d', state: 'directory', mode: 0o700 }, facts(dirStat('/a/d')));
    expect(plan.changes).toEqual(['mode 0755 -> 0700']);
    expect(plan.diff).toEqual([{ path: '/a/d', before: "path: /a/d\nmode: '0755'\n", after: "path: /a/d\nmode: '0700'\n" }]);
    expect(planFile({ path: '/a/d', state: 'directory', mode: 'u=rwx,go=rx' }, facts(dirStat('/a/d'))).changes).toEqual([]);
  });

  it('keeps the current type without state, and fails for a missing file', () => {
    expect(planFile({ path: '/a/f', mode: '0600' }, facts(fileStat('/a/f'))).changes).toEqual(['mode 0644 -> 0600']);
    expect(() => planFile({ path: '/a/f' }, facts(missingStat('/a/f')))).toThrow(/is absent, cannot continue/);
  });

  it('removes with state absent (diff of states), nothing when absent', () => {
    const plan = planFile({ path: '/a/f', state: 'absent' }, facts(fileStat('/a/f')));
    expect(plan.state!.commands).toEqual(['rm -rf -- /a/f']);
    expect(plan.diff![0]!.after).toContain('state: absent');
    expect(planFile({ path: '/a/f', state: 'absent' }, facts(missingStat('/a/f'))).changes).toEqual([]);
  });

  it('links: creates, accepts a correct link, refuses to replace a file without force', () => {
    const src = fileStat('/a/src');
    expect(planFile({ path: '/a/l', state: 'link', src: '/a/src' }, facts(missingStat('/a/l'), { src })).state!.commands).toEqual(['ln -sfn -- /a/src /a/l']);
    const link = { ...fileStat('/a/l'), type: 'link' as const, linkTarget: '/a/src' };
    expect(planFile({ path: '/a/l', state: 'link', src: '/a/src' }, facts(link, { src })).changes).toEqual([]);
    expect(() => planFile({ path: '/a/l', state: 'link', src: '/a/src' }, facts(fileStat('/a/l'), { src }))).toThrow(/refusing to convert from file to symlink/);
    expect(() => planFile({ path: '/a/l', state: 'link', src: '/nope' }, facts(missingStat('/a/l'), { src: missingStat('/nope') }))).toThrow(/force=yes/);
  });

  it('touch: creates with the default mode, always updates times of an existing file unless preserved', () => {
    expect(planFile({ path: '/a/t', state: 'touch' }, facts(missingStat('/a/t'))).state!.create).toEqual({ mode: '0644' });
    expect(planFile({ path: '/a/t', state: 'touch' }, facts(fileStat('/a/t'))).changes.length).toBe(2);
    expect(planFile({ path: '/a/t', state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, facts(fileStat('/a/t'))).changes).toEqual([]);
    const st = { ...fileStat('/a/t'), mtime: 1700000000, atime: 1700000000 };
    const stamped = { path: '/a/t', state: 'touch' as const, modification_time: '202311142213.20', access_time: 'preserve' };
    expect(planFile(stamped, facts(st, { mtimeEpoch: 1700000000 })).changes).toEqual([]);
    expect(planFile(stamped, facts(st, { mtimeEpoch: 1700000001 })).state!.commands).toEqual(['touch -c -m -d @1700000001 -- /a/t']);
  });

  it('recurse applies owner/mode below only when an entry differs (symbolic X included)', () => {
    // recorded: find DIR -mindepth 1 -printf '%u %g %U %G %m %y\n' | sort -u
    const entries = parseRecurseEntries('root root 0 0 640 f\nroot root 0 0 750 d\nroot root 0 0 777 l\n');
    expect(entries[0]).toEqual({ owner: 'root', group: 'root', uid: 0, gid: 0, mode: 0o640, type: 'f' });
    const f = (extra: Partial<FileFacts>) => facts(dirStat('/a/d', 0o750), extra);
    expect(planFile({ path: '/a/d', state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' }, f({ recurseEntries: entries })).changes).toEqual([]);
    expect(planFile({ path: '/a/d', state: 'directory', recurse: true, mode: '0750' }, f({ recurseEntries: entries })).changes).toEqual([
      'set owner/group/mode recursively under /a/d',
    ]);
    expect(planFile({ path: '/a/d', state: 'directory', recurse: true, owner: '0' }, f({ recurseEntries: entries })).changes).toEqual([]);
    expect(planFile({ path: '/a/d', state: 'directory', recurse: true, owner: 'app' }, f({ recurseEntries: entries })).state!.commands).toEqual([
      'chown app -- /a/d',
      'chown -R app -- /a/d',
    ]);
  });
});

const WEIRD = ['sp ace', "quo'te", 'dollar$(touch PWNED)', 'back`touch PWNED`tick', 'semi;colon', 'new\nline'];

describe('file on the local host', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'tsplay-file-'));

  it('directory: creates parents, idempotent, check mode changes nothing', async () => {
    const d = dir();
    const path = join(d, 'x', 'y');
    const check = await runModule(file, { path, state: 'directory', mode: '0750' }, { check: true });
    expect(check.changed).toBe(true);
    expect(existsSync(join(d, 'x'))).toBe(false);
    await runModule(file, { path, state: 'directory', mode: '0750' });
    expect(statSync(join(d, 'x')).mode & 0o777).toBe(0o750);
    expect(statSync(path).isDirectory()).toBe(true);
    expect((await replan(file, { path, state: 'directory', mode: '0750' })).changes).toEqual([]);
  });

  it('recurse: sets modes below, then is idempotent', async () => {
    const d = dir();
    mkdirSync(join(d, 'r', 's'), { recursive: true });
    writeFileSync(join(d, 'r', 's', 'f'), 'x', { mode: 0o600 });
    const r = await runModule(file, { path: join(d, 'r'), state: 'directory', recurse: true, mode: '0755' });
    expect(r.changed).toBe(true);
    expect(statSync(join(d, 'r', 's', 'f')).mode & 0o777).toBe(0o755);
    expect((await replan(file, { path: join(d, 'r'), state: 'directory', recurse: true, mode: '0755' })).changes).toEqual([]);
  });

  it('link, hard, touch, absent', async () => {
    const d = dir();
    writeFileSync(join(d, 'src'), 'x');
    await runModule(file, { src: 'src', dest: join(d, 'l'), state: 'link' });
    expect(readlinkSync(join(d, 'l'))).toBe('src');
    expect((await replan(file, { src: 'src', dest: join(d, 'l'), state: 'link' })).changes).toEqual([]);
    await runModule(file, { src: join(d, 'src'), path: join(d, 'h'), state: 'hard' });
    expect(statSync(join(d, 'h')).ino).toBe(statSync(join(d, 'src')).ino);
    expect((await replan(file, { src: join(d, 'src'), path: join(d, 'h'), state: 'hard' })).changes).toEqual([]);
    await runModule(file, { path: join(d, 't'), state: 'touch', mode: 'u=rw,g=,o=' });
    expect(statSync(join(d, 't')).mode & 0o777).toBe(0o600);
    await runModule(file, { path: join(d, 't'), state: 'touch', modification_time: '202001020304.05', access_time: 'preserve' });
    expect(statSync(join(d, 't')).mtime.getFullYear()).toBe(2020);
    expect((await replan(file, { path: join(d, 't'), state: 'touch', modification_time: '202001020304.05', access_time: 'preserve' })).changes).toEqual([]);
    await runModule(file, { path: join(d, 'l'), state: 'absent' });
    expect(existsSync(join(d, 'l'))).toBe(false);
    expect(lstatSync(join(d, 'src')).isFile()).toBe(true);
  });

  it('quotes hostile names everywhere', async () => {
    const d = dir();
    for (const name of WEIRD) {
      const path = join(d, name);
      await runModule(file, { path, state: 'directory', mode: '0700', recurse: true });
      await runModule(file, { path: join(path, name), state: 'touch' });
      await runModule(file, { src: join(path, name), path: join(path, 'link'), state: 'link' });
      expect((await replan(file, { path, state: 'directory', mode: '0700' })).changes).toEqual([]);
      await runModule(file, { path, state: 'absent' });
      expect(existsSync(path)).toBe(false);
    }
    expect(readdirSync(d)).toEqual([]);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
  });
});
