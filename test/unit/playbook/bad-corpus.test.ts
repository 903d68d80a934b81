/**
 * The malformed corpus: each playbook under fixtures/playbooks/bad (a file, or
 * a directory with site.yml) and every problem the static check must report,
 * with its code and file:line:col.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES, fakeTemplar, registerTestModules } from './helpers.js';
import { checkPlaybook, loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/load.js';
import type { Inventory } from '../../../engine/inventory/types.js';
import { TsplayErrors } from '../../../engine/errors.js';

const BAD = join(FIXTURES, 'bad');

/** code, where (file relative to the case when not its playbook), and a piece of the message */
type Expected = [code: string, where: string, message?: string];

const CASES: Record<string, Expected[]> = {
  'yaml-syntax.yml': [['TSPLAY_YAML_SYNTAX', '5:1']],
  'yaml-duplicate-key.yml': [['TSPLAY_YAML_SYNTAX', '5:7', 'unique']],
  'not-a-list.yml': [['TSPLAY_SCHEMA', '1:1', 'must be a list of plays']],
  'play-not-mapping.yml': [['TSPLAY_SCHEMA', '3:3', 'a play must be a mapping']],
  'missing-hosts.yml': [['TSPLAY_SCHEMA', '1:3', "needs 'hosts'"]],
  'unknown-play-key.yml': [['TSPLAY_UNKNOWN_KEY', '2:3', "unknown play keyword 'pre_task' (did you mean 'pre_tasks'?)"]],
  'when-on-play.yml': [['TSPLAY_UNKNOWN_KEY', '2:3', 'not valid on a play']],
  'unknown-task-key.yml': [['TSPLAY_UNKNOWN_KEY', '5:7', "unknown keyword 'whn' (did you mean 'when'?)"]],
  'unknown-module.yml': [['TSPLAY_UNKNOWN_MODULE', '4:7', "unknown module 'tempalte' (did you mean 'template'?)"]],
  'unknown-collection-module.yml': [['TSPLAY_UNKNOWN_MODULE', '3:7', "unknown module 'community.postgresql.tcopy' (did you mean 'tcopy'?)"]],
  'no-module.yml': [['TSPLAY_SCHEMA', '3:7', 'no module']],
  'two-modules.yml': [['TSPLAY_SCHEMA', '4:7', 'conflicting actions']],
  'missing-required-arg.yml': [['TSPLAY_MODULE_ARGS', '5:9', "missing required argument 'dest'"]],
  'unknown-arg.yml': [['TSPLAY_MODULE_ARGS', '5:9', "unknown argument 'dset' (did you mean 'dest'?)"]],
  'wrong-type-arg.yml': [['TSPLAY_MODULE_ARGS', '5:16', "argument 'force' must be boolean, found a list"]],
  'bad-enum.yml': [['TSPLAY_MODULE_ARGS', '5:16', 'must be one of "present", "absent", found "presnt"']],
  'nested-arg-type.yml': [['TSPLAY_MODULE_ARGS', '7:13', "argument 'lines[1]' must be string"]],
  'free-text-not-allowed.yml': [['TSPLAY_MODULE_ARGS', '3:14', 'not free text']],
  'free-form-arg-positions.yml': [
    ['TSPLAY_MODULE_ARGS', '3:26', "unknown argument 'dset'"],
    ['TSPLAY_MODULE_ARGS', '3:40', "argument 'force' must be boolean"],
  ],
  'arg-at-task-level.yml': [
    ['TSPLAY_UNKNOWN_KEY', '5:7', "unknown keyword 'dest'"],
    ['TSPLAY_MODULE_ARGS', '4:9', "missing required argument 'dest'"],
  ],
  'unbalanced-free-form.yml': [['TSPLAY_MODULE_ARGS', '3:13', 'unbalanced quotes']],
  'notify-unknown-handler.yml': [['TSPLAY_SCHEMA', '3:7', "notify 'restart ngnix' names no handler of the play (did you mean 'restart nginx'?)"]],
  'bad-meta.yml': [['TSPLAY_MODULE_ARGS', '3:13', "did you mean 'flush_handlers'"]],
  'bad-template-string.yml': [['TSPLAY_TEMPLATE_SYNTAX', '4:14']],
  'bad-template-in-vars.yml': [['TSPLAY_TEMPLATE_SYNTAX', '3:15']],
  'bad-when-expression.yml': [['TSPLAY_TEMPLATE_SYNTAX', '6:11', '(a == 1']],
  'change-when-expression.yml': [['TSPLAY_TEMPLATE_SYNTAX', '5:21', 'out.rc ==']],
  'bad-template-file': [['TSPLAY_TEMPLATE_SYNTAX', 'templates/broken.j2:1:1']],
  'bad-template-in-role': [
    ['TSPLAY_TEMPLATE_SYNTAX', 'roles/r/templates/conf.j2:1:1'],
    ['TSPLAY_FILE_NOT_FOUND', 'roles/r/tasks/main.yml:5:10', "template 'missing.j2' not found"],
  ],
  'bad-template-in-vars-file': [['TSPLAY_TEMPLATE_SYNTAX', 'vars/main.yml:2:9']],
  'bad-template-in-role-defaults': [['TSPLAY_TEMPLATE_SYNTAX', 'roles/r/defaults/main.yml:3:7']],
  'missing-template-file.yml': [['TSPLAY_FILE_NOT_FOUND', '4:14', "template 'nowhere.j2'"]],
  'missing-import-tasks.yml': [['TSPLAY_FILE_NOT_FOUND', '3:21', "'nowhere.yml' not found"]],
  'import-tasks-templated.yml': [['TSPLAY_INCLUDE', '3:21', 'static file name']],
  'import-cycle': [['TSPLAY_INCLUDE', 'b.yml:1:17', 'import cycle']],
  'missing-vars-file.yml': [['TSPLAY_FILE_NOT_FOUND', '3:7', "vars file 'vars/none.yml'"]],
  'role-not-found.yml': [['TSPLAY_ROLE_NOT_FOUND', '3:13', "role 'nosuchrole' not found"]],
  'role-args': [
    ['TSPLAY_ROLE_ARGS', '4:13', "argument 'port' must be of type int"],
    ['TSPLAY_ROLE_ARGS', '5:13', 'must be one of "primary", "standby", found "replica"'],
    ['TSPLAY_ROLE_ARGS', '6:7', "unknown argument 'colour' (did you mean 'color'?)"],
    ['TSPLAY_ROLE_ARGS', '8:16', 'element "x" must be of type int'],
    ['TSPLAY_ROLE_ARGS', '3:13', "missing required argument 'cluster_name'"],
  ],
  'role-task-syntax': [['TSPLAY_YAML_SYNTAX', 'roles/broken/tasks/main.yml:4:1']],
  'role-vars-not-mapping': [['TSPLAY_SCHEMA', 'roles/r/defaults/main.yml:1:1', 'must be a mapping']],
  'bad-dependency': [['TSPLAY_ROLE_NOT_FOUND', 'roles/app/meta/main.yml:3:11', "role 'missingdep'"]],
  'block-with-loop.yml': [['TSPLAY_UNKNOWN_KEY', '5:7', "'loop' is not valid on a block"]],
  'listen-on-task.yml': [['TSPLAY_UNKNOWN_KEY', '4:7', 'only valid on handlers']],
  'bad-register.yml': [['TSPLAY_SCHEMA', '4:17', 'my-result']],
  'bad-become-method.yml': [['TSPLAY_SCHEMA', '2:18', "become_method 'doas'"]],
  'bad-strategy.yml': [['TSPLAY_SCHEMA', '2:13', "did you mean 'free'"]],
  'bad-serial.yml': [['TSPLAY_SCHEMA', '2:11', "'serial'"]],
  'two-loops.yml': [['TSPLAY_SCHEMA', '5:7', 'one loop']],
  'bad-loop-control.yml': [['TSPLAY_UNKNOWN_KEY', '6:9', "did you mean 'loop_var'"]],
  'tasks-not-list.yml': [['TSPLAY_SCHEMA', '3:5', "'tasks' must be a list"]],
  'task-not-mapping.yml': [['TSPLAY_SCHEMA', '3:7', 'a task must be a mapping']],
  'bad-bool.yml': [['TSPLAY_SCHEMA', '4:15', "'become' must be a boolean"]],
  'bad-host-pattern.yml': [['TSPLAY_HOST_PATTERN', '1:10', "unbalanced '['"]],
  'no-hosts-match.yml': [['TSPLAY_NO_HOSTS', '1:10', 'matches no host']],
  'include-tasks-missing.yml': [['TSPLAY_FILE_NOT_FOUND', '3:22', "'gone.yml' not found"]],
  'include-role-bad-option': [['TSPLAY_UNKNOWN_KEY', '5:9', "did you mean 'tasks_from'"]],
  'import-role-loop': [['TSPLAY_INCLUDE', '5:7', 'cannot loop']],
  'tasks-from-missing': [['TSPLAY_FILE_NOT_FOUND', '3:7', 'tasks/nope not found']],
  'import-playbook-missing.yml': [['TSPLAY_FILE_NOT_FOUND', '1:20', 'missing.yml']],
  'args-not-mapping.yml': [['TSPLAY_SCHEMA', '4:13', "'args' must be a mapping"]],
  'action-without-module.yml': [['TSPLAY_SCHEMA', '4:9', 'needs a module']],
  'vars-not-mapping.yml': [['TSPLAY_SCHEMA', '3:5', "'vars' must be a mapping"]],
  'unknown-include-keyword.yml': [
    ['TSPLAY_UNKNOWN_KEY', '4:7', "did you mean 'register'"],
    ['TSPLAY_UNKNOWN_KEY', '5:7', "did you mean 'tags'"],
    ['TSPLAY_FILE_NOT_FOUND', '3:22', "'x.yml' not found"],
  ],
  'several-problems.yml': [
    ['TSPLAY_UNKNOWN_KEY', '5:7', "'whn'"],
    ['TSPLAY_UNKNOWN_MODULE', '7:7', "'tempalte'"],
    ['TSPLAY_MODULE_ARGS', '10:9', "'dest'"],
    ['TSPLAY_TEMPLATE_SYNTAX', '13:14'],
    ['TSPLAY_UNKNOWN_KEY', '15:3', "did you mean 'gather_facts'"],
  ],
};

