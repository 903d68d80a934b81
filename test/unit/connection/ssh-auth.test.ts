import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planAuth } from '../../../engine/connection/ssh-auth.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planAuth', () => {
  it('orders key, agent, password and describes them', () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    const plan = planAuth({ host: 'h', username: 'u', privateKeyFile: join(dir, 'k'), password: 'pw', agentSocket: '/tmp/agent' });
    expect(plan.steps.map((s) => s.type)).toEqual(['publickey', 'agent', 'password']);
    expect(plan.described).toEqual([`publickey (${join(dir, 'k')})`, 'agent', 'password']);
  });

  it('explains a passphrase-protected, missing or broken key', () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pp', '-f', join(dir, 'locked')]);
    expect(() => planAuth({ host: 'h', username: 'u', privateKeyFile: join(dir, 'locked') })).toThrow(/protected by a passphrase/);
    expect(() => planAuth({ host: 'h', username: 'u', privateKeyFile: join(dir, 'missing') })).toThrow(/cannot be read/);
    writeFileSync(join(dir, 'junk'), 'not a key');
    expect(() => planAuth({ host: 'h', username: 'u', privateKeyFile: join(dir, 'junk') })).toThrow(/not a usable key/);
  });

  it('fails with TSPLAY_AUTH when nothing can be tried', () => {
    const saved = { home: process.env.HOME, sock: process.env.SSH_AUTH_SOCK };
    process.env.HOME = dir;
    delete process.env.SSH_AUTH_SOCK;
    try {
      expect(() => planAuth({ host: 'h', username: 'u' })).toThrow(expect.objectContaining({ code: 'TSPLAY_AUTH' }));
    } finally {
      process.env.HOME = saved.home;
      if (saved.sock !== undefined) process.env.SSH_AUTH_SOCK = saved.sock;
    }
  });
});
