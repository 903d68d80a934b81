import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCommandText, type CommandSpec } from '../../../engine/connection/command-script.js';
import { MarkerScanner, parseRc } from '../../../engine/connection/marker.js';
import { isSuPrompt, suFailure, suPtyCommand, suPtyInner } from '../../../engine/connection/su-pty.js';

const M = '__tsplay_0123456789abcdef01234567';

/** the single stream a su shell sends back for `printf 'a\nb'; echo oops >&2; exit 3` as command 7 */
const recorded = Buffer.from(`a\nb${M}:7:3\noops\n${M}:7\n`);

describe('MarkerScanner.pushMerged (one stream: stdout, marker, stderr, marker)', () => {
  it('splits the stream back whatever the chunking', () => {
    for (let at = 0; at <= recorded.length; at++) {
      const s = new MarkerScanner(M, 7);
      s.pushMerged(recorded.subarray(0, at));
      if (at < recorded.length) expect(s.done(), `split at ${at}`).toBe(false);
      s.pushMerged(recorded.subarray(at));
      expect(s.done(), `split at ${at}`).toBe(true);
      expect(s.result()).toMatchObject({ stdout: Buffer.from('a\nb'), stderr: Buffer.from('oops\n') });
      expect(parseRc(s.result().tail)).toBe(3);
    }
  });

  it('one byte at a time, and empty sections', () => {
    const s = new MarkerScanner(M, 2);
    for (const b of Buffer.from(`${M}:2:0\n${M}:2\n`)) s.pushMerged(Buffer.from([b]));
    expect(s.done()).toBe(true);
    expect(s.result().stdout.length + s.result().stderr.length).toBe(0);
  });
});

/**
 * The merged protocol on a real sh, without su or a pty: the same fd layout
 * the su shell sets up (fd 9 the way back, 1 and 2 deleted temp files, 7 and
 * 8 their read handles), fed buildCommandText(..., 'merged').
 */
function mergedShell(): { run(spec: CommandSpec): Promise<{ rc: number; stdout: string; stderr: string }>; close(): void } {
  const setup = 'o=$(mktemp) && e=$(mktemp) || exit 1\nexec 9>&1 >>"$o" 2>>"$e" 7<"$o" 8<"$e"\nrm -f "$o" "$e"\nexec sh\n';
  const child = spawn('sh', ['-c', setup], { stdio: ['pipe', 'pipe', 'inherit'] });
  let seq = 0;
  let current: MarkerScanner | undefined;
  let wake: (() => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    current?.pushMerged(d);
    if (current?.done()) wake?.();
  });
  return {
    run(spec) {
      const s = new MarkerScanner(M, ++seq);
      current = s;
      return new Promise((resolve) => {
        wake = () => resolve({ rc: parseRc(s.result().tail), stdout: s.result().stdout.toString(), stderr: s.result().stderr.toString() });
        child.stdin.write(buildCommandText(spec, M, seq, 'merged'));
      });
    },
    close: () => child.stdin.end(),
  };
}

describe('merged framing on a real sh', () => {
  it('keeps stdout and stderr apart, per command, with rc, stdin and large output', async () => {
    const sh = mergedShell();
    try {
      expect(await sh.run({ script: 'echo out; echo err >&2; exit 4' })).toEqual({ rc: 4, stdout: 'out\n', stderr: 'err\n' });
      // the files were emptied: nothing of the last command leaks into this one
      expect(await sh.run({ script: 'echo second' })).toEqual({ rc: 0, stdout: 'second\n', stderr: '' });
      expect(await sh.run({ script: 'cat; cat >&2 </dev/null', stdin: 'fed\n' })).toEqual({ rc: 0, stdout: 'fed\n', stderr: '' });
      const big = await sh.run({ script: 'head -c 1000000 /dev/zero | tr "\\0" x; seq 1 3000 >&2' });
      expect(big.stdout.length).toBe(1_000_000);
      expect(big.stderr.split('\n').length).toBe(3001);
      // the command gets neither the way back (9) nor the read handles (7, 8)
      const fds = await sh.run({ script: 'for f in 7 8 9; do { true <&$f; } 2>/dev/null && echo open $f; done; echo done' });
      expect(fds.stdout).toBe('done\n');
    } finally {
      sh.close();
    }
  });
});

describe('su prompts and failures', () => {
  it('recognises su prompts in several locales, only at the end of the output', () => {
    for (const p of ['Password: ', 'Password:', "root's Password: ", 'Passwort: ', 'Mot de passe : ', 'Пароль: ', '密码：', 'Last login: x\nPassword: ']) {
      expect(isSuPrompt(p), p).toBe(true);
    }
    for (const p of ['', 'Password: \nsu: Authentication failure\n', 'password accepted\n', 'no prompt here']) {
      expect(isSuPrompt(p), p).toBe(false);
    }
  });

  it('a rejected password names host, user and method, never the password', () => {
    const t = { host: 'db1', user: 'postgres', password: 's3cret-pw' };
    const e = suFailure(t, 'Password: \nsu: Authentication failure\n');
    expect(e.code).toBe('TSPLAY_AUTH');
    expect(e.message).toBe('become (su to postgres) failed on db1: password rejected (su: Authentication failure)');
    expect(suFailure(t, 'Password: \nPassword: ').message).toMatch(/password rejected$/);
    expect(suFailure(t, 'echoed s3cret-pw\nsu: user postgres does not exist\n').message).toBe(
      'become (su to postgres) failed on db1: echoed ******** / su: user postgres does not exist',
    );
  });

  it('the su command carries no password, and the inner script sets up the pty before the marker', () => {
    const cmd = suPtyCommand(M, "o'brien");
    expect(cmd.startsWith(`exec su -s /bin/sh 'o'\\''brien' -c `)).toBe(true);
    const inner = suPtyInner(M);
    expect(inner.indexOf('stty raw -echo')).toBeLessThan(inner.indexOf(`${M} 0`));
    expect(inner).toContain('exec setsid -w sh -c');
  });
});
