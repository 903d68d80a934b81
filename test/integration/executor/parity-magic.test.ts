/**
 * Magic variables from the run options, by ansible-playbook and by tsplay on
 * the same options: same values (ansible_version compared on major.minor:
 * tsplay follows 2.14, the installed ansible-core is a 2.14.x; run tags sorted:
 * ansible-playbook makes them from a set, in no fixed order).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, caseDir, runAnsible, runTsplay } from './parity-harness.js';
import type { ParityCase } from './parity-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.skipIf(!ansibleAvailable)('magic variables parity with ansible-playbook', () => {
  it('run tags, skip tags, limit, forks, check/diff mode, verbosity, play name, inventory and playbook dirs', async () => {
    const c: ParityCase = {
      args: ['--tags', 'x,always', '--skip-tags', 'c', '-l', 'h1', '-f', '7', '--check', '--diff'],
      tsplay: { tags: ['x', 'always'], skipTags: ['c'], limit: 'h1', forks: 7, check: true, diff: true },
      playbook: `
- hosts: web
  gather_facts: false
  tasks:
    - name: magic
      debug: { msg: "run={{ ansible_run_tags | sort }} skip={{ ansible_skip_tags }} limit={{ ansible_limit }} forks={{ ansible_forks }} check={{ ansible_check_mode }} diff={{ ansible_diff_mode }} verb={{ ansible_verbosity }} play={{ ansible_play_name }} v={{ ansible_version.major }}.{{ ansible_version.minor }} {{ ansible_version.full is version('2.9', '>=') }} dirs={{ inventory_dir == playbook_dir }} {{ inventory_file | basename }} {{ ansible_inventory_sources | map('basename') | list }}" }
      tags: [always]
`,
    };
    const a = caseDir(c);
    const t = caseDir(c);
    dirs.push(a, t);
    const ansible = runAnsible(a, c);
    const tsplay = await runTsplay(t, c);
    expect(ansible.debug).toHaveLength(1);
    expect(tsplay.debug).toEqual(ansible.debug);
  }, 60_000);
});
