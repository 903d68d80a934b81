import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';

const t = new Templar();
let dir: string;
let role: string;
const vars = { who: 'world', token: 'tok-{{ who }}' };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tsplay-lookups-'));
  role = path.join(dir, 'roles', 'r');
  mkdirSync(path.join(role, 'templates'), { recursive: true });
  mkdirSync(path.join(role, 'files'), { recursive: true });
  mkdirSync(path.join(dir, 'files'));
  writeFileSync(path.join(dir, 'files', 'motd'), 'hello\n\n');
  writeFileSync(path.join(dir, 'plain.txt'), 'plain');
  writeFileSync(path.join(role, 'files', 'rolefile'), 'from role\n');
  writeFileSync(path.join(role, 'templates', 'greet.j2'), '{% if who %}\nhi {{ who }}\n{% endif %}\n');
});

const ctx = (): { baseDir: string; searchPaths: string[] } => ({ baseDir: dir, searchPaths: [path.join(role, 'templates')] });

describe('env and vars', () => {
  it('env reads the controller environment', () => {
    process.env.TSPLAY_TEST_ENV = 'abc';
    expect(t.render("{{ lookup('env', 'TSPLAY_TEST_ENV') }}", {})).toBe('abc');
    expect(t.render("{{ lookup('env', 'TSPLAY_NOT_SET_X') }}", {})).toBe('');
    expect(t.render("{{ lookup('env', 'TSPLAY_TEST_ENV', 'HOME') }}", {})).toBe(`abc,${process.env.HOME}`);
    expect(t.render("{{ lookup('ansible.builtin.env', 'TSPLAY_TEST_ENV') }}", {})).toBe('abc');
  });
  it('vars gives a variable by a computed name, templated, with default', () => {
    expect(t.render("{{ lookup('vars', 'tok' ~ 'en') }}", vars)).toBe('tok-world');
    expect(t.render("{{ lookup('vars', 'nope', default=3) }}", vars)).toBe(3);
    expect(() => t.render("{{ lookup('vars', 'nope') }}", vars)).toThrow(/No variable found with this name: nope/);
    expect(t.render("{{ vars['tok' ~ 'en'] }}", vars)).toBe('tok-world');
    expect(t.render("{{ vars.nope is defined }}", vars)).toBe(false);
  });
});

describe('file and template', () => {
  it('file: relative to baseDir (files/ first), trailing newlines stripped', () => {
    expect(t.render("{{ lookup('file', 'motd') }}", {}, ctx())).toBe('hello');
    expect(t.render("{{ lookup('file', 'plain.txt') }}", {}, ctx())).toBe('plain');
    expect(t.render("{{ lookup('file', 'rolefile') }}", {}, ctx())).toBe('from role');
    expect(t.render("{{ lookup('file', p) }}", { p: path.join(dir, 'plain.txt') })).toBe('plain');
    expect(() => t.render("{{ lookup('file', 'absent') }}", {}, ctx())).toThrow(/could not locate file in lookup: absent/);
  });
  it('template: found in the search paths, rendered with the variables', () => {
    expect(t.render("{{ lookup('template', 'greet.j2') }}", vars, ctx())).toBe('hi world\n');
  });
});

describe('password', () => {
  it('generates once, stores with mode 0600, reads back afterwards', () => {
    const first = t.render("{{ lookup('password', 'creds/pg length=24 chars=ascii_letters,digits') }}", {}, ctx()) as string;
    expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
    const file = path.join(dir, 'creds', 'pg');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(t.render("{{ lookup('password', 'creds/pg length=24') }}", {}, ctx())).toBe(first);
  });
  it('character sets, digits only, /dev/null is never stored', () => {
    const digits = t.render("{{ lookup('password', '/dev/null length=40 chars=digits') }}", {}) as string;
    expect(digits).toMatch(/^\d{40}$/);
    const def = t.render("{{ lookup('password', '/dev/null') }}", {}) as string;
    expect(def).toMatch(/^[A-Za-z0-9.,:\-_]{20}$/);
    const comma = t.render("{{ lookup('password', '/dev/null length=30 chars=,,') }}", {}) as string;
    expect(comma).toBe(','.repeat(30));
  });
  it('an existing file written by Ansible with a salt gives the password only', () => {
    writeFileSync(path.join(dir, 'old'), 'p4ss salt=abcdefgh\n');
    expect(t.render("{{ lookup('password', 'old') }}", {}, ctx())).toBe('p4ss');
  });
});

