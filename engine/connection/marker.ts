/**
 * End markers of the persistent shell protocol. Every command sent to a
 * session shell is followed by
 *   printf '%s:%s:%s\n' MARK SEQ "$?"      (on stdout)
 *   printf '%s:%s\n' MARK SEQ >&2          (on stderr)
 * where MARK carries a random per-session nonce. A command's output is every
 * byte before its marker; the marker may arrive split across chunks, and the
 * output need not end with a newline (the marker is searched, not a line).
 */
import { randomBytes } from 'node:crypto';

export function newMarker(): string {
  return `__tsplay_${randomBytes(12).toString('hex')}`;
}

/** An append-only byte buffer with amortized growth (1 MB outputs stay linear). */
export class GrowBuffer {
  private buf = Buffer.alloc(0);
  private len = 0;

  get length(): number {
    return this.len;
  }

  push(chunk: Buffer): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length, 4096));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  indexOf(needle: Buffer, from: number): number {
    const at = this.buf.subarray(0, this.len).indexOf(needle, Math.max(0, from));
    return at;
  }

  slice(start: number, end = this.len): Buffer {
    return Buffer.from(this.buf.subarray(start, end));
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
    this.len = 0;
  }
}

export interface MarkedOutput {
  stdout: Buffer;
  stderr: Buffer;
  /** the text after `MARK:SEQ:` on stdout, up to the newline ($? for commands) */
  tail: string;
}

/** Scans one stream for `MARK:SEQ:` (+ tail + newline on stdout). */
class StreamScan {
  readonly data = new GrowBuffer();
  private scannedTo = 0;
  /** offset where the marker starts, once complete */
  end = -1;
  tail = '';

  constructor(
    private readonly needle: Buffer,
    private readonly withTail: boolean,
  ) {}

  push(chunk: Buffer): void {
    if (this.end >= 0) return;
    this.data.push(chunk);
    const at = this.data.indexOf(this.needle, this.scannedTo);
    if (at < 0) {
      // the marker may straddle this chunk and the next one
      this.scannedTo = Math.max(0, this.data.length - this.needle.length + 1);
      return;
    }
    this.scannedTo = at;
    if (!this.withTail) {
      this.end = at;
      return;
    }
    const nl = this.data.indexOf(Buffer.from('\n'), at + this.needle.length);
    if (nl < 0) return;
    this.tail = this.data.slice(at + this.needle.length, nl).toString('utf8');
    this.end = at;
  }
}

/** Collects one command's stdout and stderr until both markers are seen. */
export class MarkerScanner {
  private out: StreamScan;
  private err: StreamScan;

  constructor(marker: string, seq: number) {
    this.out = new StreamScan(Buffer.from(`${marker}:${seq}:`), true);
    this.err = new StreamScan(Buffer.from(`${marker}:${seq}\n`), false);
  }

  pushStdout(chunk: Buffer): void {
    this.out.push(chunk);
  }

  pushStderr(chunk: Buffer): void {
    this.err.push(chunk);
  }

  done(): boolean {
    return this.out.end >= 0 && this.err.end >= 0;
  }

  /** output so far (complete once done()) */
  result(): MarkedOutput {
    const outEnd = this.out.end >= 0 ? this.out.end : this.out.data.length;
    const errEnd = this.err.end >= 0 ? this.err.end : this.err.data.length;
    return { stdout: this.out.data.slice(0, outEnd), stderr: this.err.data.slice(0, errEnd), tail: this.out.tail };
  }
}

/** The two printf lines that end a command (or the ready handshake, seq 0). */
export function markerLines(marker: string, seq: number, tailExpr = '"$?"'): string {
  return `printf '%s:%s:%s\\n' ${marker} ${seq} ${tailExpr}; printf '%s:%s\\n' ${marker} ${seq} >&2\n`;
}

/** rc from a marker tail; NaN-safe */
export function parseRc(tail: string): number {
  const n = Number.parseInt(tail.trim(), 10);
  return Number.isFinite(n) ? n : 255;
}
