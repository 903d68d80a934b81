/**
 * RunOptions.inline on a real sh: engine-written scripts run without the
 * `sh -c` exec, as `( SCRIPT )` or as a `{ SCRIPT }` group in the session
 * shell, and still behave as a command (exit status, stdin, markers) while
 * cwd, env and the shell's state do not leak into the next command.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCommandText, type CommandSpec } from '../../../engine/connection/command-script.js';
import { MarkerScanner, parseRc } from '../../../engine/connection/marker.js';

const M = '__tsplay_0123456789abcdef01234567';

interface Out {
  rc: number;
  stdout: string;
  stderr: string;
}

/** feeds several commands to ONE sh, as a persistent session shell receives them, and splits the output by markers */
function session(specs: CommandSpec[]): Out[] {
  const text = specs.map((s, i) => buildCommandText(s, M, i + 1)).join('');
  const res = spawnSync('sh', [], { input: text, encoding: 'utf8' });
  let out = res.stdout;
  let err = res.stderr;
  return specs.map((_, i) => {
    const o = new RegExp(`${M}:${i + 1}:(\\d+)\\n`).exec(out);
    const e = err.indexOf(`${M}:${i + 1}\n`);
    expect(o, `stdout marker ${i + 1}`).not.toBeNull();
    expect(e, `stderr marker ${i + 1}`).toBeGreaterThanOrEqual(0);
    const r = { rc: Number(o![1]), stdout: out.slice(0, o!.index), stderr: err.slice(0, e) };
    out = out.slice(o!.index + o![0].length);
    err = err.slice(e + `${M}:${i + 1}\n`.length);
    return r;
  });
}

/** pid of the process that runs a builtin: /proc/self read by `read` itself, no fork */
const SELF_PID = 'read -r pid rest </proc/self/stat; echo "$pid $$"; unset pid rest';

describe('buildCommandText with inline scripts', () => {
  it('a group runs in the session shell itself (no fork, no sh -c), a subshell in one fork', () => {
    const group = buildCommandText({ script: SELF_PID, inline: 'group' }, M, 1);
    const sub = buildCommandText({ script: SELF_PID, inline: 'subshell' }, M, 1);
    expect(group).not.toContain('sh -c');
    expect(sub).not.toContain('sh -c');
    const [g, s] = session([{ script: SELF_PID, inline: 'group' }, { script: SELF_PID, inline: 'subshell' }]);
    const [gPid, shellPid] = g!.stdout.trim().split(' ');
    expect(gPid).toBe(shellPid);
    const [sPid, parentPid] = s!.stdout.trim().split(' ');
    expect(parentPid).toBe(shellPid);
    expect(sPid).not.toBe(shellPid);
  });

  it('keeps the exit status, stderr and stdin from /dev/null, multi-line scripts and a last line that is a comment', () => {
    const script = 'cat\necho out\necho err >&2\n# the last line is a comment';
    const [a, b, c] = session([
      { script, inline: 'group' },
      { script: 'false', inline: 'group' },
      { script: 'echo x; (exit 3)', inline: 'subshell' },
    ]);
    expect(a).toEqual({ rc: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(b!.rc).toBe(1);
    expect(c).toEqual({ rc: 3, stdout: 'x\n', stderr: '' });
  });

  it('a subshell keeps cd, IFS, functions and variables from the next command', () => {
    const [, after] = session([
      { script: 'cd /; IFS=:; f() { echo leaked; }; v=leaked', inline: 'subshell' },
      { script: 'pwd; printf "[%s]" "$IFS" "${v-}"; command -v f || echo no-f', inline: 'group' },
    ]);
    expect(after!.stdout).toBe(`${process.cwd()}\n[ \t\n][]no-f\n`);
  });

  it('with cwd or env a group runs as a subshell: nothing is exported to or changed in the session shell', () => {
    const spec: CommandSpec = { script: 'pwd; printf "%s\\n" "$V"', inline: 'group', cwd: '/tmp', env: { V: "a 'b'" } };
    expect(buildCommandText(spec, M, 1)).toMatch(/^\( cd \/tmp && export V=/);
    const [first, after] = session([spec, { script: 'pwd; printf "[%s]" "${V-}"', inline: 'group' }]);
    expect(first!.stdout).toBe("/tmp\na 'b'\n");
    expect(after!.stdout).toBe(`${process.cwd()}\n[]`);
  });

  it('stdin data, argv and an empty script take the sh -c path', () => {
    const data = 'line one\n$(echo no)\nlast';
    const withStdin: CommandSpec = { script: 'cat\necho', inline: 'group', stdin: data };
    expect(buildCommandText(withStdin, M, 1)).toContain('sh -c');
    expect(buildCommandText({ script: 'unused', argv: ['true'], inline: 'group' }, M, 1)).toContain('exec true');
    expect(buildCommandText({ script: ' ', inline: 'group' }, M, 1)).toContain('sh -c');
    const [r] = session([withStdin]);
    expect(r!.stdout).toBe(`${data}\n`);
  });

  it('without inline, user text keeps the sh -c path (a syntax error fails alone)', () => {
    const [bad, next] = session([{ script: "echo 'unterminated" }, { script: 'echo alive', inline: 'group' }]);
    expect(bad!.rc).toBe(2);
    expect(next!.stdout).toBe('alive\n');
  });
});

/** the su shell's merged layout on a real sh (as in su-pty.test.ts): 9 the way back, 1 and 2 deleted files read back as 7 and 8 */
async function mergedSession(specs: CommandSpec[]): Promise<Out[]> {
  const setup = 'o=$(mktemp) && e=$(mktemp) || exit 1\nexec 9>&1 >>"$o" 2>>"$e" 7<"$o" 8<"$e"\nrm -f "$o" "$e"\nexec sh\n';
  const child = spawn('sh', ['-c', setup], { stdio: ['pipe', 'pipe', 'inherit'] });
  const results: Out[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const s = new MarkerScanner(M, i + 1);
      await new Promise<void>((resolve) => {
        const onData = (d: Buffer): void => {
          s.pushMerged(d);
          if (!s.done()) return;
          child.stdout.off('data', onData);
          resolve();
        };
        child.stdout.on('data', onData);
        child.stdin.write(buildCommandText(spec, M, i + 1, 'merged'));
      });
      results.push({ rc: parseRc(s.result().tail), stdout: s.result().stdout.toString(), stderr: s.result().stderr.toString() });
    }
  } finally {
    child.stdin.end();
  }
  return results;
}

describe('inline scripts in a merged (su pty) shell', () => {
  it('a group keeps stdout and stderr apart, does not get fds 7, 8, 9, and the shell keeps them for the next command', async () => {
    const fds = 'for f in 7 8 9; do { true <&$f; } 2>/dev/null && echo open $f; done; echo done; echo err >&2';
    const [a, b, c] = await mergedSession([
      { script: fds, inline: 'group' },
      { script: 'echo second; false', inline: 'group' },
      { script: fds, inline: 'subshell' },
    ]);
    expect(a).toEqual({ rc: 0, stdout: 'done\n', stderr: 'err\n' });
    expect(b).toEqual({ rc: 1, stdout: 'second\n', stderr: '' });
    expect(c).toEqual({ rc: 0, stdout: 'done\n', stderr: 'err\n' });
  });
});
