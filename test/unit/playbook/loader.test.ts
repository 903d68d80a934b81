import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fakeTemplar, good, registerTestModules, FIXTURES } from './helpers.js';
import { checkPlaybook, loadPlaybook } from '../../../engine/playbook/index.js';
import type { Block, DynamicInclude, Play, Playbook, Task, TaskNode } from '../../../engine/playbook/model.js';
import { loadInventory } from '../../../engine/inventory/load.js';

let pb: Playbook;
let play: Play;

beforeAll(async () => {
  registerTestModules();
  pb = await loadPlaybook(good('site.yml'));
  play = pb.plays[0]!;
});

const section = (name: string): TaskNode[] => play.sections.find((s) => s.name === name)!.tasks;
const named = (nodes: TaskNode[], name: string): TaskNode => nodes.find((n) => n.name === name)!;
const tasks = (): TaskNode[] => section('tasks');

describe('plays', () => {
  it('reads every play keyword', () => {
    expect(pb.dir).toBe(good());
    expect(play).toMatchObject({
      name: 'Everything',
      hosts: 'web:db',
      vars: { app: 'demo' },
      varsFiles: ['vars/common.yml'],
      gatherFacts: false,
      serial: [1, '30%'],
      strategy: 'free',
      maxFailPercentage: 20,
      anyErrorsFatal: true,
      become: true,
      becomeUser: 'admin',
      becomeMethod: 'su',
      tags: ['play'],
      environment: { LANG: 'C' },
      checkMode: false,
      diff: true,
      ignoreUnreachable: true,
      ignoreErrors: false,
      order: 'sorted',
      forceHandlers: true,
      noLog: false,
      remoteUser: 'deploy',
      connection: 'ssh',
      timeout: 30,
    });
    expect(play.source).toMatchObject({ file: good('site.yml'), line: 1, col: 3 });
  });

  it('orders sections pre_tasks, roles, tasks, post_tasks', () => {
    expect(play.sections.map((s) => s.name)).toEqual(['pre_tasks', 'roles', 'tasks', 'post_tasks']);
    expect(section('pre_tasks').map((t) => t.name)).toEqual(['pre']);
    expect((section('post_tasks')[0] as Task).args).toEqual({ msg: 'post' });
  });

  it('inserts imported playbooks with their vars', () => {
    const other = pb.plays[1]!;
    expect(pb.plays).toHaveLength(2);
    expect(other).toMatchObject({ hosts: 'all', name: 'all', importedFrom: good('other.yml'), vars: { imported_var: 1 }, gatherFacts: true, strategy: 'linear', order: 'inventory' });
  });

  it('finds roles beside an imported playbook, applies its when and tags, and keeps warnings', async () => {
    const sub = await loadPlaybook(good('import-sub.yml'));
    const p = sub.plays[0]!;
    expect(p).toMatchObject({ importedFrom: good('sub/play.yml'), tags: ['sub'] });
    expect(p.roles[0]!.path).toBe(good('sub/roles/subrole'));
    expect(p.sections[1]!.tasks[0]).toMatchObject({ when: ['run_sub'] });
    expect(sub.warnings!.map((w) => `${w.code} ${w.message} ${w.source?.line}:${w.source?.col}`)).toEqual(["TSPLAY_UNKNOWN_KEY 'module_defaults' is not supported and is ignored 2:3"]);
  });
});

describe('vars', () => {
  it('accepts vars as a list of mappings, merged in order', async () => {
    const v = await loadPlaybook(good('vars-list.yml'));
    expect(v.plays[0]!.vars).toEqual({ a: 3, b: 2 });
  });
});

