/**
 * Fuzz: mutated templates (the roles' and fixtures' .j2 files) through the
 * Templar's checkSyntax and renderString, and mutated YAML files through
 * parseYaml, in process. Reproduce with FUZZ_SEED.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';
import { parseYaml } from '../../../engine/yaml.js';
import { mutate, rng } from './mutate.js';
import { BASE_SEED, caseCount, judge, outcomeOf, report, type Finding } from './verdict.js';
import { makeWorkspace } from './workspace.js';

const ws = makeWorkspace({ roles: 'roles', playbooks: 'playbooks', inventories: 'inventories', 'test/fixtures': 'fixtures' });

/** Enough variables that rendering gets past the first lookup now and then. */
const VARS = {
  inventory_hostname: 'db1',
  ansible_host: '10.0.0.1',
  groups: { all: ['db1', 'db2'], etcd: ['db1'], patroni: ['db1', 'db2'] },
  hostvars: { db1: { ansible_host: '10.0.0.1' }, db2: { ansible_host: '10.0.0.2' } },
  items: [1, 2, 3],
  name: 'x',
};

describe('fuzz: templates and YAML', () => {
  it('every mutated template is checked and rendered, or refused with a TsplayError', async () => {
    const files = [...ws.files('roles', /\.j2$/), ...ws.files('fixtures', /\.j2$/)];
    expect(files.length).toBeGreaterThan(3);
    const templar = new Templar();
    const cases = caseCount(1500);
    const findings: Finding[] = [];
    const started = Date.now();
    for (let i = 0; i < cases; i++) {
      const seed = BASE_SEED + 200_000 + i;
      const file = files[Math.floor(rng(seed)() * files.length)]!;
      const m = mutate(ws.read(file), seed);
      const ctx = { source: { file, line: 1, col: 1 } };
      let bad = judge(await outcomeOf(() => templar.checkSyntax(m.text, ctx)));
      if (!bad) {
        const rendered = await outcomeOf(() => {
          templar.renderString(m.text, VARS, ctx);
        });
        bad = judge(rendered);
      }
      if (bad) findings.push({ case: `FUZZ_SEED=${seed - 200_000} FUZZ_CASES=1: ${relative(ws.root, file)} [${m.steps.join(', ')}]`, problem: bad });
    }
    console.log(`fuzz templates: ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ${findings.length} findings`);
    expect(findings, report(findings)).toEqual([]);
  }, 120_000);

  it('every mutated YAML file parses or fails with a TsplayError at a position', async () => {
    const files = [...ws.files('roles', /\.ya?ml$/), ...ws.files('playbooks', /\.ya?ml$/), ...ws.files('inventories', /\.ya?ml$/), ...ws.files('fixtures', /\.ya?ml$/)];
    const cases = caseCount(2000);
    const findings: Finding[] = [];
    for (let i = 0; i < cases; i++) {
      const seed = BASE_SEED + 300_000 + i;
      const file = files[Math.floor(rng(seed)() * files.length)]!;
      const m = mutate(ws.read(file), seed);
      const bad = judge(await outcomeOf(() => {
        parseYaml(m.text, file);
      }));
      if (bad) findings.push({ case: `FUZZ_SEED=${seed - 300_000} FUZZ_CASES=1: ${relative(ws.root, file)} [${m.steps.join(', ')}]`, problem: bad });
    }
    expect(findings, report(findings)).toEqual([]);
  }, 120_000);
});