describe('pipe, items, list, query, wantlist', () => {
  it('pipe runs a controller command in baseDir', () => {
    expect(t.render("{{ lookup('pipe', 'echo hi; pwd') }}", {}, ctx())).toBe(`hi\n${dir}`);
    expect(() => t.render("{{ lookup('pipe', 'exit 3 # s3cret') }}", {})).toThrow(/^lookup\('pipe'\) command returned 3$/);
  });
  it('lookup joins strings with commas, query/q and wantlist give lists', () => {
    expect(t.render("{{ lookup('list', 'a', 'b') }}", {})).toBe('a,b');
    expect(t.render("{{ query('list', 'a', 'b') }}", {})).toEqual(['a', 'b']);
    expect(t.render("{{ q('env', 'HOME') }}", {})).toEqual([process.env.HOME]);
    expect(t.render("{{ lookup('env', 'HOME', wantlist=True) }}", {})).toEqual([process.env.HOME]);
    expect(t.render("{{ lookup('items', [1, 2], [3]) }}", {})).toEqual([1, 2, 3]);
    expect(t.render("{{ query('items', [1, [2]]) }}", {})).toEqual([1, 2]); // one level, as with_items
    expect(t.render("{{ query('items', [1, [2, [3]]]) }}", {})).toEqual([1, 2, [3]]);
    expect(t.render("{{ lookup('list', [1, 2]) }}", {})).toEqual([1, 2]);
  });
});

describe('first_found', () => {
  it('gives the first existing file, searching like file', () => {
    expect(t.render("{{ lookup('first_found', ['absent.yml', 'motd', 'plain.txt']) }}", {}, ctx())).toBe(path.join(dir, 'files', 'motd'));
    expect(t.render("{{ lookup('first_found', {'files': ['x', 'plain.txt'], 'paths': ['.']}) }}", {}, ctx())).toBe(path.join(dir, 'plain.txt'));
    expect(t.render("{{ query('first_found', ['x', 'y'], skip=True) }}", {}, ctx())).toEqual([]);
    expect(() => t.render("{{ lookup('first_found', ['x', 'y']) }}", {}, ctx())).toThrow(/none of \["x","y"\] was found/);
  });
  it('fileglob lists matching files of files/ (not directories), sorted', () => {
    mkdirSync(path.join(dir, 'files', 'conf.d', 'sub.conf'), { recursive: true });
    writeFileSync(path.join(dir, 'files', 'conf.d', 'b.conf'), '');
    writeFileSync(path.join(dir, 'files', 'conf.d', 'a.conf'), '');
    writeFileSync(path.join(dir, 'files', 'conf.d', 'x.txt'), '');
    const d = path.join(dir, 'files', 'conf.d');
    expect(t.render("{{ query('fileglob', 'conf.d/*.conf') }}", {}, ctx())).toEqual([path.join(d, 'a.conf'), path.join(d, 'b.conf')]);
    expect(t.render("{{ query('fileglob', 'nowhere/*.conf') }}", {}, ctx())).toEqual([]);
  });
  it('sequence errors are clear', () => {
    expect(() => t.render("{{ query('sequence', 'start=5 end=1') }}", {})).toThrow(/make stride negative/);
    expect(() => t.render("{{ query('sequence', 'count=2 end=3') }}", {})).toThrow(/both count and end/);
  });
  it('an unknown plugin is named', () => {
    expect(() => t.render("{{ lookup('nope', 'x') }}", {})).toThrow(/lookup plugin 'nope' not found/);
  });
});