describe('tasks', () => {
  it('reads every task keyword', () => {
    const t = named(tasks(), 'copy a file') as Task;
    expect(t).toMatchObject({
      kind: 'task',
      module: 'tcopy',
      moduleAs: 'tcopy',
      args: { owner: 'root', src: 'a.txt', dest: '/tmp/a.txt', mode: '0644' },
      when: ["app == 'demo'", 'true'],
      loop: '{{ items }}',
      loopKind: 'loop',
      loopControl: { loopVar: 'it', indexVar: 'i', label: '{{ it }}', pause: 1, extended: true },
      register: 'copied',
      notify: ['restart app'],
      tags: ['a', 'b'],
      become: true,
      becomeUser: 'root',
      delegateTo: 'other',
      delegateFacts: true,
      runOnce: true,
      changedWhen: false,
      failedWhen: ['copied.rc != 0'],
      ignoreErrors: '{{ lenient }}',
      ignoreUnreachable: false,
      retries: 3,
      until: ['copied is success'],
      delay: 2,
      noLog: true,
      environment: { A: '1' },
      vars: { x: 1 },
      checkMode: true,
      diff: false,
      throttle: 2,
      timeout: 10,
      anyErrorsFatal: false,
    });
    expect(t.source).toMatchObject({ line: 40, col: 7 });
    expect(t.argsSource).toMatchObject({ line: 42, col: 9 });
  });

  it('parses free-form arguments, the freeForm param, aliases, action and local_action', () => {
    const list = tasks() as Task[];
    expect(named(list, 'free form')).toMatchObject({ module: 'tcmd', args: { cmd: 'echo "hello world"', chdir: '/tmp', creates: '/tmp/x' } });
    const aliased = list.find((t) => t.moduleAs === 'tsplay.test.tcopy')!;
    expect(aliased).toMatchObject({ module: 'tcopy', args: { dest: '/tmp/b', src: 'my file', force: true } });
    expect(list.find((t) => t.kind === 'task' && t.args.dest === '/tmp/c')?.delegateTo).toBeUndefined();
    expect(list.find((t) => t.kind === 'task' && t.args.dest === '/tmp/d')).toMatchObject({ module: 'tcopy', args: { dest: '/tmp/d' }, delegateTo: 'localhost' });
  });

  it('keeps key=value words in the text only for raw-command modules', () => {
    const other = pb.plays[1]!.sections[2]!.tasks as Task[];
    expect(other.slice(0, 3).map((t) => t.args)).toEqual([{ msg: 'other' }, { file: 'a.yml', name: 'x' }, { file: 'b.yml' }]);
    expect(other[3]).toMatchObject({ kind: 'include_tasks', target: 'tasks/extra.yml', apply: { tags: ['inline'] } });
  });

  it('reads with_* loops and meta', () => {
    const list = tasks() as Task[];
    expect(list.find((t) => t.loopKind === 'with_items')).toMatchObject({ loop: [1, 2], args: { var: 'item' } });
    expect(list.find((t) => t.loopKind === 'with_dict')).toMatchObject({ loop: { a: 1 } });
    expect(list.find((t) => t.module === 'meta')).toMatchObject({ args: { free_form: 'flush_handlers' } });
  });

  it('pushes block keywords down to block, rescue and always', () => {
    const block = tasks().find((t) => t.kind === 'block') as Block;
    expect(block).toMatchObject({ when: ['outer_ok'], tags: ['blk'], become: true, becomeUser: 'blockuser', vars: { b: 1 } });
    expect(block.block[0]).toMatchObject({ when: ['outer_ok', 'inner_ok'], tags: ['blk', 'inner'], become: true, becomeUser: 'blockuser', vars: { b: 1 } });
    expect(block.rescue[0]).toMatchObject({ args: { msg: 'rescued' }, when: ['outer_ok'], becomeUser: 'blockuser' });
    expect(block.always[0]).toMatchObject({ args: { msg: 'always' }, when: ['outer_ok'] });
  });

  it('expands import_tasks with the import keywords on each task', () => {
    const imported = tasks().filter((t) => t.name === 'extra one' || t.name === 'extra two');
    expect(imported).toHaveLength(2);
    expect(imported[0]).toMatchObject({ when: ['imported'], tags: ['imp'], vars: { iv: 1 }, baseDir: good('tasks') });
    expect(imported[1]).toMatchObject({ tags: ['imp', 'own'] });
    expect(imported[0]!.source.file).toBe(good('tasks/extra.yml'));
  });

  it('keeps include_tasks and include_role dynamic, with params, loop and apply', () => {
    const inc = tasks().filter((t) => t.kind === 'include_tasks') as DynamicInclude[];
    expect(inc[0]).toMatchObject({ target: 'tasks/extra.yml', params: { p: 2 }, loop: [1, 2], loopKind: 'loop', apply: { tags: ['applied'], become: true } });
    const role = tasks().find((t) => t.kind === 'include_role') as DynamicInclude;
    expect(role).toMatchObject({ target: 'base', from: { tasks: 'main' }, params: { rp: 1 } });
  });

  it('expands import_role with its when on each task', () => {
    const t = tasks().find((n) => n.kind === 'task' && n.name === 'base task') as Task;
    expect(t).toMatchObject({ when: ['ir'], role: { name: 'base' } });
  });

  it('reads handlers with listen, role handlers before play handlers (as ansible-playbook)', () => {
    expect(play.handlers.map((h) => h.name)).toEqual(['common handler', 'restart app']);
    expect(play.handlers[1]).toMatchObject({ listen: ['app changed'], args: { cmd: 'systemctl restart app' } });
    expect(play.handlers[0]!.role?.name).toBe('common');
  });
});