function playbookOf(name: string): string {
  return statSync(join(BAD, name)).isDirectory() ? join(BAD, name, 'site.yml') : join(BAD, name);
}

/** `line:col` for the case's own playbook, `path:line:col` (relative to the case directory) otherwise. */
function whereOf(name: string, file: string | undefined, line?: number, col?: number): string {
  const own = playbookOf(name);
  if (file === own) return `${line}:${col}`;
  const base = statSync(join(BAD, name)).isDirectory() ? join(BAD, name) : BAD;
  return `${relative(base, file ?? '?')}:${line}:${col}`;
}

let inventory: Inventory;

beforeAll(async () => {
  registerTestModules();
  inventory = await loadInventory([join(FIXTURES, 'inventory.ini')]);
});

describe('malformed corpus', () => {
  it('covers every case on disk and at least 40 of them', () => {
    const onDisk = readdirSync(BAD).sort();
    expect(Object.keys(CASES).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, expected] of Object.entries(CASES)) {
    it(`${name}: ${expected.map((e) => e[0]).join(', ')}`, async () => {
      const found = await checkPlaybook(playbookOf(name), { templar: fakeTemplar, inventory });
      const got = found.map((e) => [e.code, whereOf(name, e.source?.file, e.source?.line, e.source?.col), e.message] as const);
      expect(got.map(([code, where]) => [code, where])).toEqual(expected.map(([code, where]) => [code, where]));
      expected.forEach(([, , message], i) => {
        if (message) expect(got[i]![2]).toContain(message);
      });
    });
  }

  it('loadPlaybook throws every structural problem at once', async () => {
    const err = await loadPlaybook(playbookOf('several-problems.yml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsplayErrors);
    const codes = (err as TsplayErrors).errors.map((e) => `${e.code}@${e.source?.line}:${e.source?.col}`);
    // the template syntax problem needs the templar: only the static check reports it
    expect(codes).toEqual(['TSPLAY_UNKNOWN_KEY@5:7', 'TSPLAY_UNKNOWN_MODULE@7:7', 'TSPLAY_MODULE_ARGS@10:9', 'TSPLAY_UNKNOWN_KEY@15:3']);
  });

  it('tells when a module argument is written at task level', async () => {
    const [err] = await checkPlaybook(playbookOf('arg-at-task-level.yml'), {});
    expect(err!.hint).toBe("'dest' is an argument of module 'tcopy': indent it under the module");
  });

  it('errors carry the offending text and what was expected', async () => {
    const [err] = await checkPlaybook(playbookOf('unknown-arg.yml'), {});
    expect(err!.excerpt).toBe('dset');
    expect(err!.hint).toContain('valid arguments: dest, force');
    expect(err!.format()).toMatch(/unknown-arg\.yml:5:9: module 'tcopy': unknown argument 'dset'/);
  });
});
