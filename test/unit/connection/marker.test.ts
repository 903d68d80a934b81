import { describe, expect, it } from 'vitest';
import { GrowBuffer, MarkerScanner, markerLines, parseRc } from '../../../engine/connection/marker.js';

const M = '__tsplay_0123456789abcdef01234567';

/** what a session shell really emits for `printf 'a\nb'; echo oops >&2; exit 3` as command 7 */
const recordedOut = Buffer.from(`a\nb${M}:7:3\n`);
const recordedErr = Buffer.from(`oops\n${M}:7\n`);

function feedSplit(out: Buffer, err: Buffer, at: number): MarkerScanner {
  const s = new MarkerScanner(M, 7);
  const o = Math.min(at, out.length);
  const e = Math.min(at, err.length);
  s.pushStdout(out.subarray(0, o));
  s.pushStderr(err.subarray(0, e));
  if (o < out.length || e < err.length) expect(s.done()).toBe(false);
  s.pushStdout(out.subarray(o));
  s.pushStderr(err.subarray(e));
  return s;
}

describe('MarkerScanner', () => {
  it('separates output from the marker and reads $? from it', () => {
    const s = feedSplit(recordedOut, recordedErr, 1000);
    expect(s.done()).toBe(true);
    const r = s.result();
    expect(r.stdout.toString()).toBe('a\nb');
    expect(r.stderr.toString()).toBe('oops\n');
    expect(parseRc(r.tail)).toBe(3);
  });

  it('finds markers split across chunks at every position', () => {
    for (let at = 0; at <= recordedOut.length; at++) {
      const s = feedSplit(recordedOut, recordedErr, at);
      expect(s.done(), `split at ${at}`).toBe(true);
      expect(s.result().stdout.toString()).toBe('a\nb');
      expect(s.result().stderr.toString()).toBe('oops\n');
      expect(parseRc(s.result().tail)).toBe(3);
    }
  });

  it('handles one byte per chunk and binary output', () => {
    const bin = Buffer.from([0, 255, 10, 13, 27, 0x5f, 0x5f]);
    const out = Buffer.concat([bin, Buffer.from(`${M}:7:0\n`)]);
    const s = new MarkerScanner(M, 7);
    for (const b of out) s.pushStdout(Buffer.from([b]));
    expect(s.done()).toBe(false);
    for (const b of Buffer.from(`${M}:7\n`)) s.pushStderr(Buffer.from([b]));
    expect(s.done()).toBe(true);
    expect(s.result().stdout.equals(bin)).toBe(true);
    expect(s.result().stderr.length).toBe(0);
  });

  it('does not take another sequence number for its own, nor a half marker', () => {
    const s = new MarkerScanner(M, 1);
    s.pushStdout(Buffer.from(`${M}:10:0\n${M}:1`));
    s.pushStderr(Buffer.from(`${M}:10\n`));
    expect(s.done()).toBe(false);
    s.pushStdout(Buffer.from(':42\n'));
    s.pushStderr(Buffer.from(`${M}:1\n`));
    expect(s.done()).toBe(true);
    expect(parseRc(s.result().tail)).toBe(42);
    expect(s.result().stdout.toString()).toBe(`${M}:10:0\n`);
  });

  it('waits for the newline after the rc', () => {
    const s = new MarkerScanner(M, 2);
    s.pushStderr(Buffer.from(`${M}:2\n`));
    s.pushStdout(Buffer.from(`x${M}:2:12`));
    expect(s.done()).toBe(false);
    s.pushStdout(Buffer.from('7\n'));
    expect(parseRc(s.result().tail)).toBe(127);
  });

  it('keeps 1 MB of output in many chunks intact', () => {
    const big = Buffer.alloc(1024 * 1024, 'x');
    const s = new MarkerScanner(M, 3);
    for (let i = 0; i < big.length; i += 32_768) s.pushStdout(big.subarray(i, i + 32_768));
    s.pushStdout(Buffer.from(`${M}:3:0\n`));
    s.pushStderr(Buffer.from(`${M}:3\n`));
    expect(s.result().stdout.equals(big)).toBe(true);
  });

  it('parseRc falls back to 255 on garbage', () => {
    expect(parseRc('x')).toBe(255);
    expect(parseRc(' 0 ')).toBe(0);
  });

  it('GrowBuffer grows and slices', () => {
    const g = new GrowBuffer();
    for (let i = 0; i < 1000; i++) g.push(Buffer.from('ab'));
    expect(g.length).toBe(2000);
    expect(g.slice(1998).toString()).toBe('ab');
    expect(g.indexOf(Buffer.from('ba'), 0)).toBe(1);
  });

  it('markerLines prints the same markers the scanner expects', () => {
    expect(markerLines(M, 5)).toBe(`printf '%s:%s:%s\\n' ${M} 5 "$?"; printf '%s:%s\\n' ${M} 5 >&2\n`);
  });
});
