import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPlaybook, loadPlaybook } from '../../../engine/playbook/index.js';
import type { DynamicInclude, Task } from '../../../engine/playbook/model.js';
import { TsplayErrors } from '../../../engine/errors.js';
import { fakeTemplar, registerTestModules } from './helpers.js';

beforeAll(() => registerTestModules());

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-handlers-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, 'site.yml');
}

async function problems(files: Record<string, string>): Promise<string[]> {
  const err = await loadPlaybook(write(files)).catch((e: unknown) => e);
  if (!(err instanceof TsplayErrors)) return [];
  return err.errors.map((e) => `${e.code} ${e.source?.line}:${e.source?.col} ${e.message}`);
}

/** the static check (`tsplay check`): also notify targets and included files */
async function checked(files: Record<string, string>): Promise<string[]> {
  const found = await checkPlaybook(write(files), { templar: fakeTemplar });
  return found.map((e) => `${e.code} ${e.source?.line}:${e.source?.col} ${e.message}`);
}

describe('handler shapes', () => {
  it('blocks, import_tasks and include_tasks (with listen) load as handlers', async () => {
    const pb = await loadPlaybook(write({
      'site.yml': `
- hosts: all
  tasks:
    - tcmd: echo
      notify: [inner, imported, restart all, all topic]
  handlers:
    - name: grouping
      block:
        - name: inner
          tdebug: { msg: x }
      when: go
    - import_tasks: more.yml
    - name: restart all
      include_tasks: restart.yml
      listen: all topic
`,
      'more.yml': '- name: imported\n  tdebug: { msg: y }\n  listen: imported topic\n',
      'restart.yml': '- tdebug: { msg: z }\n',
    }));
    const handlers = pb.plays[0]!.handlers;
    expect(handlers.map((h) => h.kind)).toEqual(['block', 'task', 'include_tasks']);
    const inner = (handlers[0] as { block: Task[] }).block[0]!;
    expect(inner.when).toEqual(['go']);
    expect((handlers[1] as Task).listen).toEqual(['imported topic']);
    expect((handlers[2] as DynamicInclude).listen).toEqual(['all topic']);
  });

  it('rescue/always in a handler block, role handlers and listen on import_tasks are errors at their line', async () => {
    const found = await problems({
      'site.yml': `- hosts: all
  tasks:
    - tcmd: echo
  handlers:
    - block:
        - name: a
          tdebug: { msg: x }
      rescue:
        - tdebug: { msg: r }
    - include_role: { name: r }
    - name: imp
      import_tasks: more.yml
      listen: topic
`,
      'more.yml': '- name: b\n  tdebug: { msg: y }\n',
      'roles/r/tasks/main.yml': '- tdebug: { msg: r }\n',
    });
    expect(found).toEqual([
      "TSPLAY_SCHEMA 8:7 'rescue' is not supported in a handler block: a handler block only groups handlers",
      "TSPLAY_INCLUDE 10:7 a handler cannot be 'include_role'",
      "TSPLAY_SCHEMA 13:7 'listen' on import_tasks is not passed to the imported handlers",
    ]);
  });

  it('notify cannot name a handler block or an import (as Ansible), it can name an include_tasks handler', async () => {
    const found = await checked({
      'site.yml': `- hosts: all
  tasks:
    - tcmd: echo
      notify: [grouping, the import, restart all]
  handlers:
    - name: grouping
      block:
        - name: inner
          tdebug: { msg: x }
    - name: the import
      import_tasks: more.yml
    - name: restart all
      include_tasks: more.yml
`,
      'more.yml': '- name: b\n  tdebug: { msg: y }\n',
    });
    expect(found.map((f) => f.replace(/ \(did you mean.*/, ''))).toEqual([
      "TSPLAY_SCHEMA 3:7 notify 'grouping' names no handler of the play",
      "TSPLAY_SCHEMA 3:7 notify 'the import' names no handler of the play",
    ]);
  });

  it('listen stays an error on tasks outside handlers and in the file of an include_tasks handler', async () => {
    const found = await checked({
      'site.yml': `- hosts: all
  tasks:
    - tcmd: echo
      listen: x
      notify: h
  handlers:
    - name: h
      include_tasks: inc.yml
`,
      'inc.yml': '- tdebug: { msg: y }\n  listen: y\n',
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/TSPLAY_UNKNOWN_KEY 4:7 unknown keyword 'listen'/);
    expect(found[1]).toMatch(/TSPLAY_UNKNOWN_KEY 2:3 unknown keyword 'listen'/);
  });
});
