/**
 * User audit, section 12: `--start-at-task` naming no task ran nothing and
 * exited 0 silently. Now: a clear error before anything runs (exit 5), or,
 * when only dynamic includes may hold the task, after the run that did not
 * find it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStartAtTask, startAtMatches, StartAtWatch } from '../../../engine/cli/start-at.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import type { TaskRef } from '../../../engine/output/index.js';

async function playbook(yaml: string, roleTasks?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-start-at-'));
  if (roleTasks) {
    mkdirSync(join(dir, 'roles/r/tasks'), { recursive: true });
    writeFileSync(join(dir, 'roles/r/tasks/main.yml'), roleTasks);
  }
  writeFileSync(join(dir, 'p.yml'), yaml);
  return loadPlaybook(join(dir, 'p.yml'), { rolesPath: [] });
}

const ROLE_TASKS = '- name: inner one\n  debug: msg=1\n- name: inner two\n  debug: msg=2\n';

describe('checkStartAtTask', () => {
  it('names no task of a playbook without dynamic includes: TSPLAY_OPTIONS, the names in the hint', async () => {
    const pb = await playbook('- hosts: all\n  tasks:\n    - name: first\n      debug: msg=1\n    - block:\n        - name: in block\n          debug: msg=2\n');
    let thrown: unknown;
    try {
      checkStartAtTask(pb, 'typo');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'TSPLAY_OPTIONS', message: 'No matching task "typo" found for --start-at-task' });
    expect((thrown as { hint: string }).hint).toContain('"first", "in block"');
  });

  it('a static task (in a block, an always, an imported role as "role : name", or a glob) needs no watch', async () => {
    const pb = await playbook(
      '- hosts: all\n  roles: [r]\n  tasks:\n    - block:\n        - name: b\n          debug: msg=1\n      always:\n        - name: cleanup\n          debug: msg=2\n',
      ROLE_TASKS,
    );
    for (const wanted of ['b', 'cleanup', 'inner two', 'r : inner one', 'inner*', 'r : *two', undefined]) expect(checkStartAtTask(pb, wanted)).toBeUndefined();
    expect(() => checkStartAtTask(pb, 'r : nope')).toThrow(/No matching task "r : nope"/);
  });

  it('with a dynamic include the task may be inside it: the run goes ahead with a watch', async () => {
    const pb = await playbook('- hosts: all\n  tasks:\n    - name: first\n      debug: msg=1\n    - include_role: { name: r }\n', ROLE_TASKS);
    const watch = checkStartAtTask(pb, 'inner two');
    expect(watch).toBeInstanceOf(StartAtWatch);
  });
});

describe('StartAtWatch', () => {
  const ref = (name: string, role?: string): TaskRef => ({ id: '1/1', name, module: 'debug', role });

  it('finds the task among the started ones (role prefix or not), never among handlers or includes named otherwise', () => {
    const watch = new StartAtWatch('inner two', ['first']);
    watch.seen({ type: 'task_start', v: 1, task: { ...ref('include_role: r'), module: 'include_role' }, hosts: ['h'], handler: false });
    watch.seen({ type: 'task_start', v: 1, task: ref('inner two'), hosts: ['h'], handler: true });
    expect(watch.found).toBe(false);
    expect(watch.error().message).toBe('No matching task "inner two" found for --start-at-task');
    watch.seen({ type: 'task_start', v: 1, task: ref('r : inner two', 'r'), hosts: ['h'], handler: false });
    expect(watch.found).toBe(true);
    const byRole = new StartAtWatch('r : inner*', []);
    byRole.seen({ type: 'task_start', v: 1, task: ref('r : inner two', 'r'), hosts: ['h'], handler: false });
    expect(byRole.found).toBe(true);
  });

  it('matches as the executor does: exact, or a glob', () => {
    expect(startAtMatches('install things', 'install things')).toBe(true);
    expect(startAtMatches('install things', 'inst*')).toBe(true);
    expect(startAtMatches('install things', 'inst')).toBe(false);
    expect(startAtMatches('a.b', 'a?b')).toBe(true);
    expect(startAtMatches('axb', 'a.b')).toBe(false);
  });
});
