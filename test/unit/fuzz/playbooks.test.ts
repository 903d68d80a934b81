/**
 * Fuzz: mutated playbooks, role files, vars files and templates (the shipped
 * site.yml with its roles, and the playbook fixtures) through the static
 * check and the loader, in process. Each case succeeds or ends in TsplayErrors
 * with a code and a position; never another exception.
 * Each finding prints the FUZZ_SEED=... FUZZ_CASES=1 that reproduces it.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlaybook, loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { Templar } from '../../../engine/vars/index.js';
import { mutate, rng } from './mutate.js';
import { BASE_SEED, caseCount, judge, outcomeOf, overBudget, report, type Finding } from './verdict.js';
import { makeWorkspace } from './workspace.js';

const TREES = { playbooks: 'playbooks', roles: 'roles', inventories: 'inventories', 'test/fixtures/playbooks/good': 'good' };
/** cases run this many at a time, each in its own copy (the checker waits on file reads) */
const LANES = 4;
const lanes = Array.from({ length: LANES }, () => makeWorkspace(TREES));
const ws = lanes[0]!;

interface Target {
  playbook: string;
  rolesPath: string[];
  files: string[];
}

function targets(): Target[] {
  const out: Target[] = [];
  const site = `${ws.root}/playbooks/site.yml`;
  const shipped = [...ws.files('playbooks', /\.ya?ml$/), ...ws.files('roles', /\.(ya?ml|j2)$/)];
  if (shipped.includes(site)) out.push({ playbook: site, rolesPath: [`${ws.root}/roles`], files: shipped });
  const good = ws.files('good', /\.(ya?ml|j2)$/);
  for (const pb of ['site.yml', 'role-args-ok/site.yml', 'vars-list.yml', 'import-sub.yml']) {
    const file = `${ws.root}/good/${pb}`;
    if (good.includes(file)) out.push({ playbook: file, rolesPath: [], files: good });
  }
  return out;
}

describe('fuzz: playbooks, roles, vars files and templates', () => {
  it('every mutated case is accepted or refused with TsplayErrors carrying a code and a position', async () => {
    const all = targets();
    expect(all.length).toBeGreaterThan(0);
    const inventory = await loadInventory([`${ws.root}/inventories/prod.ini`]).catch(() => undefined);
    const templar = new Templar();
    const cases = caseCount(600);
    const findings: Finding[] = [];
    const started = Date.now();
    const runCase = async (lane: number, seed: number): Promise<void> => {
      const w = lanes[lane]!;
      const r = rng(seed);
      const t = all[Math.floor(r() * all.length)]!;
      const file = t.files[Math.floor(r() * t.files.length)]!.replace(ws.root, w.root);
      const m = mutate(w.read(file), seed);
      const pb = t.playbook.replace(ws.root, w.root);
      const rolesPath = t.rolesPath.map((p) => p.replace(ws.root, w.root));
      const outcome = await w.withContent(file, m.text, async () => {
        const checked = await outcomeOf(() => checkPlaybook(pb, { inventory, rolesPath, templar }));
        if (Array.isArray(checked) && checked.some((e) => e.code !== 'TSPLAY_NO_HOSTS')) return checked;
        return checked ?? (await outcomeOf(() => loadPlaybook(pb, { rolesPath })));
      });
      const bad = judge(outcome);
      if (bad) findings.push({ case: `FUZZ_SEED=${seed} FUZZ_CASES=1: ${relative(w.root, file)} [${m.steps.join(', ')}]`, problem: bad });
    };
    let done = 0;
    for (let i = 0; i < cases && !overBudget(started, done, 200); i += LANES) {
      await Promise.all(lanes.map((_, lane) => (i + lane < cases ? runCase(lane, BASE_SEED + i + lane) : undefined)));
      done = Math.min(cases, i + LANES);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz playbooks: ${done} of ${cases} cases in ${seconds.toFixed(1)} s, ${findings.length} findings`);
    expect(findings, report(findings)).toEqual([]);
  }, 120_000);
});
