/** lineinfile / blockinfile / replace / template on the local host: apply, idempotence, check mode, hostile names. */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockinfile, lineinfile, replace, template } from '../../../../modules/files/index.js';
import { replan, runModule } from '../../../helpers/module-context-files.js';

const WEIRD = ['sp ace', "quo'te", 'dollar$(touch PWNED)', 'back`touch PWNED`tick', 'semi;colon', 'new\nline'];
const dir = () => mkdtempSync(join(tmpdir(), 'tsplay-edit-'));

describe('lineinfile (local)', () => {
  it('replaces, is idempotent, check mode leaves the file, backup is made', async () => {
    const d = dir();
    const path = join(d, 'pg.conf');
    writeFileSync(path, "#listen_addresses = 'localhost'\nport = 5432\n", { mode: 0o640 });
    const params = { path, regexp: '^#?listen_addresses', line: "listen_addresses = '*'", backup: true };
    const check = await runModule(lineinfile, params, { check: true });
    expect(check.changed).toBe(true);
    expect(check.plan.diff![0]!.after).toContain("listen_addresses = '*'");
    expect(readFileSync(path, 'utf8')).toContain('#listen');
    const r = await runModule(lineinfile, params);
    expect(r.result!.data).toMatchObject({ msg: 'line replaced' });
    expect(readFileSync(r.result!.data!.backup as string, 'utf8')).toContain('#listen');
    expect(readFileSync(path, 'utf8')).toBe("listen_addresses = '*'\nport = 5432\n");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect((await replan(lineinfile, params)).changes).toEqual([]);
  });

  it('creates the file and its directory, fails on a missing file without create', async () => {
    const d = dir();
    await expect(runModule(lineinfile, { path: join(d, 'nope'), line: 'x' })).rejects.toThrow(/does not exist/);
    await runModule(lineinfile, { dest: join(d, 'sub', 'new'), line: 'x', create: true, mode: '0600' });
    expect(readFileSync(join(d, 'sub', 'new'), 'utf8')).toBe('x\n');
    expect(statSync(join(d, 'sub', 'new')).mode & 0o777).toBe(0o600);
  });

  it('fixes only the mode when the line is there', async () => {
    const d = dir();
    writeFileSync(join(d, 'f'), 'x\n', { mode: 0o644 });
    const r = await runModule(lineinfile, { path: join(d, 'f'), line: 'x', mode: '0600' });
    expect(r.result!.data!.msg).toBe('ownership, perms or SE linux context changed');
    expect(statSync(join(d, 'f')).mode & 0o777).toBe(0o600);
  });
});

