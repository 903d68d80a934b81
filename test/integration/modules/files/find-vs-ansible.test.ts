/**
 * find on this machine against ansible-core 2.14's find on the same tree:
 * the same files in the same order with the same stat keys and values, the
 * same matched/examined counts, msg and skipped_paths (skipped when
 * ansible-playbook is absent). Also: hostile file names come back as data.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { find } from '../../../../modules/files/find.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runFind } from '../../../unit/modules/files/find-run.js';
import { registeredByAnsible } from '../../executor/ansible-ref.js';

const hasAnsible = existsSync('/usr/bin/ansible-playbook');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-find-'));
const tree = join(dir, 'tree');

function makeTree(): void {
  for (const d of ['a/b/c', '.hid', 'd', 'empty']) mkdirSync(join(tree, d), { recursive: true });
  const files: Record<string, string> = {
    'a/p.yml': 'scope: x\nname: y\n', 'top.log': 'hi\n', 'a/b/old.log': 'old\n', 'a/b/c/deep.txt': 'deep\n',
    '.hid/in.txt': 'h\n', '.dot.log': 'h\n', 'd/big.bin': 'z'.repeat(5000), 'a/b/mid scope.txt': 'x\n  scope: indented\n',
    "d/we'ird $(x) name.log": 'w\n',
  };
  for (const [f, c] of Object.entries(files)) writeFileSync(join(tree, f), c);
  const old = Date.now() / 1000 - 30 * 86400;
  utimesSync(join(tree, 'a/b/old.log'), old, old);
  symlinkSync('a', join(tree, 'lnk'));
  symlinkSync('missing', join(tree, 'broken'));
  execFileSync('mkfifo', [join(tree, 'fifo')]);
}

/** Each case is one find task's arguments; the tree path is filled in. */
const CASES: Record<string, unknown>[] = [
  { paths: tree },
  { paths: tree, recurse: true, file_type: 'any', hidden: true },
  { paths: `${tree},${join(dir, 'nope')}`, patterns: '*.log,*.txt', recurse: true, depth: 2 },
  { paths: tree, recurse: true, age: '2w' },
  { paths: tree, recurse: true, age: '-1d', excludes: ['*.yml'] },
  { paths: [tree], recurse: true, size: '1k', get_checksum: true },
  { paths: tree, recurse: true, size: '-4', file_type: 'any' },
  { paths: tree, recurse: true, contains: 'sco', excludes: 'x*' },
  { paths: tree, recurse: true, contains: 'scope', read_whole_file: true },
  { paths: tree, recurse: true, file_type: 'directory', patterns: ['^[a-c]$', '^em'], use_regex: true },
  { paths: tree, recurse: true, file_type: 'link' },
  { paths: tree, recurse: true, follow: true, patterns: '*.yml' },
  { paths: join(tree, 'lnk'), patterns: ['P.YML', 'p.y?l'] },
  { paths: join(tree, 'a/p.yml') },
];

let theirs: Record<string, unknown>[] = [];

function runAnsible(): Record<string, unknown>[] {
  return registeredByAnsible(dir, 'find', CASES);
}

/** atime moves as either tool reads files (contains, checksum); everything else must be equal. */
function comparable(r: Record<string, unknown>): Record<string, unknown> {
  const files = (r.files as Record<string, unknown>[]).map(({ atime: _a, ...f }) => f);
  return { files, matched: r.matched, examined: r.examined, msg: r.msg, skipped_paths: r.skipped_paths, changed: r.changed ?? false };
}

beforeAll(() => {
  makeTree();
  if (hasAnsible) theirs = runAnsible();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasAnsible)('find matches ansible-core 2.14 on the same tree', () => {
  it.each(CASES.map((c, i) => [JSON.stringify(c).replaceAll(tree, 'T'), i] as const))('%s', async (_label, i) => {
    const ctx = makeTestContext();
    const { result } = await runFind(CASES[i]!, ctx);
    expect(result.status).toBe('ok');
    expect(comparable({ ...result.data, changed: false })).toEqual(comparable(theirs[i]!));
    if (Object.keys(result.data.skipped_paths as object).length > 0) expect(ctx.warnings.join('\n')).toContain('is not a directory');
  });
});

describe('find for real', () => {
  it('returns hostile file names as data and runs nothing they say', async () => {
    const { result } = await runFind({ paths: tree, recurse: true, patterns: '*name.log', contains: 'w', get_checksum: true }, makeTestContext());
    const files = result.data.files as { path: string; checksum: string }[];
    expect(files.map((f) => f.path)).toEqual([join(tree, "d/we'ird $(x) name.log")]);
    expect(files[0]!.checksum).toBe(createHash('sha1').update('w\n').digest('hex'));
  });

  it('check mode reports the same result (read-only)', async () => {
    const { result } = await runFind({ paths: tree, recurse: true, patterns: '*.log' }, makeTestContext({ check: true }));
    expect(result.status).toBe('ok');
    expect(result.data.matched).toBe(3);
  });

  it('a bad size or age fails the task with Ansible\'s message', async () => {
    expect((await runFind({ paths: tree, size: '10x' }, makeTestContext())).result.msg).toBe('failed to process size');
    expect((await runFind({ paths: tree, age: 'old' }, makeTestContext())).result.msg).toBe('failed to process age');
  });
});
