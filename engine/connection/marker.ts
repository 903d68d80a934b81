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
  /** offset just past the marker (and its tail's newline), once complete */
  after = -1;
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
      this.after = at + this.needle.length;
      return;
    }
    const nl = this.data.indexOf(Buffer.from('\n'), at + this.needle.length);
    if (nl < 0) return;
    this.tail = this.data.slice(at + this.needle.length, nl).toString('utf8');
    this.end = at;
    this.after = nl + 1;
  }

  /** bytes received past the marker (the next section of a merged stream) */
  rest(): Buffer {
    return this.after >= 0 ? this.data.slice(this.after) : Buffer.alloc(0);
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

  /**
   * One stream carrying both sections in order (a pty shell, see
   * mergedMarkerLines): stdout up to `MARK:SEQ:rc\n`, then stderr up to `MARK:SEQ\n`.
   */
  pushMerged(chunk: Buffer): void {
    if (this.out.end >= 0) {
      this.err.push(chunk);
      return;
    }
    this.out.push(chunk);
    if (this.out.end < 0) return;
    const rest = this.out.rest();
    if (rest.length > 0) this.err.push(rest);
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

/**
 * fds of a merged (pty) shell: 9 is the pty, the way back to tsplay; its 1
 * and 2 are temporary files, also held open for reading as 7 and 8. The
 * drains name 7 and 8, never 1: sh applies a command's redirections to
 * itself while the command runs, so /proc/$$/fd/1 would be the pty then.
 */
export const PTY_FD = 9;
export const OUT_READ_FD = 7;
export const ERR_READ_FD = 8;

/** copies one of the shell's output files to the pty and empties it (O_APPEND writers carry on at 0) */
function drain(fd: number): string {
  return `cat /proc/$$/fd/${fd} >&${PTY_FD}; : >/proc/$$/fd/${fd}; `;
}

/**
 * The end of a command in a shell whose only way back is a pty (su with a
 * password), where stdout and stderr would arrive merged. That shell's fds 1
 * and 2 are two deleted temporary files (append mode), so commands see
 * neither a terminal nor each other's streams; after each command they are
 * copied to the pty in order, each followed by its marker, then emptied:
 *   STDOUT MARK:SEQ:rc\n STDERR MARK:SEQ\n
 * /proc/$$/fd/N reopens the shell's own deleted files (Linux), from the
 * start, for reading or (to empty them) for writing.
 */
export function mergedMarkerLines(marker: string, seq: number, tailExpr = '"$?"'): string {
  return (
    `__tsplay_rc=${tailExpr}; ${drain(OUT_READ_FD)}printf '%s:%s:%s\\n' ${marker} ${seq} "$__tsplay_rc" >&${PTY_FD}; ` +
    `${drain(ERR_READ_FD)}printf '%s:%s\\n' ${marker} ${seq} >&${PTY_FD}\n`
  );
}

/** rc from a marker tail; NaN-safe */
export function parseRc(tail: string): number {
  const n = Number.parseInt(tail.trim(), 10);
  return Number.isFinite(n) ? n : 255;
}