describe('blockinfile and replace (local)', () => {
  it('blockinfile inserts, updates, removes; idempotent; check mode', async () => {
    const d = dir();
    const path = join(d, 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n');
    const params = { path, block: '10.0.0.1 pg1\n10.0.0.2 pg2', marker: '# {mark} cluster' };
    expect((await runModule(blockinfile, params, { check: true })).changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
    await runModule(blockinfile, params);
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n# BEGIN cluster\n10.0.0.1 pg1\n10.0.0.2 pg2\n# END cluster\n');
    expect((await replan(blockinfile, params)).changes).toEqual([]);
    await runModule(blockinfile, { ...params, state: 'absent' });
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
  });

  it('replace with groups, idempotent, validate failure keeps the file', async () => {
    const d = dir();
    const path = join(d, 'sshd_config');
    writeFileSync(path, '#PermitRootLogin yes\n');
    const params = { path, regexp: '^#?(PermitRootLogin)\\s+\\S+$', replace: '\\1 no' };
    const check = await runModule(replace, params, { check: true });
    expect(check.changed).toBe(true);
    expect(check.plan.diff![0]).toMatchObject({ before: '#PermitRootLogin yes\n', after: 'PermitRootLogin no\n' });
    expect(readFileSync(path, 'utf8')).toBe('#PermitRootLogin yes\n');
    const r = await runModule(replace, params);
    expect(r.result!.data!.msg).toBe('1 replacements made');
    expect(readFileSync(path, 'utf8')).toBe('PermitRootLogin no\n');
    expect((await replan(replace, params)).changes).toEqual([]);
    await expect(runModule(replace, { path, regexp: 'no', replace: 'maybe', validate: 'grep -qv maybe %s' })).rejects.toThrow(/validate/);
    expect(readFileSync(path, 'utf8')).toBe('PermitRootLogin no\n');
  });
});

describe('template (local)', () => {
  it('renders with vars, writes, is idempotent, honours newline_sequence', async () => {
    const d = dir();
    mkdirSync(join(d, 'templates'));
    writeFileSync(join(d, 'templates', 'app.conf.j2'), 'name={{ name }}\nport={{ port }}\n');
    const dest = join(d, 'app.conf');
    const opts = { baseDir: d, vars: { name: 'pg', port: 5432 } };
    const r = await runModule(template, { src: 'app.conf.j2', dest, mode: '0644' }, opts);
    expect(r.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('name=pg\nport=5432\n');
    expect((await replan(template, { src: 'app.conf.j2', dest, mode: '0644' }, opts)).changes).toEqual([]);
    await runModule(template, { src: 'app.conf.j2', dest, newline_sequence: '\r\n' }, opts);
    expect(readFileSync(dest, 'utf8')).toBe('name=pg\r\nport=5432\r\n');
    const check = await runModule(template, { src: 'app.conf.j2', dest }, { ...opts, check: true, vars: { name: 'x', port: 1 } });
    expect(check.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('name=pg\r\nport=5432\r\n');
    await runModule(template, { src: 'app.conf.j2', dest: `${d}/` }, opts);
    expect(existsSync(join(d, 'app.conf.j2'))).toBe(true);
    writeFileSync(join(d, 'templates', 'managed.j2'), '# {{ ansible_managed }}\n');
    await runModule(template, { src: 'managed.j2', dest: join(d, 'managed') }, opts);
    expect(readFileSync(join(d, 'managed'), 'utf8')).toBe('# Ansible managed\n');
    expect((await replan(template, { src: 'managed.j2', dest: join(d, 'managed') }, opts)).changes).toEqual([]);
  });
});

describe('hostile names (local)', () => {
  it('every editor quotes paths', async () => {
    const d = dir();
    for (const name of WEIRD) {
      const path = join(d, name);
      await runModule(lineinfile, { path, line: 'a=1', create: true, backup: true, validate: 'test -f %s' });
      await runModule(lineinfile, { path, regexp: '^a=', line: 'a=2', backup: true });
      await runModule(blockinfile, { path, block: 'b', backup: true });
      await runModule(replace, { path, regexp: '^a=(\\d)', replace: 'a=\\g<1>0', backup: true });
      expect(readFileSync(path, 'utf8')).toBe('a=20\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n# END ANSIBLE MANAGED BLOCK\n');
      expect((await replan(replace, { path, regexp: '^a=2$', replace: 'a=20' })).changes).toEqual([]);
    }
    expect(readdirSync(d).filter((f) => f === 'PWNED')).toEqual([]);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
  });
});

describe('symlinked files (local)', () => {
  it('editors write through a symlink to its target, as Ansible', async () => {
    const { symlinkSync, lstatSync } = await import('node:fs');
    const d = dir();
    writeFileSync(join(d, 'real.conf'), 'a\n');
    symlinkSync('real.conf', join(d, 'link.conf'));
    await runModule(lineinfile, { path: join(d, 'link.conf'), line: 'b' });
    await runModule(blockinfile, { path: join(d, 'link.conf'), block: 'c' });
    await runModule(replace, { path: join(d, 'link.conf'), regexp: '^a$', replace: 'A' });
    expect(lstatSync(join(d, 'link.conf')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'real.conf'), 'utf8')).toBe('A\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nc\n# END ANSIBLE MANAGED BLOCK\n');
  });
});
