/**
 * User audit, section 10: `-o json` wrote nothing to stdout when the run
 * failed before it started. JsonRunEnding writes each problem as an `error`
 * event, then run_end, never twice, with secrets masked.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TsplayError, TsplayErrors } from '../../../engine/errors.js';
import { JsonRunEnding } from '../../../engine/output/json.js';
import { Redactor } from '../../../engine/output/redact.js';
import { wantsJsonOutput } from '../../../engine/cli/run.js';

function capture(): { stream: PassThrough; lines(): Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonRunEnding', () => {
  it('writes one error event per problem, then run_end with the exit code', () => {
    const out = capture();
    const ending = new JsonRunEnding(out.stream);
    const source = { file: '/p/site.yml', line: 4, col: 7 };
    ending.fail(new TsplayErrors([
      new TsplayError('TSPLAY_MODULE_ARGS', "module 'copy': unknown argument 'bogus'", { source, hint: 'valid arguments: dest' }),
      new TsplayError('TSPLAY_UNKNOWN_KEY', "unknown keyword 'no_such'", { source: { ...source, line: 9 } }),
    ]));
    ending.end(4);
    ending.end(4);
    expect(out.lines()).toEqual([
      { type: 'error', v: 1, code: 'TSPLAY_MODULE_ARGS', message: "module 'copy': unknown argument 'bogus'", source, hint: 'valid arguments: dest' },
      { type: 'error', v: 1, code: 'TSPLAY_UNKNOWN_KEY', message: "unknown keyword 'no_such'", source: { ...source, line: 9 } },
      { type: 'run_end', v: 1, exitCode: 4 },
    ]);
  });

  it('masks the run secrets and secret assignments in messages and hints', () => {
    const out = capture();
    const ending = new JsonRunEnding(out.stream);
    const redactor = new Redactor();
    redactor.add('Sekret-999');
    ending.useRedactor(redactor);
    ending.fail(new TsplayError('TSPLAY_INVENTORY', 'bad line: db1 ansible_password=InvPw777', { hint: 'value Sekret-999 is not a number' }));
    ending.end(4);
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('InvPw777');
    expect(text).not.toContain('Sekret-999');
    expect(out.lines()[0]).toMatchObject({ message: 'bad line: db1 ansible_password=********', hint: 'value ******** is not a number' });
  });

  it('an error that is no TsplayError becomes TSPLAY_INTERNAL without its stack', () => {
    const out = capture();
    const ending = new JsonRunEnding(out.stream);
    ending.fail(new RangeError('boom'));
    ending.end(1);
    expect(out.lines()).toEqual([{ type: 'error', v: 1, code: 'TSPLAY_INTERNAL', message: 'internal error: boom' }, { type: 'run_end', v: 1, exitCode: 1 }]);
  });

  it('adds nothing after the executor wrote run_end, nor to the text of a listing', () => {
    const out = capture();
    const ran = new JsonRunEnding(out.stream);
    ran.seen({ type: 'run_end', v: 1, exitCode: 2 });
    ran.fail(new TsplayError('TSPLAY_OPTIONS', 'late'));
    ran.end(2);
    const listing = new JsonRunEnding(out.stream);
    listing.cancel();
    listing.end(0);
    expect(out.lines()).toEqual([]);
  });
});

describe('wantsJsonOutput (read before the flags parse, which may be what fails)', () => {
  it.each([
    [['site.yml', '-o', 'json'], true],
    [['site.yml', '--output', 'json', '--bogus'], true],
    [['site.yml', '--output=json'], true],
    [['site.yml', '--json', '-o', 'plain'], true],
    [['site.yml', '-ojson'], true],
    [['site.yml', '-Co', 'json'], true],
    [['site.yml', '-Cvojson'], true],
    [['site.yml', '-o', 'json', '-o', 'plain'], false],
    [['site.yml', '-o', 'plain'], false],
    [['site.yml', '-i', 'hosts.ini'], false],
    [['site.yml', '--', '-o', 'json'], false],
  ])('%j -> %s', (argv, json) => {
    expect(wantsJsonOutput(argv)).toBe(json);
  });
});
