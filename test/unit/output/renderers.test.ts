import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../../engine/output/index.js';
import { Redactor, MASK } from '../../../engine/output/redact.js';
import type { RunEvent, TaskRef } from '../../../engine/output/events.js';
import { recapLine, noColors, ansi } from '../../../engine/output/format.js';
import { emptyStats } from '../../../engine/output/events.js';

function capture(): { stream: NodeJS.WriteStream; text(): string } {
  const pt = new PassThrough();
  const chunks: Buffer[] = [];
  pt.on('data', (c: Buffer) => chunks.push(c));
  return { stream: pt as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const task: TaskRef = { id: '0/0', name: 'write config', module: 'template', source: { file: '/p/site.yml', line: 7, col: 7 } };

function events(secret: string): RunEvent[] {
  return [
    { type: 'run_start', v: 1, time: 'now', playbook: 'site.yml', check: false, diff: true },
    { type: 'play_start', v: 1, name: 'deploy', hosts: ['a', 'b'] },
    { type: 'task_start', v: 1, task, hosts: ['a', 'b'], handler: false },
    {
      type: 'host_result', v: 1, task, host: 'a', durationMs: 12, handler: false,
      result: { status: 'changed', data: {}, diff: [{ path: '/etc/x.conf', before: 'a\n', after: `password=${secret}\n` }] },
    },
    {
      type: 'host_result', v: 1, task, host: 'b', durationMs: 30, handler: false,
      result: { status: 'failed', msg: `auth failed for ${secret}`, data: {}, command: { cmd: `psql -c "alter role x password '${secret}'"`, rc: 2, stderrTail: `bad ${secret}` } },
    },
    { type: 'recap', v: 1, stats: { a: { ...emptyStats(), ok: 1, changed: 1 }, b: { ...emptyStats(), failed: 1 } }, durationMs: 1234 },
    { type: 'run_end', v: 1, exitCode: 2 },
  ];
}

describe('plain renderer', () => {
  it('prints results, failures with file:line, diffs and the recap, with secrets masked', async () => {
    const out = capture();
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    const { sink, renderer } = createRenderer({ mode: 'plain', stream: out.stream, diff: true, redactor });
    for (const e of events('s3cr3t-value')) sink(e);
    await renderer.close();
    const text = out.text();
    expect(text).toContain('PLAY [deploy]');
    expect(text).toContain('TASK [write config]');
    expect(text).toContain('changed: [a]');
    expect(text).toContain('fatal: [b]: FAILED!');
    expect(text).toContain('task: /p/site.yml:7:7');
    expect(text).toContain('exit code: 2');
    expect(text).toContain('+password=');
    expect(text).toMatch(/a\s+: ok=1\s+changed=1/);
    expect(text).not.toContain('s3cr3t-value');
    expect(text).toContain(MASK);
  });
});

describe('json renderer', () => {
  it('writes one parseable event per line, redacted', async () => {
    const out = capture();
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    const { sink, renderer } = createRenderer({ mode: 'json', stream: out.stream, redactor });
    const evs = events('s3cr3t-value');
    for (const e of evs) sink(e);
    await renderer.close();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(evs.length);
    const parsed = lines.map((l) => JSON.parse(l) as RunEvent);
    expect(parsed.map((e) => e.type)).toEqual(evs.map((e) => e.type));
    expect(out.text()).not.toContain('s3cr3t-value');
  });
});

describe('recap line', () => {
  it('aligns columns the same with and without colours', () => {
    const s = { ...emptyStats(), ok: 12, changed: 3 };
    const plain = recapLine('db1', s, 10, noColors);
    // eslint-disable-next-line no-control-regex
    const coloured = recapLine('db1', s, 10, ansi).replace(/\u001b\[[0-9;]*m/g, '');
    expect(coloured).toBe(plain);
    expect(plain).toBe('db1        : ok=12   changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0');
  });
});

describe('Redactor', () => {
  it('masks secret-named variables, longest first, and multi-line secrets line by line', () => {
    const r = new Redactor();
    r.addFromVars({ patroni_superuser_password: 'abcd1234', nested: { api_token: 'tok-xyz-123' }, name: 'public' });
    r.add('line-one-secret\nline-two-secret');
    expect(r.redact('pw abcd1234 and tok-xyz-123 and public')).toBe(`pw ${MASK} and ${MASK} and public`);
    expect(r.redact('x line-two-secret y')).toBe(`x ${MASK} y`);
    expect(r.redactDeep({ a: ['abcd1234'], b: 3 })).toEqual({ a: [MASK], b: 3 });
  });
  it('ignores values too short to mask safely', () => {
    const r = new Redactor();
    r.add('ab');
    expect(r.redact('abc')).toBe('abc');
  });
});
