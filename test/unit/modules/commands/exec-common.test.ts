import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommandText } from '../../../../engine/connection/command-script.js';
import type { RunOptions } from '../../../../engine/connection/types.js';
import type { ModuleContext } from '../../../../engine/module-api.js';
import { ansibleDelta, exitMeaning, failureMessage, parsePathProbe, pathSkipReason, probePaths, splitArgs } from '../../../../modules/commands/exec-common.js';

describe('splitArgs (shlex rules, no expansion)', () => {
  it('splits on blanks and honours quotes and escapes', () => {
    expect(splitArgs(`echo  "a b" 'c d' e\\ f`)).toEqual(['echo', 'a b', 'c d', 'e f']);
    expect(splitArgs(`printf "%s\\n" "say \\"hi\\""`)).toEqual(['printf', '%s\\n', 'say "hi"']);
    expect(splitArgs(`a''b "" x`)).toEqual(['ab', '', 'x']);
  });
  it('keeps $VAR, $(), backticks and ; as plain text', () => {
    expect(splitArgs('echo $HOME $(id) `id` ;')).toEqual(['echo', '$HOME', '$(id)', '`id`', ';']);
  });
  it('rejects unterminated quotes', () => {
    expect(() => splitArgs(`echo 'oops`)).toThrow(/unterminated single quote/);
    expect(() => splitArgs(`echo "oops`)).toThrow(/unterminated double quote/);
  });
});

describe('exit codes and failure message', () => {
  it('names conventional exit codes', () => {
    expect(exitMeaning(127)).toBe('command not found');
    expect(exitMeaning(126)).toMatch(/not executable/);
    expect(exitMeaning(124)).toBe('timed out');
    expect(exitMeaning(137)).toBe('killed by signal 9 (SIGKILL)');
    expect(exitMeaning(1)).toBeUndefined();
  });
  it('masks secrets in the command and stderr, keeps the last stderr lines', () => {
    const msg = failureMessage(
      { rc: 2, stdout: '', stderr: 'l1\nl2\nl3\nl4\nl5\nl6\nbad password s3cret\n', durationMs: 1, shown: 'login s3cret' },
      ['s3cret'],
    );
    expect(msg).toBe('command login ******** exited 2: l3\nl4\nl5\nl6\nbad password ********');
    expect(msg).not.toContain('s3cret');
  });
  it('formats deltas as Ansible does', () => {
    expect(ansibleDelta(3_723_045)).toBe('1:02:03.045000');
  });
});

describe('creates/removes decisions', () => {
  it('parses the probe output', () => {
    expect(parsePathProbe('creates=1\nremoves=0\n')).toEqual({ createsExists: true, removesExists: false });
  });
  it('skips when creates exists or removes is missing', () => {
    expect(pathSkipReason({ creates: '/x' }, { createsExists: true })).toMatch(/since '\/x' exists/);
    expect(pathSkipReason({ creates: '/x' }, { createsExists: false })).toBeUndefined();
    expect(pathSkipReason({ removes: '/y' }, { removesExists: false })).toMatch(/does not exist/);
    expect(pathSkipReason({ removes: '/y' }, { removesExists: true })).toBeUndefined();
  });
});

describe('creates/removes probe in a session shell', () => {
  it('runs inline in a subshell: globs and chdir work, IFS, cwd and the helper function do not leak', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-creates-'));
    const M = '__tsplay_ffeeddccbbaa998877665544';
    let leftover = '';
    const ctx = {
      run: async (script: string, opts?: RunOptions) => {
        expect(opts?.inline).toBe('subshell');
        const after = `printf '[%s]|%s|' "$IFS" "$PWD" >&2; command -v exists >&2 || echo no-function >&2\n`;
        const r = spawnSync('sh', [], { input: buildCommandText({ script, inline: opts?.inline }, M, 1) + after, encoding: 'utf8' });
        leftover = r.stderr.split(`${M}:1\n`)[1]!;
        return { rc: 0, stdout: r.stdout.split(`${M}:1:`)[0]!, stderr: '', durationMs: 1, shown: script };
      },
    } as unknown as ModuleContext;
    try {
      writeFileSync(join(dir, 'a b.log'), '');
      expect(await probePaths(ctx, { creates: '*.log', removes: 'missing*', chdir: dir })).toEqual({ createsExists: true, removesExists: false });
      expect(leftover).toBe(`[ \t\n]|${process.cwd()}|no-function\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
