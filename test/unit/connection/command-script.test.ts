import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCommandText } from '../../../engine/connection/command-script.js';
import { MarkerScanner, parseRc } from '../../../engine/connection/marker.js';

const M = '__tsplay_feedfacefeedfacefeedface';

/** feeds the text to a local sh, as the session shell would receive it */
function runLocally(text: string, seq: number): { rc: number; stdout: string; stderr: string } {
  const res = spawnSync('sh', [], { input: text });
  const s = new MarkerScanner(M, seq);
  s.pushStdout(res.stdout);
  s.pushStderr(res.stderr);
  expect(s.done()).toBe(true);
  const r = s.result();
  return { rc: parseRc(r.tail), stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('buildCommandText', () => {
  it('runs the script in a subshell with stdin from /dev/null', () => {
    const text = buildCommandText({ script: 'cat; echo done' }, M, 1);
    expect(text).toContain('</dev/null');
    expect(runLocally(text, 1).stdout).toBe('done\n');
  });

  it('passes stdin data intact (quotes, newlines, $(), no trailing newline)', () => {
    const data = `it's "quoted"\n$(echo nope) \`x\` \\ ${M}_EOF\nlast`;
    const text = buildCommandText({ script: 'cat', stdin: data }, M, 2);
    expect(runLocally(text, 2).stdout).toBe(data);
  });

  it('exports env values quoted and cds into cwd', () => {
    const text = buildCommandText({ script: 'pwd; printf %s "$V"', env: { V: "a 'b' $HOME" }, cwd: '/tmp' }, M, 3);
    expect(runLocally(text, 3).stdout).toBe("/tmp\na 'b' $HOME");
  });

  it('a script with a syntax error fails alone and the markers still come', () => {
    const text = buildCommandText({ script: "echo 'unterminated" }, M, 4);
    const r = runLocally(text, 4);
    expect(r.rc).toBe(2);
    expect(r.stderr).toMatch(/unterminated|Syntax error|EOF/i);
  });

  it('rejects an environment name that is not a shell identifier', () => {
    expect(() => buildCommandText({ script: 'true', env: { 'A;rm': 'x' } }, M, 5)).toThrow(/invalid environment variable name/);
  });
});

describe('buildCommandText with argv', () => {
  it('execs the argv directly, words arriving as data', () => {
    const argv = ['printf', '[%s]', '$(id)', "'", 'a b'];
    const text = buildCommandText({ script: 'unused', argv }, M, 6);
    expect(text).not.toContain('sh -c');
    expect(runLocally(text, 6).stdout).toBe("[$(id)][']" + '[a b]');
  });
});
