import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, parseGetentGroup } from '../../../../modules/utility/group.js';
import { user } from '../../../../modules/utility/user.js';
import { parseUserProbe, planUser, type UserFacts } from '../../../../modules/utility/user-plan.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const planCtx = { host: 'h', check: false, diff: false, noLog: false };
const suffix = String(process.pid);
const U = `tsplay-test-u${suffix}`;
const G1 = `tsplay-test-g${suffix}`;
const G2 = `tsplay-test-h${suffix}`;
const HASH = '$6$saltsalt$NdLk0sWjJlQ0VtaeyjGJuZrqAzDMbZ0qn3nWVJb3l2eh6z8ePX2C4X9fS7tMjqsn0E4WnNO9mGrx1kGkv3kqU/';
const NASTY_COMMENT = `O'Brien "q" $(id) \`id\`; echo pwned`;

function cleanup(): void {
  spawnSync('userdel', ['-r', U], { stdio: 'ignore' });
  for (const g of [U, G1, G2]) spawnSync('groupdel', [g], { stdio: 'ignore' });
}
beforeAll(cleanup);
afterAll(cleanup);

const recorded = [
  '@@passwd', 'postgres:x:105:111:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash',
  '@@primary', 'postgres', '@@groups', 'ssl-cert', '@@shadow', '!', '@@samegroup', 'yes', '@@end', '',
].join('\n');

describe('user probe parser and planner (pure)', () => {
  const facts: UserFacts = parseUserProbe(recorded);
  it('parses a recorded Debian postgres account', () => {
    expect(facts).toEqual({
      exists: true, uid: 105, gid: 111, comment: 'PostgreSQL administrator,,,', home: '/var/lib/postgresql', shell: '/bin/bash',
      group: 'postgres', groups: ['ssl-cert'], hash: '!', sameNameGroup: true,
    });
    expect(parseUserProbe('@@passwd\n@@primary\n@@groups\n@@shadow\n@@samegroup\n@@end\n')).toEqual({ exists: false, groups: [], sameNameGroup: false });
  });
  it('is idempotent when the account matches', () => {
    expect(planUser({ name: 'postgres', shell: '/bin/bash', groups: ['ssl-cert'], group: 'postgres', home: '/var/lib/postgresql' }, facts).changes).toEqual([]);
    expect(planUser({ name: 'postgres', groups: [], append: true }, facts).changes).toEqual([]);
  });
  it('builds usermod for what differs; append adds only the missing groups; password never in the text', () => {
    const plan = planUser({ name: 'postgres', shell: '/bin/sh', groups: ['ssl-cert', 'etcd'], append: true, password: HASH }, facts);
    expect(plan.state).toEqual(['usermod', '-a', '-G', 'etcd', '-s', '/bin/sh', '-p', HASH, 'postgres']);
    expect(plan.changes.join('\n')).not.toContain(HASH);
    expect(JSON.stringify(plan.data)).not.toContain(HASH);
    expect(planUser({ name: 'postgres', groups: [] }, facts).state).toEqual(['usermod', '-G', '', 'postgres']);
  });
  it('creates with the same-name group when it exists, removes with -r', () => {
    const missing: UserFacts = { exists: false, groups: [], sameNameGroup: true };
    expect(planUser({ name: 'etcd', system: true, create_home: false }, missing).state).toEqual(['useradd', '-g', 'etcd', '-r', '-M', 'etcd']);
    expect(planUser({ name: 'postgres', state: 'absent', remove: true }, facts).state).toEqual(['userdel', '-r', 'postgres']);
    expect(planUser({ name: 'nobody2', state: 'absent' }, missing).changes).toEqual([]);
  });
  it('group planner', () => {
    expect(parseGetentGroup('ssl-cert:x:110:postgres\n', 'ssl-cert')).toEqual({ exists: true, gid: 110 });
    expect(group.plan({ name: 'g' }, { exists: false }, planCtx).state).toEqual(['groupadd', 'g']);
    expect(group.plan({ name: 'g', gid: 5000, system: true }, { exists: false }, planCtx).state).toEqual(['groupadd', '-g', '5000', '-r', 'g']);
    expect(group.plan({ name: 'g', gid: 5000 }, { exists: true, gid: 5000 }, planCtx).changes).toEqual([]);
    expect(group.plan({ name: 'g', gid: 5001 }, { exists: true, gid: 5000 }, planCtx).state).toEqual(['groupmod', '-g', '5001', 'g']);
  });
});

