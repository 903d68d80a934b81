/** find's pure half on recorded `find -printf` output: parsing, os.walk order, filters, names. */
import { describe, expect, it } from 'vitest';
import { findScript, listParam, selectEntries } from '../../../../modules/files/find.js';
import { find } from '../../../../modules/files/find.js';
import { fnmatchRegex, nameFilter, normpath, parseAge, parseFindOutput, parseSize } from '../../../../modules/files/find-walk.js';

// recorded on Debian bookworm: find -H /t -mindepth 1 -printf FIND_PRINTF (x/, x/f, x/y/, l -> x, and a file owned by uid 4242 with no name)
const REC = [
  '@@0', 'B/t',
  'Fd/d/755/0/0/4096/2574754/65024/3/1795344421.2747104410/1795344421.2787104410/1795344421.2787104410/root/root/x',
  'Ff/f/644/0/0/2/2574789/65024/1/1795344421.2787104410/1795344421.2787104410/1795344421.2787104410/root/root/x/f',
  'Fd/d/755/0/0/4096/2574770/65024/2/1795344421.2747104410/1795344421.2747104410/1795344421.2747104410/root/root/x/y',
  'Fl/d/777/0/0/1/2574802/65024/1/1795344421.2867104420/1795344421.2867104420/1795344421.2867104420/root/root/l',
  'Ff/f/4750/4242/4242/9/2574803/65024/1/1795344000/1795344000/1795344000/4242/4242/slash-free.txt',
  '@@1', 'B/nope', "E'/nope' is not a directory", '',
].join('\0');

describe('find: parsing recorded output', () => {
  const out = parseFindOutput(REC, ['/t/', '/nope']);

  it('reads entries, the base and errors per path', () => {
    expect(out.paths.map((p) => [p.given, p.base, p.entries.length, p.error])).toEqual([['/t/', '/t', 5, undefined], ['/nope', '/nope', 0, "'/nope' is not a directory"]]);
    expect(out.paths[0]!.entries[3]).toMatchObject({ rel: 'l', type: 'l', followedType: 'd', mode: 0o777, size: 1 });
    expect(out.paths[0]!.entries[4]).toMatchObject({ rel: 'slash-free.txt', mode: 0o4750, owner: '', group: '', uid: 4242 });
  });

  it("walks in os.walk's order: files then dirs per directory, links to dirs not entered", () => {
    const sel = selectEntries({ paths: '/t', recurse: true, file_type: 'any' }, out);
    expect(sel.matched.map((w) => w.path)).toEqual(['/t/slash-free.txt', '/t/x', '/t/l', '/t/x/f', '/t/x/y']);
    expect(sel.examined).toBe(5);
    expect(sel.skipped).toEqual({ '/nope': "'/nope' is not a directory" });
  });

  it('filters by type, depth and size', () => {
    const paths = (p: Record<string, unknown>) => selectEntries({ paths: '/t', recurse: true, ...p }, out).matched.map((w) => w.path);
    expect(paths({})).toEqual(['/t/slash-free.txt', '/t/x/f']);
    expect(paths({ file_type: 'link' })).toEqual(['/t/l']);
    expect(paths({ file_type: 'directory', depth: 1 })).toEqual(['/t/x']);
    expect(paths({ size: '3' })).toEqual(['/t/slash-free.txt']);
    expect(paths({ size: '-2b' })).toEqual(['/t/x/f']);
  });

  it('age compares with the host clock when it was printed', () => {
    const withNow = parseFindOutput(`T1795344400\0${REC}`, ['/t']);
    expect(withNow.now).toBe(1795344400);
    expect(selectEntries({ paths: '/t', recurse: true, age: '300' }, withNow).matched.map((w) => w.path)).toEqual(['/t/slash-free.txt']);
    expect(selectEntries({ paths: '/t', recurse: true, age: '-1m' }, withNow).matched.map((w) => w.path)).toEqual(['/t/x/f']);
  });

  it('an empty E record takes its message from find\'s stderr', () => {
    const o = parseFindOutput('@@0\0B/s\0E\0', ['/s']);
    expect(selectEntries({ paths: '/s' }, o, "find: '/s/private': Permission denied\n").skipped).toEqual({ '/s': "[Errno 13] Permission denied: '/s/private'" });
  });
});

describe('find: names, units, paths', () => {
  it('fnmatch as Python: whole name, classes, negation, case-sensitive', () => {
    expect(fnmatchRegex('*.log').test('a.log')).toBe(true);
    expect(fnmatchRegex('*.log').test('a.log.1')).toBe(false);
    expect(fnmatchRegex('[!a]?.t[x-z]t').test('bc.txt')).toBe(true);
    expect(fnmatchRegex('[!a]?.t[x-z]t').test('ac.txt')).toBe(false);
    expect(fnmatchRegex('A*').test('abc')).toBe(false);
    expect(fnmatchRegex('[').test('[')).toBe(true);
    expect(fnmatchRegex('a.(b)+$').test('a.(b)+$')).toBe(true);
  });

  it('patterns and excludes: regexes match from the start of the name only', () => {
    expect(nameFilter(['fo'], [], true)('foo.txt')).toBe(true);
    expect(nameFilter(['oo'], [], true)('foo.txt')).toBe(false);
    expect(nameFilter([], ['*.bak'], false)('x.bak')).toBe(false);
    expect(nameFilter([], ['*.bak'], false)('x.txt')).toBe(true);
    expect(nameFilter(['(?P<n>a)b'], [], true)('abc')).toBe(true);
  });

  it('age and size units, and Ansible\'s messages', () => {
    expect([parseAge('2w'), parseAge('-3D'), parseAge('10')]).toEqual([1209600, -259200, 10]);
    expect([parseSize('1k'), parseSize('-2m'), parseSize('5')]).toEqual([1024, -2097152, 5]);
    expect(() => parseSize('1kb')).toThrow('failed to process size');
    expect(() => parseAge('old')).toThrow('failed to process age');
  });

  it('normpath and comma-separated lists', () => {
    expect(normpath('/t//a/./b/../c/')).toBe('/t/a/c');
    expect(normpath('./-x/a')).toBe('-x/a');
    expect(normpath('//x')).toBe('//x');
    expect(listParam('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(listParam(['x,y'])).toEqual(['x,y']);
  });
});

describe('find: the probe command', () => {
  it('quotes paths, expands ~ on the host, and limits depth as the walk does', () => {
    const s = findScript({ recurse: true, depth: 2, age: '1d' }, ["/a b/$(x)'", '~/logs', '-odd']);
    expect(s).toContain(`p='/a b/$(x)'\\'''`);
    expect(s).toContain('p="$HOME"/logs\n');
    expect(s).toContain('p=./-odd\n');
    expect(s).toContain('-mindepth 1 -maxdepth 3');
    expect(s.startsWith(`printf 'T%s\\0' "$(date +%s)"`)).toBe(true);
    expect(findScript({}, ['/x'])).toContain('-H "$p" -mindepth 1 -maxdepth 1 ');
    expect(findScript({ recurse: true, follow: true }, ['/x'])).toContain('-L "$p" -mindepth 1 -printf');
  });

  it('plan: read-only, Ansible\'s msg, skipped paths', () => {
    const plan = find.plan({ paths: '/x' }, { files: [], examined: 3, skipped: { '/y': 'nope' } }, { host: 'h', check: true, diff: false, noLog: false });
    expect(plan.changes).toEqual([]);
    expect(plan.data).toEqual({ files: [], matched: 0, examined: 3, msg: 'Not all paths examined, check warnings for details', skipped_paths: { '/y': 'nope' } });
  });
});
