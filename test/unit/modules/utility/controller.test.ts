import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { debug } from '../../../../modules/utility/debug.js';
import { setFact } from '../../../../modules/utility/set-fact.js';
import { assert } from '../../../../modules/utility/assert.js';
import { fail } from '../../../../modules/utility/fail.js';
import { meta } from '../../../../modules/utility/meta.js';
import { includeVars } from '../../../../modules/utility/include-vars.js';
import { addHost, addHostRequest } from '../../../../modules/utility/add-host.js';
import { groupBy } from '../../../../modules/utility/group-by.js';
import { ping } from '../../../../modules/utility/ping.js';
import { lookupVar, parseVarPath } from '../../../../modules/utility/expr.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule, validateParams } from '../../../helpers/ctx-utility-run.js';

const planCtx = { host: 'h', check: false, diff: false, noLog: false };
const vars = { pg: { port: 5432, members: [{ name: 'a' }, { name: 'b' }] }, etcd_hosts: ['e1', 'e2', 'e3'], flag: true };

describe('expression helpers', () => {
  it('parses variable paths and keeps native values', () => {
    expect(parseVarPath("pg.members[1]['name']")).toEqual(['pg', 'members', 1, 'name']);
    expect(parseVarPath('pg | length')).toBeUndefined();
    expect(lookupVar(vars, 'pg.members[0]')).toEqual({ path: true, found: true, value: { name: 'a' } });
    expect(lookupVar(vars, 'pg.nope').found).toBe(false);
  });
});

describe('debug', () => {
  it('prints msg, the default, or a variable with its native value (check mode too)', async () => {
    expect((await runModule(debug, { msg: 'hi' }, makeTestContext())).result).toMatchObject({ status: 'ok', data: { msg: 'hi' } });
    expect((await runModule(debug, {}, makeTestContext())).result.data).toEqual({ msg: 'Hello world!' });
    const v = await runModule(debug, { var: 'pg.members' }, makeTestContext({ vars, check: true }));
    expect(v.result).toMatchObject({ status: 'ok', data: { 'pg.members': [{ name: 'a' }, { name: 'b' }] } });
    expect((await runModule(debug, { var: 'missing' }, makeTestContext({ vars }))).result.data).toEqual({ missing: 'VARIABLE IS NOT DEFINED!' });
    expect((await runModule(debug, { var: 'etcd_hosts | length' }, makeTestContext({ vars }))).result.data).toEqual({ 'etcd_hosts | length': '3' });
  });
  it('is skipped below its verbosity', async () => {
    const quiet = await runModule(debug, { msg: 'x', verbosity: 2 }, makeTestContext({ vars: { ansible_verbosity: 1 } }));
    expect(quiet.result).toMatchObject({ status: 'skipped', reason: 'Verbosity threshold not met.' });
    expect((await runModule(debug, { msg: 'x', verbosity: 1 }, makeTestContext({ vars: { ansible_verbosity: 1 } }))).result.status).toBe('ok');
  });
  it('rejects msg and var together', () => {
    expect(() => debug.plan({ msg: 'a', var: 'b' }, { verbosity: 0 }, planCtx)).toThrow(/not both/);
  });
});

describe('set_fact', () => {
  it('returns the variables as ansible_facts, never changed, same in check mode (idempotent by nature)', async () => {
    const p = { leader: 'pg1', ports: [1, 2], cacheable: true };
    const r = await runModule(setFact, p, makeTestContext());
    expect(r.result).toMatchObject({ status: 'ok', data: { ansible_facts: { leader: 'pg1', ports: [1, 2] }, cacheable: true } });
    expect((await runModule(setFact, p, makeTestContext({ check: true }))).result.status).toBe('ok');
  });
  it('rejects bad variable names and an empty task', () => {
    expect(() => validateParams(setFact, { 'bad-name': 1 })).toThrow();
    expect(() => setFact.plan({}, undefined, planCtx)).toThrow(/at least one variable/);
  });
});

describe('assert', () => {
  it('passes when every condition holds (strings and booleans)', async () => {
    const r = await runModule(assert, { that: ['etcd_hosts | length == 3', 'pg.port > 1000', true, 'flag'], success_msg: 'fine' }, makeTestContext({ vars }));
    expect(r.result).toMatchObject({ status: 'ok', data: { msg: 'fine' } });
  });
  it('fails on the first false condition with fail_msg, also in check mode', async () => {
    const r = await runModule(assert, { that: ['pg.port == 5432', 'etcd_hosts | length is odd and false'], fail_msg: 'need odd' }, makeTestContext({ vars, check: true }));
    expect(r.result).toMatchObject({ status: 'failed', msg: 'need odd', data: { assertion: 'etcd_hosts | length is odd and false', evaluated_to: false } });
    expect((await runModule(assert, { that: 'false' }, makeTestContext())).result.msg).toBe('Assertion failed');
  });
  it('reports an expression that cannot be evaluated', async () => {
    const r = await runModule(assert, { that: 'pg.port >' }, makeTestContext({ vars }));
    expect(r.result.status).toBe('failed');
    expect(r.result.msg).toContain("The conditional check 'pg.port >' failed");
  });
});

