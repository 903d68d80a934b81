import { describe, expect, it } from 'vitest';
import { exceedsMaxFail, makeTagFilter, orderHosts, shouldRunByTags, splitBatches } from '../../../engine/executor/index.js';
import { expandLoop, sequence } from '../../../engine/executor/loops.js';
import { comparePaths } from '../../../engine/executor/strategy.js';

const files = { searchDirs: [] };

describe('with_* flattening', () => {
  it('loop and with_list keep nested lists, with_items flattens one level', () => {
    expect(expandLoop('loop', [[1, 2], 3], files)).toEqual([[1, 2], 3]);
    expect(expandLoop('with_list', [[1, 2], 3], files)).toEqual([[1, 2], 3]);
    expect(expandLoop('with_items', [[1, [2]], 3], files)).toEqual([1, [2], 3]);
  });

  it('loop refuses a dict or a string', () => {
    expect(() => expandLoop('loop', { a: 1 }, files)).toThrow(/dict2items/);
    expect(() => expandLoop('loop', 'abc', files)).toThrow(/expects a list/);
  });

  it('with_dict, with_indexed_items, with_together, with_nested, with_subelements', () => {
    expect(expandLoop('with_dict', { a: 1, b: 2 }, files)).toEqual([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    expect(expandLoop('with_indexed_items', ['x', 'y'], files)).toEqual([[0, 'x'], [1, 'y']]);
    expect(expandLoop('with_together', [[1, 2], ['a']], files)).toEqual([[1, 'a'], [2, null]]);
    expect(expandLoop('with_nested', [[1, 2], ['a', 'b']], files)).toEqual([[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]);
    const users = [{ name: 'u1', keys: ['k1', 'k2'] }, { name: 'u2', keys: [] }];
    expect(expandLoop('with_subelements', [users, 'keys'], files)).toEqual([[users[0], 'k1'], [users[0], 'k2']]);
  });

  it('with_sequence forms', () => {
    expect(sequence('start=1 end=3')).toEqual(['1', '2', '3']);
    expect(sequence('count=3 start=0 stride=2')).toEqual(['0', '2', '4']);
    expect(sequence('start=1 end=2 format=node%02d')).toEqual(['node01', 'node02']);
    expect(sequence('4-6')).toEqual(['4', '5', '6']);
    expect(sequence('start=3 end=1 stride=-1')).toEqual(['3', '2', '1']);
  });
});

describe('tag selection', () => {
  const run = (tags: string[], only?: string[], skip?: string[]): boolean => shouldRunByTags(tags, makeTagFilter(only, skip));
  it('follows Ansible', () => {
    expect(run([])).toBe(true);
    expect(run(['never'])).toBe(false);
    expect(run(['never', 'x'], ['x'])).toBe(true);
    expect(run(['always'], ['x'])).toBe(true);
    expect(run(['always'], undefined, ['always'])).toBe(false);
    expect(run(['always'], undefined, ['all'])).toBe(true);
    expect(run(['a'], undefined, ['all'])).toBe(false);
    expect(run([], ['untagged'])).toBe(true);
    expect(run(['a'], ['untagged'])).toBe(false);
    expect(run(['a'], ['tagged'])).toBe(true);
    expect(run(['a'], undefined, ['tagged'])).toBe(false);
    expect(run([], undefined, ['untagged'])).toBe(false);
  });
});

describe('batches and order', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  it('serial', () => {
    expect(splitBatches(hosts, undefined)).toEqual([hosts]);
    expect(splitBatches(hosts, [3]).map((b) => b.length)).toEqual([3, 3, 1]);
    expect(splitBatches(hosts, ['10%']).map((b) => b.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(splitBatches(hosts, [1, 2, '50%']).map((b) => b.length)).toEqual([1, 2, 3, 1]);
    expect(splitBatches(hosts, [0])).toEqual([hosts]);
    expect(() => splitBatches(hosts, ['lots'])).toThrow(/serial/);
  });
  it('max_fail_percentage is strictly above', () => {
    expect(exceedsMaxFail(1, 4, 25)).toBe(false);
    expect(exceedsMaxFail(2, 4, 25)).toBe(true);
    expect(exceedsMaxFail(1, 4, 0)).toBe(true);
    expect(exceedsMaxFail(0, 4, 0)).toBe(false);
    expect(exceedsMaxFail(4, 4, undefined)).toBe(false);
  });
  it('order', () => {
    expect(orderHosts(['b', 'a', 'c'], 'sorted')).toEqual(['a', 'b', 'c']);
    expect(orderHosts(['b', 'a', 'c'], 'reverse_inventory')).toEqual(['c', 'a', 'b']);
    expect(orderHosts(['b', 'a', 'c'], 'shuffle').sort()).toEqual(['a', 'b', 'c']);
  });
  it('tree positions compare element-wise, parents before children', () => {
    expect(comparePaths([0, 1], [0, 2])).toBeLessThan(0);
    expect(comparePaths([0, 1], [0, 1, 0])).toBeLessThan(0);
    expect(comparePaths([-1], [0])).toBeLessThan(0);
    expect(comparePaths([1, 0, 2, 0], [1, 0, 1, 5])).toBeGreaterThan(0);
  });
});
