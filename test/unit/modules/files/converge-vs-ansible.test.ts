/**
 * The same tasks as ansible-core (fixtures/converge-tasks.json, results in
 * converge-expected.json from gen-converge-fixtures.mjs), twice on a fresh
 * directory: same changed flags on both runs, same files, modes and links.
 */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getModule } from './module-lookup.js';
import { runModule } from '../../../helpers/module-context-files.js';

const here = join(import.meta.dirname, 'fixtures');

function snapshot(dir: string): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) tree[rel] = { type: 'link', target: readlinkSync(p) };
      else if (st.isDirectory()) {
        tree[rel] = { type: 'directory', mode };
        walk(p);
      } else tree[rel] = { type: 'file', mode, content: readFileSync(p, 'utf8') };
    }
  };
  walk(dir);
  return tree;
}

describe('copy/file/template/lineinfile converge like ansible-core', () => {
  it('two runs: same changed flags, same resulting tree', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-conv-'));
    const raw = readFileSync(join(here, 'converge-tasks.json'), 'utf8');
    const tasks = JSON.parse(raw.replaceAll('ROOT', root).replaceAll('CTL', join(here, 'ctl'))) as Record<string, Record<string, unknown>>[];
    const expected = JSON.parse(readFileSync(join(here, 'converge-expected.json'), 'utf8')) as { changed: boolean[][]; tree: Record<string, unknown> };
    for (const run of [0, 1]) {
      const changed: boolean[] = [];
      for (const task of tasks) {
        const [name, params] = Object.entries(task)[0]!;
        changed.push((await runModule(getModule(name), params, { vars: { name: 'world' } })).changed);
      }
      expect(changed, `run ${run + 1}`).toEqual(expected.changed[run]);
    }
    expect(snapshot(root)).toEqual(expected.tree);
  });
});