describe('roles', () => {
  it('lists roles with dependencies first, each once', () => {
    expect(play.roles.map((r) => r.name)).toEqual(['base', 'common', 'web']);
    const common = play.roles[1]!;
    expect(common).toMatchObject({ defaults: { common_default: 'd' }, vars: { common_var_role: 'v' }, path: good('roles/common') });
    expect(common.dependencies.map((d) => d.name)).toEqual(['base']);
    expect(play.roles[2]!.params).toEqual({ port: 80, listen_port: 8080 });
  });

  it('runs dependency tasks before the role and applies the role entry keywords', () => {
    const list = section('roles') as Task[];
    expect(list.map((t) => t.name)).toEqual(['base task', 'common task', 'common template', 'web task']);
    expect(list[1]!.role?.name).toBe('common');
    expect(list[3]).toMatchObject({ when: ['app is defined'], tags: ['webtag'], become: false, baseDir: good('roles/web/tasks') });
  });

  it('deduplicates roles with the same params unless allow_duplicates', async () => {
    const dd = await loadPlaybook(good('dedup.yml'));
    const names = (dd.plays[0]!.sections[1]!.tasks as Task[]).map((t) => `${t.role?.name}:${JSON.stringify(t.role?.params)}`);
    expect(names).toEqual(['base:{}', 'base:{"x":1}', 'dup:{}', 'dup:{}']);
  });

  it('finds roles in rolesPath and TSPLAY_ROLES_PATH', async () => {
    const file = good('elsewhere', 'uses-base.yml');
    const err = await loadPlaybook(file).catch((e: Error) => e);
    expect(String(err)).toMatch(/role 'base' not found/);
    expect(String(err)).toMatch(/elsewhere\/roles\/base/);
    const viaOption = await loadPlaybook(file, { rolesPath: [good('roles')] });
    expect(viaOption.plays[0]!.roles[0]!.path).toBe(good('roles', 'base'));
    process.env.TSPLAY_ROLES_PATH = `/nonexistent:${good('roles')}`;
    try {
      const viaEnv = await loadPlaybook(file);
      expect(viaEnv.plays[0]!.roles[0]!.name).toBe('base');
    } finally {
      delete process.env.TSPLAY_ROLES_PATH;
    }
  });
});

describe('static check of good playbooks', () => {
  it('finds nothing wrong in the good fixture, with templates and an inventory', async () => {
    const inventory = await loadInventory([join(FIXTURES, 'inventory.ini')]);
    expect(await checkPlaybook(good('site.yml'), { templar: fakeTemplar, inventory })).toEqual([]);
  });

  it('takes defaults, group_vars, vars_files, set_fact, register and extra vars as providing required role arguments', async () => {
    const file = good('role-args-ok', 'site.yml');
    expect(await checkPlaybook(file, { templar: fakeTemplar, extraVars: { from_extra: 'x' } })).toEqual([]);
    const without = await checkPlaybook(file, { templar: fakeTemplar });
    expect(without.map((e) => `${e.code} ${e.message} ${e.source?.line}:${e.source?.col}`)).toEqual(["TSPLAY_ROLE_ARGS role 'needs': missing required argument 'from_extra' 12:7"]);
  });
});
