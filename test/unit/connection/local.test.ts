import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection, localBecomeProblem } from '../../../engine/connection/local.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalConnection', () => {
  const c = new LocalConnection();

  it('runs scripts and argv with rc, stdout, stderr, env, cwd and stdin', async () => {
    const r = await c.run('pwd; printf %s "$V"; cat; echo e >&2; exit 3', { cwd: dir, env: { V: "a'b" }, stdin: 'in' });
    expect(r).toMatchObject({ rc: 3, stdout: `${dir}\na'bin`, stderr: 'e\n', timedOut: false });
    expect((await c.run(['printf', '%s', '$(id)'])).stdout).toBe('$(id)');
  });

  it('refuses su when not root (su needs a terminal for its password) instead of using sudo', () => {
    expect(localBecomeProblem({ method: 'su', user: 'app', password: 'pw' }, 1000)).toMatch(/su to app.*only when tsplay runs as root/);
    expect(localBecomeProblem({ method: 'su', user: 'app' }, 0)).toBeUndefined();
    expect(localBecomeProblem({ method: 'sudo', user: 'app' }, 1000)).toBeUndefined();
    expect(localBecomeProblem(false, 1000)).toBeUndefined();
  });

  it('reports a command killed by a signal as 128+n', async () => {
    expect((await c.run('kill -TERM $$')).rc).toBe(143);
  });

  it('kills the whole command at its timeout, children included', async () => {
    const started = Date.now();
    const r = await c.run('sleep 57.13; echo never', { timeoutMs: 200 });
    expect(r).toMatchObject({ rc: 124, timedOut: true, stdout: '' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('puts atomically, keeping an existing mode and using the umask default for new files', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    await c.put('new', p);
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    await c.put('x', join(dir, 'g'));
    expect(statSync(join(dir, 'g')).mode & 0o777).toBe(0o666 & ~process.umask());
    await c.put('y', join(dir, 'h'), { mode: 'u=rwx,go=' });
    expect(statSync(join(dir, 'h')).mode & 0o777).toBe(0o700);
    expect((await c.get(join(dir, 'h'))).toString()).toBe('y');
  });
});
