/**
 * authorized_key against ansible.posix 1.5's on the same steps (skipped when
 * ansible-playbook is absent): after each step the file holds the same bytes,
 * the task is changed or not alike, and the registered keys match. Then
 * check mode and --diff, idempotence, modes and hostile paths on this machine.
 * The user is root with explicit paths: nobody's real authorized_keys is touched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizedKey } from '../../../../modules/system/authorized-key.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const hasAnsible = existsSync('/usr/bin/ansible-playbook') && existsSync('/usr/lib/python3/dist-packages/ansible_collections/ansible/posix');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-authkey-'));
const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb b@host';
const C = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYcccc c@host';
const SEED = `# managed by hand\n${B}\nno-pty,command="echo a,b" ${C}\n\nnot a key line\n${A} old comment`;

/** Steps on one file per tool: [params without path, file content to seed first or undefined]. */
const STEPS: [Record<string, unknown>, string | undefined][] = [
  [{ key: A }, undefined],
  [{ key: A }, undefined],
  [{ key: B, key_options: 'no-agent-forwarding,from="10.0.0.1,10.0.0.2"' }, undefined],
  [{ key: A, comment: 'new one' }, undefined],
  [{ key: `${A}\n# a comment line\n${C}`, state: 'absent' }, undefined],
  [{ key: `${C}\n${A}`, exclusive: true }, undefined],
  [{ key: C, exclusive: true }, undefined],
  [{ key: A }, SEED],
  [{ key: C, key_options: 'no-pty,command="echo a,b"' }, undefined],
  [{ key: C, key_options: '' }, undefined],
  [{ key: `${B} other` }, undefined],
  [{ key: B, exclusive: true, manage_dir: false }, undefined],
];

let theirs: { changed: boolean; content: string; result: Record<string, unknown> }[] = [];