describe('group and user on this machine (throwaway accounts)', () => {
  it('group: check mode, create, idempotent, change gid, remove', async () => {
    expect((await runModule(group, { name: G1, system: true }, makeTestContext({ check: true }))).result.status).toBe('changed');
    expect(spawnSync('getent', ['group', G1]).status).not.toBe(0);
    const created = await runModule(group, { name: G1, system: true }, makeTestContext());
    expect(created.result.status).toBe('changed');
    expect(created.result.data.gid).toBeLessThan(1000);
    expect((await runModule(group, { name: G1, system: true }, makeTestContext())).result.status).toBe('ok');
    expect((await runModule(group, { name: G2, gid: 64123 }, makeTestContext())).result.status).toBe('changed');
    expect((await runModule(group, { name: G2, gid: 64124 }, makeTestContext())).result.status).toBe('changed');
    expect(execFileSync('getent', ['group', G2]).toString()).toContain(':64124:');
  });

  it('user: create with a hostile comment and home, idempotent, modify, check mode, remove', async () => {
    const home = `/tmp/${U} $(id) \`x\`; 'h'`;
    const params = { name: U, comment: NASTY_COMMENT, home, shell: '/bin/sh', groups: [G1], password: HASH };
    const checked = await runModule(user, params, makeTestContext({ check: true }));
    expect(checked.result.status).toBe('changed');
    expect(spawnSync('getent', ['passwd', U]).status).not.toBe(0);

    const ctx = makeTestContext();
    const created = await runModule(user, params, ctx);
    expect(created.result.status).toBe('changed');
    const entry = execFileSync('getent', ['passwd', U]).toString().trim();
    expect(entry.split(':').slice(4)).toEqual([NASTY_COMMENT, home, '/bin/sh']);
    expect(existsSync(home)).toBe(true);
    expect(execFileSync('getent', ['shadow', U]).toString().split(':')[1]).toBe(HASH);
    expect(execFileSync('id', ['-Gn', U]).toString()).toContain(G1);
    expect(JSON.stringify(created.result)).not.toContain(HASH);

    expect((await runModule(user, params, makeTestContext())).result.status).toBe('ok');

    const appended = await runModule(user, { name: U, groups: [G2], append: true }, makeTestContext());
    expect(appended.result.status).toBe('changed');
    expect(execFileSync('id', ['-Gn', U]).toString().split(/\s+/)).toEqual(expect.arrayContaining([G1, G2]));
    const exact = await runModule(user, { name: U, groups: [G2], shell: '/bin/bash' }, makeTestContext({ check: true }));
    expect(exact.plan?.changes).toEqual([`user ${U}: groups [${[G1, G2].sort().join(', ')}] -> [${G2}]`, `user ${U}: shell /bin/sh -> /bin/bash`]);
    expect((await runModule(user, { name: U, groups: [G2], shell: '/bin/bash' }, makeTestContext())).result.status).toBe('changed');
    expect(execFileSync('id', ['-Gn', U]).toString()).not.toContain(G1);

    const removed = await runModule(user, { name: U, state: 'absent', remove: true }, makeTestContext());
    expect(removed.result.status).toBe('changed');
    expect(spawnSync('getent', ['passwd', U]).status).not.toBe(0);
    expect(existsSync(home)).toBe(false);
    expect((await runModule(user, { name: U, state: 'absent' }, makeTestContext())).result.status).toBe('ok');
    for (const g of [G1, G2]) expect((await runModule(group, { name: g, state: 'absent' }, makeTestContext())).result.status).toBe('changed');
  });

  it('fails clearly when a group does not exist', async () => {
    const { result } = await runModule(user, { name: U, groups: ['tsplay-test-nope'], create_home: false }, makeTestContext());
    expect(result.status).toBe('failed');
    expect(result.msg).toMatch(/tsplay-test-nope/);
  });
});
