/**
 * debug in a loop: each item's value is shown, as ansible-playbook 2.14 shows
 * it (recorded with /tmp/cli-out/loop.yml), never the loop's empty summary.
 * The events are those the executor emits (recorded with `-o json`).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRenderer, type OutputMode } from '../../../engine/output/index.js';
import type { RunEvent, TaskRef } from '../../../engine/output/events.js';
import type { TaskResult } from '../../../engine/results.js';
import { emptyStats } from '../../../engine/output/events.js';

function capture(): { stream: NodeJS.WriteStream; text(): string } {
  const pt = new PassThrough();
  const chunks: Buffer[] = [];
  pt.on('data', (c: Buffer) => chunks.push(c));
  return { stream: pt as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const msgTask: TaskRef = { id: '1/1', name: 'dbg loop', module: 'debug' };
const varTask: TaskRef = { id: '1/2', name: 'dbg var loop', module: 'debug' };
const plainTask: TaskRef = { id: '1/3', name: 'dbg', module: 'debug' };

const itemA: TaskResult = { status: 'ok', data: { msg: 'item is a', ansible_loop_var: 'item' }, item: 'a' };
const itemB: TaskResult = { status: 'ok', data: { msg: 'item is b', ansible_loop_var: 'item' }, item: 'b' };
const itemX: TaskResult = { status: 'ok', data: { item: 'x', ansible_loop_var: 'item' }, item: 'x' };

function loopEvents(): RunEvent[] {
  return [
    { type: 'play_start', v: 1, name: 'h1', hosts: ['h1'] },
    { type: 'task_start', v: 1, task: msgTask, hosts: ['h1'], handler: false },
    { type: 'item_result', v: 1, task: msgTask, host: 'h1', result: itemA },
    { type: 'item_result', v: 1, task: msgTask, host: 'h1', result: itemB },
    { type: 'host_result', v: 1, task: msgTask, host: 'h1', durationMs: 5, handler: false, result: { status: 'ok', data: { results: [] }, results: [itemA, itemB] } },
    { type: 'task_start', v: 1, task: varTask, hosts: ['h1'], handler: false },
    { type: 'item_result', v: 1, task: varTask, host: 'h1', result: itemX },
    { type: 'host_result', v: 1, task: varTask, host: 'h1', durationMs: 1, handler: false, result: { status: 'ok', data: { results: [] }, results: [itemX] } },
    { type: 'task_start', v: 1, task: plainTask, hosts: ['h1'], handler: false },
    { type: 'host_result', v: 1, task: plainTask, host: 'h1', durationMs: 1, handler: false, result: { status: 'ok', data: { msg: 'one' } } },
    { type: 'recap', v: 1, stats: { h1: { ...emptyStats(), ok: 3 } }, durationMs: 10 },
  ];
}

async function render(mode: OutputMode): Promise<string> {
  const out = capture();
  const { sink, renderer } = createRenderer({ mode, stream: out.stream });
  for (const e of loopEvents()) sink(e);
  await renderer.close();
  return out.text();
}

describe('debug in a loop', () => {
  it('plain: one line per item with its value, as ansible-playbook prints it', async () => {
    const text = await render('plain');
    expect(text).toContain('ok: [h1] => (item=a) => {\n    "msg": "item is a"\n}\nok: [h1] => (item=b) => {\n    "msg": "item is b"\n}\n');
    // var=: the value under its name, with ansible_loop_var, keys sorted
    expect(text).toContain('ok: [h1] => (item=x) => {\n    "ansible_loop_var": "item",\n    "item": "x"\n}\n');
    expect(text).toContain('ok: [h1] => {\n    "msg": "one"\n}\n');
    expect(text).not.toContain('"results"');
  });

  it('plain -v: the loop summary line has its duration, not an empty results list', async () => {
    const out = capture();
    const { sink, renderer } = createRenderer({ mode: 'plain', stream: out.stream, verbosity: 1 });
    for (const e of loopEvents()) sink(e);
    await renderer.close();
    expect(out.text()).toMatch(/^ok: \[h1\] 5ms\n/m);
    expect(out.text()).not.toContain('"results"');
  });

  it('live view: each item under the task, no empty summary', async () => {
    const text = await render('tty');
    // listr2's rows are drawn on the renderer's stream, not on process.stdout
    expect(text).toContain('task dbg loop');
    expect(text).toContain('[h1] (item=a) => {\n      "msg": "item is a"\n  }');
    expect(text).toContain('[h1] (item=b) => {');
    expect(text).toContain('"item": "x"');
    expect(text).toContain('[h1] => {\n      "msg": "one"\n  }');
    expect(text).not.toContain('"results"');
  });

  it('keeps only what Ansible keeps of a msg result, and sorts nested keys', async () => {
    const out = capture();
    const { sink, renderer } = createRenderer({ mode: 'plain', stream: out.stream });
    sink({ type: 'host_result', v: 1, task: plainTask, host: 'h1', durationMs: 1, handler: false, result: { status: 'ok', data: { msg: { b: 1, a: [{ z: 1, y: 2 }] }, extra: 1 } } });
    await renderer.close();
    expect(out.text()).toBe('ok: [h1] => {\n    "msg": {\n        "a": [\n            {\n                "y": 2,\n                "z": 1\n            }\n        ],\n        "b": 1\n    }\n}\n');
  });
});

describe('item labels as Ansible prints them (Python str)', () => {
  it('dicts and lists in Python form, a no_log item as None, long labels cut', async () => {
    const { itemLabel } = await import('../../../engine/output/format.js');
    expect(itemLabel({ name: 'x', n: 1 })).toBe("{'name': 'x', 'n': 1}");
    expect(itemLabel(['a', true])).toBe("['a', True]");
    expect(itemLabel(null)).toBe('None');
    expect(itemLabel('plain')).toBe('plain');
    expect(itemLabel('y'.repeat(80))).toBe(`${'y'.repeat(57)}...`);
  });
});
