/**
 * Fuzz: mutated inventories (INI, YAML, group_vars/host_vars files; shipped
 * and fixtures) through loadInventory, in process. Reproduce with FUZZ_SEED.
 */
import { basename, dirname, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../engine/inventory/index.js';
import { mutate, rng } from './mutate.js';
import { BASE_SEED, caseCount, judge, outcomeOf, overBudget, report, type Finding } from './verdict.js';
import { makeWorkspace } from './workspace.js';

const ws = makeWorkspace({ inventories: 'inventories', 'test/fixtures/inventory': 'fixtures', 'playbooks/group_vars': 'pb/group_vars' });

/** The source to load when `file` changed: its inventory directory for vars files, else the file. */
function sourceFor(file: string): string {
  const parent = basename(dirname(file));
  if (parent === 'group_vars' || parent === 'host_vars') return dirname(dirname(file));
  const grand = basename(dirname(dirname(file)));
  if (grand === 'group_vars' || grand === 'host_vars') return dirname(dirname(dirname(file)));
  return file;
}

describe('fuzz: inventories', () => {
  it('every mutated inventory loads or fails with a TsplayError carrying a code and a position', async () => {
    const files = [...ws.files('inventories', /\.(ini|ya?ml)$|^[^.]+$/), ...ws.files('fixtures', /\.(ini|ya?ml|json)$|^[^.]+$/), ...ws.files('pb', /\.ya?ml$/)];
    expect(files.length).toBeGreaterThan(5);
    const cases = caseCount(1500);
    const findings: Finding[] = [];
    const started = Date.now();
    let done = 0;
    for (let i = 0; i < cases && !overBudget(started, done, 500); i++, done++) {
      const seed = BASE_SEED + 100_000 + i;
      const file = files[Math.floor(rng(seed)() * files.length)]!;
      const m = mutate(ws.read(file), seed);
      const outcome = await ws.withContent(file, m.text, () => outcomeOf(() => loadInventory([sourceFor(file)])));
      const bad = judge(outcome);
      if (bad) findings.push({ case: `FUZZ_SEED=${seed - 100_000} FUZZ_CASES=1: ${relative(ws.root, file)} [${m.steps.join(', ')}]`, problem: bad });
    }
    console.log(`fuzz inventories: ${done} of ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ${findings.length} findings`);
    expect(findings, report(findings)).toEqual([]);
  }, 120_000);
});
