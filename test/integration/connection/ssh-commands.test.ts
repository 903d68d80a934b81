import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../engine/connection/index.js';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { connectionTo, serverConnections } from './helpers.js';
import { buildCommandText } from '../../../engine/connection/command-script.js';

describe.skipIf(!sshdAvailable())('SshConnection commands on a real sshd', () => {
  let h: SshdHarness;
  let c: SshConnection;
  beforeAll(async () => {
    h = await startSshdHosts(1);
    c = connectionTo(h, h.hosts[0]!);
    await c.connect();
  });
  afterAll(async () => {
    await c?.close();
    h?.stop();
  });

  it('separates stdout and stderr with exact bytes and rc values', async () => {
    const r = await c.run('printf "out1\\nout2"; printf "err" >&2; exit 7');
    expect(r).toMatchObject({ rc: 7, stdout: 'out1\nout2', stderr: 'err', timedOut: false });
    expect((await c.run('true')).rc).toBe(0);
    expect((await c.run('kill -TERM $$')).rc).toBe(143);
    expect((await c.run('no-such-command-xyz')).rc).toBe(127);
    const blank = await c.run('printf "\\n\\n"');
    expect(blank.stdout).toBe('\n\n');
  });

  it('returns binary-ish and 1 MB output intact', async () => {
    const r = await c.run("printf '\\001\\033[1m\\r\\t\\177 é'");
    expect(Buffer.from(r.stdout, 'utf8')).toEqual(Buffer.from('\u0001\u001b[1m\r\t\u007f é', 'utf8'));
    const big = await c.run('head -c 1048576 /dev/zero | tr "\\0" x; echo; head -c 300000 /dev/zero | tr "\\0" y >&2');
    expect(big.stdout.length).toBe(1048577);
    expect(big.stdout).toBe(`${'x'.repeat(1048576)}\n`);
    expect(big.stderr).toBe('y'.repeat(300000));
  });

  it('does not leak cwd or environment between commands', async () => {
    expect((await c.run('cd /tmp && export LEAK=1 && pwd', { env: { ONLY: 'here' } })).stdout).toBe('/tmp\n');
    const r = await c.run('pwd; echo "${LEAK:-none} ${ONLY:-none}"');
    expect(r.stdout).toBe(`${process.env.HOME === '/root' ? '/root' : r.stdout.split('\n')[0]}\nnone none\n`);
    const withCwd = await c.run('pwd; printf %s "$V"', { cwd: h.hosts[0]!.dir, env: { V: "it's $(not) `run`" } });
    expect(withCwd.stdout).toBe(`${h.hosts[0]!.dir}\nit's $(not) \`run\``);
  });

  it('delivers stdin data intact and gives /dev/null otherwise', async () => {
    const data = `line 'one'\n"two" $(rm -rf /nope) \`three\`\n\\ back\u0000slash\nno newline at end`;
    const r = await c.run('cat', { stdin: data });
    expect(r.stdout).toBe(data);
    const bin = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    expect((await c.run('od -An -tx1', { stdin: bin })).stdout.trim()).toBe('00 01 02 ff fe 0a 0d');
    expect((await c.run('cat; echo end')).stdout).toBe('end\n');
  });

  it('passes argv arrays with shell metacharacters as data', async () => {
    const words = ['$(touch /tmp/pwned-tsplay)', '; rm -rf /', "'", '"', '`id`', '*', '\\n', 'a\nb', '', '&&|>'];
    const r = await c.run(['printf', '[%s]', ...words]);
    expect(r.stdout).toBe(words.map((w) => `[${w}]`).join(''));
    expect((await c.run('test -e /tmp/pwned-tsplay')).rc).toBe(1);
  });

  it('cuts a stuck command at its timeout and the next command works', async () => {
    const before = c.stats().channels;
    const started = Date.now();
    const r = await c.run('echo started; sleep 59.71', { timeoutMs: 300 });
    expect(r).toMatchObject({ rc: 124, timedOut: true, stdout: 'started\n' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await c.run('echo alive')).stdout).toBe('alive\n');
    expect(c.stats().channels).toBe(before + 1);
    // the stuck shell's process group was killed: no `sleep 60` left behind
    const left = await c.run('for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr "\\0" " "; echo; done | grep -c "^sleep 59.71" || true');
    expect(left.stdout.trim()).toBe('0');
  });

  it('serializes concurrent run() calls from several tasks', async () => {
    const runs = Array.from({ length: 30 }, (_, i) => c.run(`printf ${i}; sleep 0.00${i % 3}; printf %s -${i} >&2; exit ${i % 5}`));
    const results = await Promise.all(runs);
    results.forEach((r, i) => {
      expect(r.stdout).toBe(String(i));
      expect(r.stderr).toBe(`-${i}`);
      expect(r.rc).toBe(i % 5);
    });
  });

  it('keeps one TCP connection and one channel over 200 commands, and measures latency', async () => {
    const fresh = connectionTo(h, h.hosts[0]!);
    await fresh.connect();
    const conns = serverConnections(h.hosts[0]!);
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const r = await fresh.run(['echo', String(i)]);
      expect(r.stdout).toBe(`${i}\n`);
    }
    const perCommand = (performance.now() - started) / 200;
    console.log(`ssh persistent shell: ${perCommand.toFixed(2)} ms per command over 200 commands`);
    expect(serverConnections(h.hosts[0]!)).toBe(conns);
    const s = fresh.stats();
    expect(s).toMatchObject({ connections: 1, channels: 1, commands: 200 });
    // exact: the command texts written (markers have a fixed length)
    const marker = `__tsplay_${'0'.repeat(24)}`;
    let expected = 0;
    for (let i = 0; i < 200; i++) expected += Buffer.byteLength(buildCommandText({ script: '', argv: ['echo', String(i)] }, marker, i + 1));
    expect(s.bytesSent).toBe(expected);
    await fresh.close();
  });
});
