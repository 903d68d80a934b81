import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitHosts, loadInventory, matchHosts, validatePattern } from '../../../engine/inventory/index.js';
import { TsplayError } from '../../../engine/errors.js';
import { globToRegex, splitHostPattern } from '../../../engine/inventory/patterns.js';
import { tmpTree } from './helpers.js';

const FIXTURES = resolve(__dirname, '../../fixtures/inventory');
const basic = () => loadInventory([join(FIXTURES, 'ini/basic.ini')]);

/** Recorded with `ansible -i test/fixtures/inventory/ini/basic.ini PATTERN --list-hosts` (ansible-core 2.14). */
const RECORDED: Record<string, string[]> = {
  web: ['web01', 'web02', 'web03', 'www.example.com', 'web-a.example.com', 'web-b.example.com', 'web-c.example.com'],
  'web:db': ['web01', 'web02', 'web03', 'www.example.com', 'web-a.example.com', 'web-b.example.com', 'web-c.example.com', 'db1', 'db5', 'db9', 'db-x', 'db-y', 'db-z'],
  'prod:&db': ['db1', 'db5', 'db9', 'db-x', 'db-y', 'db-z'],
  'prod:!web': ['db1', 'db5', 'db9', 'db-x', 'db-y', 'db-z'],
  'web[0]': ['web01'],
  'web[1:2]': ['web02', 'web03'],
  'web[-1]': ['web-c.example.com'],
  'db[4:]': ['db-y', 'db-z'],
  'db*': ['db1', 'db5', 'db9', 'db-x', 'db-y', 'db-z'],
  '*.example.com': ['www.example.com', 'web-a.example.com', 'web-b.example.com', 'web-c.example.com'],
  '~db[0-9]+': ['db1', 'db5', 'db9'],
  'top?': ['top1', 'top2'],
  '!web': ['top1', 'top2', 'stage1', 'stage2', 'db1', 'db5', 'db9', 'db-x', 'db-y', 'db-z'],
  'stage2,web01, db-x': ['stage2', 'web01', 'db-x'],
  'nothing': [],
  'web01,nothing': ['web01'],
};

describe('matchHosts', () => {
  for (const [pattern, hosts] of Object.entries(RECORDED)) {
    it(`'${pattern}'`, async () => expect(matchHosts(await basic(), pattern)).toEqual(hosts));
  }

  it('all and * give every host; duplicates are dropped', async () => {
    const inv = await basic();
    expect(matchHosts(inv, 'all')).toHaveLength(17);
    expect(matchHosts(inv, '*')).toEqual(matchHosts(inv, 'all'));
    expect(matchHosts(inv, 'web01:web:web01')).toEqual(matchHosts(inv, 'web'));
  });

  it('localhost absent from the inventory matches the implicit localhost, which all does not include', async () => {
    const inv = await basic();
    expect(matchHosts(inv, 'localhost')).toEqual(['localhost']);
    expect(inv.hosts.get('localhost')).toMatchObject({ implicit: true, vars: { ansible_connection: 'local' } });
    expect(matchHosts(inv, 'all')).not.toContain('localhost');
    expect(matchHosts(inv, '127.0.0.1')).toEqual(['localhost']);
  });

  it('an out-of-range subscript of a non-empty group is an error, as in Ansible', async () => {
    const inv = await basic();
    expect(() => matchHosts(inv, 'web[99]')).toThrow(/no host at index 99/);
    expect(matchHosts(inv, 'nothing[3]')).toEqual([]);
  });

  it('throws TSPLAY_HOST_PATTERN with the caller position on a malformed pattern', async () => {
    const source = { file: 'site.yml', line: 3, col: 10 };
    try {
      matchHosts(await basic(), 'web:&', { source });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TsplayError);
      expect((e as TsplayError).code).toBe('TSPLAY_HOST_PATTERN');
      expect((e as TsplayError).source).toEqual(source);
    }
  });
});

describe('validatePattern', () => {
  const bad: Record<string, RegExp> = {
    '': /empty/,
    '   ': /empty/,
    ',,': /names nothing/,
    'web:&': /must be followed/,
    'web,!': /must be followed/,
    'web:!&db': /one operator/,
    '~(': /invalid regular expression/,
    'a,~[': /invalid regular expression/,
    '~': /empty regular expression/,
    'web[0': /unbalanced/,
    'web,db]': /unbalanced/,
  };
  for (const [pattern, message] of Object.entries(bad)) {
    it(`refuses '${pattern}'`, () => {
      const err = validatePattern(pattern);
      expect(err?.code).toBe('TSPLAY_HOST_PATTERN');
      expect(err?.message).toMatch(message);
    });
  }
  for (const good of ['all', 'web:!db', 'a,b', 'g[0]', 'g[1:]', 'g[-1]', '~(web|db)\\d+', 'fe80::1', 'db[1:3]', '*.example.com', '{{ target }}', 'web[x]']) {
    it(`accepts '${good}'`, () => expect(validatePattern(good)).toBeUndefined());
  }
});

describe('pattern helpers', () => {
  it('splits as split_host_pattern', () => {
    expect(splitHostPattern('a:b:&c:!d').parts).toEqual(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('a, b ,c').parts).toEqual(['a', 'b', 'c']);
    expect(splitHostPattern('web[1:3]').parts).toEqual(['web[1:3]']);
    expect(splitHostPattern('g[0]:h').parts).toEqual(['g[0]', 'h']);
    expect(splitHostPattern('fe80::1').parts).toEqual(['fe80::1']);
    expect(splitHostPattern('a b').parts).toEqual(['a', 'b']);
  });
  it('translates globs as fnmatch', () => {
    expect(globToRegex('db[!0-3]?').test('db45')).toBe(true);
    expect(globToRegex('db[!0-3]?').test('db15')).toBe(false);
    expect(globToRegex('a.b*').test('axb')).toBe(false);
    expect(globToRegex('x[').test('x[')).toBe(true);
  });
});

describe('limitHosts', () => {
  it('keeps hosts matched by the limit, in the given order', async () => {
    const inv = await basic();
    const hosts = matchHosts(inv, 'all');
    expect(limitHosts(inv, hosts, 'db:&prod:!db-*')).toEqual(['db1', 'db5', 'db9']);
    expect(limitHosts(inv, ['web02', 'web01'], 'web')).toEqual(['web02', 'web01']);
    expect(limitHosts(inv, hosts, '!web:!db:!ungrouped')).toEqual(['stage1', 'stage2']);
  });

  it('reads @file limits (one pattern a line, as retry files)', async () => {
    const dir = tmpTree({ 'retry.txt': 'web01\n\ndb9\n' });
    const inv = await basic();
    expect(limitHosts(inv, matchHosts(inv, 'all'), `@${join(dir, 'retry.txt')}`)).toEqual(['web01', 'db9']);
    expect(() => limitHosts(inv, [], `@${join(dir, 'missing')}`)).toThrow(/cannot read limit file/);
  });

  it('refuses a malformed limit', async () => {
    const inv = await basic();
    expect(() => limitHosts(inv, [], 'web:&')).toThrow(TsplayError);
  });
});
