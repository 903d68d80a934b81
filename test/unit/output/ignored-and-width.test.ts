/**
 * An ignored failure still says why (message, command, exit code, stderr),
 * then "...ignoring", as ansible-playbook does; and the live view works on a
 * terminal that has no size.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../../engine/output/index.js';
import { ensureWidth } from '../../../engine/output/live.js';
import type { TaskRef } from '../../../engine/output/events.js';

function capture(): { stream: NodeJS.WriteStream; text(): string } {
  const pt = new PassThrough();
  const chunks: Buffer[] = [];
  pt.on('data', (c: Buffer) => chunks.push(c));
  return { stream: pt as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const task: TaskRef = { id: '1/5', name: 'fail', module: 'command', source: { file: '/p/live.yml', line: 17, col: 7 } };

describe('ignored failures', () => {
  it('plain: the reason, the command and its stderr, then ...ignoring', async () => {
    const out = capture();
    const { sink, renderer } = createRenderer({ mode: 'plain', stream: out.stream });
    sink({
      type: 'host_result', v: 1, task, host: 'h1', durationMs: 6, handler: false,
      result: { status: 'ok', ignored: true, msg: 'non-zero return code', data: { rc: 3 }, command: { cmd: "sh -c 'exit 3'", rc: 3, stderrTail: 'bad thing' } },
    });
    await renderer.close();
    expect(out.text()).toBe(
      [
        'failed (ignored): [h1]',
        '    msg: non-zero return code',
        "    command: sh -c 'exit 3'",
        '    exit code: 3',
        '    stderr (last lines):',
        '      bad thing',
        '    task: /p/live.yml:17:7',
        '...ignoring',
        '',
      ].join('\n'),
    );
  });
});

describe('live view width', () => {
  it('a terminal of 0 x 0 is taken as $COLUMNS x $LINES, else 80 x 24; a sized one is left alone', () => {
    const saved = { COLUMNS: process.env.COLUMNS, LINES: process.env.LINES };
    delete process.env.COLUMNS;
    delete process.env.LINES;
    const tty = { isTTY: true, columns: 0, rows: 0 } as unknown as NodeJS.WriteStream;
    ensureWidth(tty);
    expect([tty.columns, tty.rows]).toEqual([80, 24]);
    process.env.COLUMNS = '132';
    process.env.LINES = '50';
    const other = { isTTY: true, columns: 0, rows: 0 } as unknown as NodeJS.WriteStream;
    ensureWidth(other);
    expect([other.columns, other.rows]).toEqual([132, 50]);
    const sized = { isTTY: true, columns: 100, rows: 30 } as unknown as NodeJS.WriteStream;
    ensureWidth(sized);
    expect([sized.columns, sized.rows]).toEqual([100, 30]);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});
