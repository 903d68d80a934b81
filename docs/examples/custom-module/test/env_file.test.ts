/**
 * The example module's tests: the planner is pure, so most of it is tested
 * without a host. Idempotence: after apply, plan(p, factsAfter) is empty.
 * (The repository runs this file from test/unit/extend/example-module.test.ts;
 * in your own project, point vitest at it directly.)
 */
import { describe, expect, it } from 'vitest';
import envFile, { editEnv, formatValue, type EnvFileFacts, type EnvFileParams } from '../library/env_file.js';

const ctx = { host: 'web1', check: false, diff: false, noLog: false };
const plan = (p: EnvFileParams, facts: EnvFileFacts) => envFile.plan(p, facts, ctx);

describe('env_file (example custom module)', () => {
  it('creates a missing file with the entries', () => {
    const r = plan({ path: '/etc/default/app', entries: { PORT: 8080 } }, { exists: false, content: '' });
    expect(r.changes).toEqual(['create /etc/default/app']);
    expect(r.state?.content).toBe('PORT=8080\n');
  });

  it('keeps comments and other lines, updates in place, appends new entries', () => {
    const before = '# app settings\nPORT=80\nexport USER=app\n';
    const after = editEnv(before, { path: 'x', entries: { PORT: 8080, NAME: 'my app' } });
    expect(after).toBe('# app settings\nPORT=8080\nexport USER=app\nNAME="my app"\n');
  });

  it('removes entries with state=absent', () => {
    expect(editEnv('A=1\nB=2\n', { path: 'x', entries: { A: '' }, state: 'absent' })).toBe('B=2\n');
  });

  it('quotes values a shell would split or expand', () => {
    expect(formatValue('plain/value-1')).toBe('plain/value-1');
    expect(formatValue('a "b" $HOME')).toBe('"a \\"b\\" \\$HOME"');
  });

  it('is idempotent: planning again from the state apply leaves changes nothing', () => {
    const p: EnvFileParams = { path: '/etc/default/app', entries: { PORT: 8080, GREETING: 'hello world' } };
    const first = plan(p, { exists: true, content: 'PORT=80\n' });
    expect(first.changes).toHaveLength(1);
    const again = plan(p, { exists: true, content: first.state!.content });
    expect(again.changes).toEqual([]);
    expect(again.reason).toBe('entries already as wanted');
  });

  it('absent entries in a missing file: nothing to do', () => {
    expect(plan({ path: '/x', entries: { A: '' }, state: 'absent' }, { exists: false, content: '' }).changes).toEqual([]);
  });

  it('refuses to create the file with create: false', () => {
    expect(() => plan({ path: '/x', entries: { A: 1 }, create: false }, { exists: false, content: '' })).toThrow(/does not exist/);
  });
});
