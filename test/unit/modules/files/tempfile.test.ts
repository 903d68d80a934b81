/** tempfile: the script and its parser (recorded output), and real runs on this machine. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTempfileOutput, randomName, tempfile, tempfileScript } from '../../../../modules/files/tempfile.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runModule } from '../../../helpers/ctx-utility-run.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-tempfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tempfile: pure parts', () => {
  it('names as Python: prefix, 8 of [a-z0-9_], suffix', () => {
    expect(randomName('ansible.', '.d')).toMatch(/^ansible\.[a-z0-9_]{8}\.d$/);
    expect(new Set(Array.from({ length: 50 }, () => randomName('', ''))).size).toBe(50);
  });

  it('parses recorded output: created, and each errno', () => {
    expect(parseTempfileOutput('P /tmp/ansible.ab_cd123\nS 0|0|root|root|600|0\n', 'file')).toEqual({
      path: '/tmp/ansible.ab_cd123',
      data: { path: '/tmp/ansible.ab_cd123', uid: 0, gid: 0, owner: 'root', group: 'root', mode: '0600', size: 0, state: 'file' },
    });
    expect(parseTempfileOutput('P /nope/x\nE 2\n', 'file')).toEqual({ path: '/nope/x', errno: 2 });
    expect(parseTempfileOutput('', 'directory').errno).toBe(-1);
  });

  it('quotes path and name; the default directory is $TMPDIR or /tmp', () => {
    const s = tempfileScript({ path: "/a b/$(x)'" }, "p'q");
    expect(s).toContain(`d='/a b/$(x)'\\'''; f="$d"/'p'\\''q'`);
    expect(tempfileScript({}, 'n')).toContain('d="${TMPDIR:-/tmp}";');
    expect(tempfileScript({ path: '~/w x' }, 'n')).toContain(`d="$HOME"/'w x';`);
    expect(tempfileScript({ state: 'directory' }, 'n')).toContain('mkdir -m 700 -- "$f"');
  });

  it('check mode cannot predict the name: skipped with Ansible\'s message', () => {
    const plan = tempfile.plan({}, undefined, { host: 'h', check: true, diff: false, noLog: false });
    expect(plan.unpredictable).toBe('remote module (tempfile) does not support check mode');
    expect(plan.changes.length).toBe(1);
  });
});

describe('tempfile for real', () => {
  it('creates a 0600 file and a 0700 directory with Ansible\'s keys, each time a new one', async () => {
    const a = (await runModule(tempfile, { path: dir, suffix: '.sql' }, makeTestContext())).result;
    expect(a.status).toBe('changed');
    expect(Object.keys(a.data).sort()).toEqual(['gid', 'group', 'mode', 'owner', 'path', 'size', 'state', 'uid']);
    expect(a.data).toMatchObject({ mode: '0600', size: 0, state: 'file', uid: process.getuid!() });
    expect(String(a.data.path)).toMatch(new RegExp(`^${dir}/ansible\\.[a-z0-9_]{8}\\.sql$`));
    expect(statSync(String(a.data.path)).mode & 0o7777).toBe(0o600);
    const b = (await runModule(tempfile, { path: dir, state: 'directory', prefix: "x'$(touch PWNED)" }, makeTestContext())).result;
    expect(b.data).toMatchObject({ mode: '0700', state: 'directory' });
    expect(statSync(String(b.data.path)).isDirectory()).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith("x'$(touch PWNED)")).length).toBe(1);
    expect(readdirSync(process.cwd()).includes('PWNED')).toBe(false);
    const c = (await runModule(tempfile, { path: dir, suffix: '.sql' }, makeTestContext())).result;
    expect(c.data.path).not.toBe(a.data.path);
  });

  it('check mode creates nothing', async () => {
    const before = readdirSync(dir).length;
    const { result } = await runModule(tempfile, { path: dir }, makeTestContext({ check: true }));
    expect(result.status).toBe('skipped');
    expect(readdirSync(dir).length).toBe(before);
  });

  it('a missing directory fails with Python\'s message', async () => {
    const { result } = await runModule(tempfile, { path: join(dir, 'nope') }, makeTestContext());
    expect(result.status).toBe('failed');
    expect(result.msg).toMatch(new RegExp(`^\\[Errno 2\\] No such file or directory: '${dir}/nope/ansible\\.[a-z0-9_]{8}'$`));
  });
});