function runAnsible(file: string): typeof theirs {
  const tasks = STEPS.map(([params, seed], i) => [
    seed !== undefined ? `    - copy: { dest: ${JSON.stringify(file)}, content: ${JSON.stringify(seed)} }` : '',
    `    - authorized_key: ${JSON.stringify({ user: 'root', path: file, ...params })}\n      register: r${i}`,
    `    - slurp: { src: ${JSON.stringify(file)} }\n      register: s${i}`,
  ].filter(Boolean).join('\n')).join('\n');
  const out = join(dir, 'ansible.json');
  const all = STEPS.map((_s, i) => `{'r': r${i}, 's': s${i}.content | b64decode}`).join(',');
  writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}\n    - copy: { dest: ${out}, content: "{{ [${all}] | to_json }}" }\n`);
  execFileSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'pb.yml')], {
    env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1' },
    timeout: 90_000,
  });
  return (JSON.parse(readFileSync(out, 'utf8')) as { r: Record<string, unknown>; s: string }[]).map((x) => ({ changed: x.r.changed === true, content: x.s, result: x.r }));
}

beforeAll(() => {
  if (hasAnsible) theirs = runAnsible(join(dir, 'ansible', 'keys'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasAnsible)('authorized_key matches ansible.posix 1.5, step by step', () => {
  it('same file bytes, same changed, same registered keys after each step', async () => {
    const file = join(dir, 'ours', 'keys');
    for (const [i, [params, seed]] of STEPS.entries()) {
      if (seed !== undefined) writeFileSync(file, seed);
      const { result } = await runModule(authorizedKey, { user: 'root', path: file, ...params }, makeTestContext());
      const label = `step ${i} ${JSON.stringify(params)}`;
      expect(result.status, label).toBe(theirs[i]!.changed ? 'changed' : 'ok');
      expect(readFileSync(file, 'utf8'), label).toBe(theirs[i]!.content);
      const { changed: _c, failed: _f, ansible_facts: _a, invocation: _i, diff: _d, ...keys } = theirs[i]!.result;
      const same = (o: Record<string, unknown>, sub: string) => JSON.parse(JSON.stringify(o).replaceAll(join(dir, sub), 'DIR')) as unknown;
      expect(same(result.data, 'ours'), label).toEqual(same(keys, 'ansible'));
    }
    expect(statSync(join(dir, 'ours')).mode & 0o777).toBe(statSync(join(dir, 'ansible')).mode & 0o777);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('authorized_key on this machine', () => {
  it('check mode and --diff show the exact new content and write nothing; a second run changes nothing', async () => {
    const file = join(dir, 'check', 'authorized_keys');
    const check = (await runModule(authorizedKey, { user: 'root', path: file, key: B }, makeTestContext({ check: true, diff: true }))).result;
    expect(check.status).toBe('changed');
    expect(check.diff).toEqual([{ path: file, before: '', after: `${B}\n` }]);
    expect(existsSync(join(dir, 'check'))).toBe(false);
    expect((await runModule(authorizedKey, { user: 'root', path: file, key: B }, makeTestContext())).result.status).toBe('changed');
    expect(statSync(join(dir, 'check')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(`${B}\n`);
    expect((await runModule(authorizedKey, { user: 'root', path: file, key: B }, makeTestContext())).result.status).toBe('ok');
    expect((await runModule(authorizedKey, { user: 'root', path: file, key: B }, makeTestContext({ check: true }))).result.status).toBe('ok');
  });

  it('check mode with a path needs no user; without one the user must exist', async () => {
    const file = join(dir, 'nouser');
    const ok = (await runModule(authorizedKey, { user: 'no-such-user-x', path: file, key: A }, makeTestContext({ check: true }))).result;
    expect(ok.status).toBe('changed');
    const real = (await runModule(authorizedKey, { user: 'no-such-user-x', path: file, key: A }, makeTestContext())).result;
    expect(real.msg).toBe(`Failed to lookup user no-such-user-x: "getpwnam(): name not found: 'no-such-user-x'"`);
    const noPath = (await runModule(authorizedKey, { user: 'no-such-user-x', key: A }, makeTestContext({ check: true }))).result;
    expect(noPath.msg).toBe('Either user must exist or you must provide full path to key file in check mode');
  });

  it('an invalid key fails with Ansible\'s message', async () => {
    const { result } = await runModule(authorizedKey, { user: 'root', path: join(dir, 'inv'), key: 'not-a-key AAAA' }, makeTestContext());
    expect(result.msg).toBe('invalid key specified: not-a-key AAAA');
  });

  it('a hostile path is data', async () => {
    const d = join(dir, `h'$(touch PWNED1) \`touch PWNED2\`;x`);
    mkdirSync(d);
    const file = join(d, 'k"$HOME');
    expect((await runModule(authorizedKey, { user: 'root', path: file, key: A }, makeTestContext())).result.status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe(`${A} \n`);
    expect(existsSync('PWNED1') || existsSync('PWNED2') || existsSync(join(dir, 'PWNED1'))).toBe(false);
  });

  it('follow writes through a symlinked file; without it the link is replaced by the file (as atomic_move)', async () => {
    const real = join(dir, 'real_keys');
    writeFileSync(real, `${B}\n`);
    symlinkSync(real, join(dir, 'via_link'));
    symlinkSync(real, join(dir, 'plain_link'));
    await runModule(authorizedKey, { user: 'root', path: join(dir, 'via_link'), key: A, follow: true }, makeTestContext());
    expect(lstatSync(join(dir, 'via_link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(`${B}\n${A} \n`);
    await runModule(authorizedKey, { user: 'root', path: join(dir, 'plain_link'), key: C }, makeTestContext());
    expect(lstatSync(join(dir, 'plain_link')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'plain_link'), 'utf8')).toBe(`${B}\n${A} \n${C}\n`);
    expect(readFileSync(real, 'utf8')).toBe(`${B}\n${A} \n`);
  });
});
