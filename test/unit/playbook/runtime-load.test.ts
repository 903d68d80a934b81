/** loadTaskFile and loadRole: what include_tasks / include_role read at run time. */
import { beforeAll, describe, expect, it } from 'vitest';
import { good, registerTestModules } from './helpers.js';
import { loadRole, loadTaskFile } from '../../../engine/playbook/index.js';
import { TsplayErrors } from '../../../engine/errors.js';
import type { Task } from '../../../engine/playbook/model.js';

const source = { file: good('site.yml'), line: 104, col: 7 };

beforeAll(() => registerTestModules());

describe('loadTaskFile', () => {
  it('reads a task file relative to the base dir and applies the include apply keywords', async () => {
    const tasks = (await loadTaskFile('tasks/extra.yml', { baseDir: good(), source, apply: { tags: ['applied'], become: true, when: ['x'] } })) as Task[];
    expect(tasks.map((t) => t.name)).toEqual(['extra one', 'extra two']);
    expect(tasks[1]).toMatchObject({ tags: ['applied', 'own'], become: true, when: ['x'], baseDir: good('tasks') });
  });

  it("finds a file in the role's tasks/ and keeps the role on the tasks", async () => {
    const { role } = await loadRole('common', { playbookDir: good(), params: {}, source });
    const tasks = (await loadTaskFile('main.yml', { baseDir: good(), role, source })) as Task[];
    expect(tasks[0]).toMatchObject({ name: 'common task', role: { name: 'common' } });
  });

  it('throws TsplayErrors with the include position when the file is missing', async () => {
    const err = await loadTaskFile('nope.yml', { baseDir: good(), source }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsplayErrors);
    expect((err as TsplayErrors).errors[0]).toMatchObject({ code: 'TSPLAY_FILE_NOT_FOUND', source });
  });
});

describe('loadRole', () => {
  it('returns the role with params, its dependencies first, and its handlers', async () => {
    const r = await loadRole('common', { playbookDir: good(), params: { p: 1 }, source });
    expect(r.role).toMatchObject({ name: 'common', params: { p: 1 }, defaults: { common_default: 'd' }, source });
    expect(r.role.dependencies.map((d) => d.name)).toEqual(['base']);
    expect((r.tasks as Task[]).map((t) => t.name)).toEqual(['base task', 'common task', 'common template']);
    expect(r.handlers.map((h) => h.name)).toEqual(['common handler']);
  });

  it('honours tasks_from and defaults_from', async () => {
    const r = await loadRole('base', { playbookDir: good(), params: {}, source, from: { tasks: 'main.yml', defaults: 'main' } });
    expect(r.role.defaults).toEqual({ base_default: 1 });
    expect(r.tasks).toHaveLength(1);
  });

  it('throws TSPLAY_ROLE_NOT_FOUND listing where it looked', async () => {
    const err = (await loadRole('ghost', { playbookDir: good(), params: {}, source }).catch((e: unknown) => e)) as TsplayErrors;
    expect(err.errors[0]!.code).toBe('TSPLAY_ROLE_NOT_FOUND');
    expect(err.errors[0]!.hint).toContain(good('roles', 'ghost'));
  });
});
