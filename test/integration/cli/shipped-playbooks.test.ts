/**
 * Every shipped playbook passes `tsplay check` against the example production
 * inventory: a mistake in a role or playbook (an unbalanced quote in a
 * handler's shell text, an unknown keyword, a bad module argument) fails here
 * in seconds instead of in a lab test minutes later.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PLAYBOOKS = readdirSync(join(REPO, 'playbooks')).filter((f) => f.endsWith('.yml')).sort();

describe('shipped playbooks pass tsplay check', () => {
  it('finds the playbooks', () => {
    expect(PLAYBOOKS).toEqual(expect.arrayContaining(['site.yml', 'switchover.yml', 'rolling-restart.yml', 'add-node.yml', 'remove-node.yml', 'backup.yml', 'config-change.yml']));
  });

  it.each(PLAYBOOKS)('%s', (playbook) => {
    const r = spawnSync('node', [join(REPO, 'bin/tsplay.js'), 'check', join(REPO, 'playbooks', playbook), '-i', join(REPO, 'inventories/prod.ini')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toContain(': ok (');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
