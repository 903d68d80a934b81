/** --step reads its answers through one LineReader: lines arriving together are all kept, in order; the end of input is undefined. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../engine/cli/options.js';

describe('LineReader', () => {
  it('keeps lines that arrived in one chunk for the following questions, then reports the end', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    input.end('y\nn\r\nc\n');
    expect(await reader.next()).toBe('y');
    expect(await reader.next()).toBe('n');
    expect(await reader.next()).toBe('c');
    expect(await reader.next()).toBeUndefined();
    expect(await reader.next()).toBeUndefined();
  });

  it('waits for a line typed later, and a last line without a newline still counts', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const first = reader.next();
    setTimeout(() => input.write('yes\n'), 5);
    expect(await first).toBe('yes');
    const second = reader.next();
    input.end('continue');
    expect(await second).toBe('continue');
    expect(await reader.next()).toBeUndefined();
  });

  it('close() stops reading, so the input no longer holds the process', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    input.write('y\n');
    expect(await reader.next()).toBe('y');
    reader.close();
    expect(input.isPaused()).toBe(true);
  });
});