describe('fail, meta, ping', () => {
  it('fail fails with its message (default too)', async () => {
    expect((await runModule(fail, { msg: 'stop here' }, makeTestContext())).result).toMatchObject({ status: 'failed', msg: 'stop here' });
    expect((await runModule(fail, {}, makeTestContext({ check: true }))).result.msg).toBe('Failed as requested from task');
  });
  it('meta validates the action and plans nothing', () => {
    expect(meta.plan({ free_form: 'flush_handlers' }, undefined, planCtx).changes).toEqual([]);
    expect(() => validateParams(meta, { free_form: 'explode' })).toThrow();
  });
  it('ping answers pong over a real connection', async () => {
    expect((await runModule(ping, {}, makeTestContext())).result).toMatchObject({ status: 'ok', data: { ping: 'pong' } });
    expect((await runModule(ping, { data: 'crash' }, makeTestContext())).result.status).toBe('failed');
  });
});

describe('add_host and group_by', () => {
  it('builds the inventory request with vars, groups and port', () => {
    expect(addHostRequest({ name: '10.0.0.5:2222', groups: 'pg, new', ansible_user: 'admin' })).toEqual({
      name: '10.0.0.5', groups: ['pg', 'new'], vars: { ansible_user: 'admin', ansible_port: 2222 },
    });
    expect(addHostRequest({ hostname: 'n1', group: ['a'], groupname: 'b' }).groups).toEqual(['a', 'b']);
    expect(() => addHostRequest({ groups: 'x' })).toThrow(/needs a name/);
  });
  it('runs as ok in both modes', async () => {
    const r = await runModule(addHost, { name: 'n2', groups: ['x'] }, makeTestContext({ check: true }));
    expect(r.result).toMatchObject({ status: 'ok', data: { add_host: { name: 'n2', groups: ['x'], vars: {} } } });
    const g = await runModule(groupBy, { key: 'os Debian 12' }, makeTestContext());
    expect(g.result.data).toEqual({ add_group: { name: 'os-Debian-12', parents: ['all'] } });
    expect(groupBy.plan({ key: 'k', parents: 'a,b' }, undefined, planCtx).data).toEqual({ add_group: { name: 'k', parents: ['a', 'b'] } });
  });
});

describe('include_vars', () => {
  const base = mkdtempSync(join(tmpdir(), 'tsplay-iv-'));
  mkdirSync(join(base, 'vars', 'cl', 'sub'), { recursive: true });
  writeFileSync(join(base, 'vars', 'Debian.yml'), 'pkg: postgresql-15\nports: [5432]\nenabled: yes\n');
  writeFileSync(join(base, 'vars', 'cl', 'a.yml'), 'x: 1\nw: a\n');
  writeFileSync(join(base, 'vars', 'cl', 'b.json'), '{"w": "b"}');
  writeFileSync(join(base, 'vars', 'cl', 'notes.txt'), 'ignored');
  writeFileSync(join(base, 'vars', 'cl', 'sub', 'c.yaml'), 'z: 3\n');
  writeFileSync(join(base, 'vars', 'list.yml'), '- 1\n');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('loads one file (YAML 1.1 booleans) from vars/', async () => {
    const r = await runModule(includeVars, { file: 'Debian.yml' }, makeTestContext({ baseDir: base }));
    expect(r.result.data).toEqual({
      ansible_included_var_files: [join(base, 'vars', 'Debian.yml')],
      include_vars: { pkg: 'postgresql-15', ports: [5432], enabled: true },
    });
  });
  it('loads a directory in order, later files win, under name; depth limits', async () => {
    const r = await runModule(includeVars, { dir: 'cl', name: 'cl' }, makeTestContext({ baseDir: base, check: true }));
    expect(r.result.data.include_vars).toEqual({ cl: { x: 1, w: 'b', z: 3 } });
    const shallow = await runModule(includeVars, { dir: 'cl', depth: 1, ignore_files: ['b.*'] }, makeTestContext({ baseDir: base }));
    expect(shallow.result.data.include_vars).toEqual({ x: 1, w: 'a' });
  });
  it('fails clearly on a missing file or a non-mapping', async () => {
    await expect(runModule(includeVars, { file: 'nope.yml' }, makeTestContext({ baseDir: base }))).rejects.toThrow(/cannot find vars file/);
    await expect(runModule(includeVars, { file: 'list.yml' }, makeTestContext({ baseDir: base }))).rejects.toThrow(/mapping/);
  });
});
