/**
 * One persistent shell (plain or become) on one channel. Commands are queued
 * and run one at a time; each ends with the session's markers. A command
 * past its timeout gets the channel closed, a fresh shell opened and the old
 * shell's process group killed from it.
 */
import type { ClientChannel } from 'ssh2';
import { TsplayError } from '../errors.js';
import { buildCommandText, type CommandSpec } from './command-script.js';
import { MarkerScanner, parseRc } from './marker.js';
import type { OpenedShell } from './shell-open.js';

export interface ShellSessionOptions {
  host: string;
  /** opens a fresh shell (holding a channel slot until its `release`) */
  open: () => Promise<OpenedShell & { release: () => void }>;
  /** why the transport went away, if it did */
  lostReason: () => string | undefined;
  /** bytes written on the channel, commands sent */
  onSend: (bytes: number) => void;
  /** called when the queue has drained (a chance to give the channel back to a waiter) */
  onIdle?: () => void;
}

export interface RawResult {
  rc: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

interface Pending {
  scanner: MarkerScanner;
  startedAt: number;
  settle: (r: { rc: number; timedOut: boolean } | TsplayError) => void;
}

interface LiveShell extends OpenedShell {
  release: () => void;
  seq: number;
  alive: boolean;
  current?: Pending;
}

export class ShellSession {
  private shell?: LiveShell;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** when this session last finished a command (for least-recently-used eviction) */
  lastUsed = 0;

  constructor(private readonly opts: ShellSessionOptions) {}

  /** queued: one command at a time on this shell */
  exec(spec: CommandSpec, timeoutMs?: number): Promise<RawResult> {
    this.queued++;
    const run = this.queue.then(() => this.execNow(spec, timeoutMs));
    this.queue = run.catch(() => undefined).then(() => {
      this.queued--;
      this.lastUsed = performance.now();
      if (this.queued === 0) this.opts.onIdle?.();
    });
    return run;
  }

  /** the shell is open (it reopens on the next command otherwise) */
  hasLiveShell(): boolean {
    return this.shell?.alive === true;
  }

  /** how long the running command has been running; undefined when none runs (or the shell is starting) */
  runningForMs(): number | undefined {
    const cur = this.shell?.alive ? this.shell.current : undefined;
    return cur ? performance.now() - cur.startedAt : undefined;
  }

  /** takes a shell opened elsewhere (an extra shell of a pool) */
  adopt(opened: OpenedShell & { release: () => void }): void {
    this.install(opened);
  }

  private install(opened: OpenedShell & { release: () => void }): LiveShell {
    const shell: LiveShell = { ...opened, seq: 0, alive: true };
    this.attach(shell);
    this.shell = shell;
    return shell;
  }

  /** an open shell with nothing running or queued */
  isIdle(): boolean {
    return this.queued === 0 && this.shell?.alive === true && !this.shell.current;
  }

  /** closes the shell if idle (it reopens on the next command); true if a channel was freed */
  closeIfIdle(): boolean {
    const shell = this.shell;
    if (!shell || !this.isIdle()) return false;
    shell.alive = false;
    shell.release();
    shell.channel.close();
    return true;
  }

  /** runs a housekeeping script (no stdin, no timeout), result ignored */
  private async quiet(shell: LiveShell, script: string): Promise<void> {
    await this.send(shell, { script }, undefined).catch(() => undefined);
  }

  close(): void {
    if (this.shell?.alive) this.shell.channel.close();
  }

  private async ensure(): Promise<LiveShell> {
    if (this.shell?.alive) return this.shell;
    return this.install(await this.opts.open());
  }

  private attach(shell: LiveShell): void {
    const ch: ClientChannel = shell.channel;
    ch.on('data', (d: Buffer) => this.onData(shell, d, 'out'));
    ch.stderr.on('data', (d: Buffer) => this.onData(shell, d, 'err'));
    ch.on('close', () => {
      if (!shell.alive) return;
      shell.alive = false;
      shell.release();
      // the transport's own close event (with the real reason) may come just after the channel's
      setTimeout(() => this.fail(shell, this.opts.lostReason() ?? 'the remote shell closed its channel'), 20);
    });
  }

  /** the transport is gone: fail the running command with the reason */
  abort(reason: string): void {
    const shell = this.shell;
    if (!shell) return;
    if (shell.alive) {
      shell.alive = false;
      shell.release();
    }
    this.fail(shell, reason);
  }

  private fail(shell: LiveShell, reason: string): void {
    shell.current?.settle(
      new TsplayError('TSPLAY_CONNECTION', `connection to ${this.opts.host} lost during a command: ${reason}`, { host: this.opts.host }),
    );
  }

  private onData(shell: LiveShell, d: Buffer, stream: 'out' | 'err'): void {
    const cur = shell.current;
    if (!cur) return; // late output of a background process between commands
    if (shell.framing === 'merged') cur.scanner.pushMerged(d);
    else if (stream === 'out') cur.scanner.pushStdout(d);
    else cur.scanner.pushStderr(d);
    if (cur.scanner.done()) cur.settle({ rc: parseRc(cur.scanner.result().tail), timedOut: false });
  }

  private async execNow(spec: CommandSpec, timeoutMs?: number): Promise<RawResult> {
    const shell = await this.ensure();
    const result = await this.send(shell, spec, timeoutMs);
    if (result.timedOut) await this.replaceAfterTimeout(shell);
    return result;
  }

  private send(shell: LiveShell, spec: CommandSpec, timeoutMs?: number): Promise<RawResult> {
    const started = performance.now();
    const seq = ++shell.seq;
    const scanner = new MarkerScanner(shell.marker, seq);
    const text = buildCommandText(spec, shell.marker, seq, shell.framing);
    return new Promise<RawResult>((resolve, reject) => {
      if (!shell.alive) {
        reject(new TsplayError('TSPLAY_CONNECTION', `connection to ${this.opts.host} lost: ${this.opts.lostReason() ?? 'the shell is gone'}`, { host: this.opts.host }));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const settle: Pending['settle'] = (r) => {
        if (shell.current?.scanner !== scanner) return;
        shell.current = undefined;
        if (timer) clearTimeout(timer);
        if (r instanceof TsplayError) return reject(r);
        const out = scanner.result();
        resolve({
          rc: r.rc,
          stdout: out.stdout.toString('utf8'),
          stderr: out.stderr.toString('utf8'),
          durationMs: performance.now() - started,
          timedOut: r.timedOut,
        });
      };
      shell.current = { scanner, settle, startedAt: started };
      if (timeoutMs && timeoutMs > 0) {
        timer = setTimeout(() => {
          // settle before closing, so the close handler does not report a lost connection
          settle({ rc: 124, timedOut: true });
          shell.alive = false;
          shell.release();
          shell.channel.close();
        }, timeoutMs);
      }
      this.opts.onSend(Buffer.byteLength(text));
      shell.channel.write(text);
    });
  }

  /** fresh shell, then kill what the stuck one left running (its whole process group) */
  private async replaceAfterTimeout(old: LiveShell): Promise<void> {
    const kills: string[] = [];
    if (Number.isInteger(old.pgid) && old.pgid > 1) kills.push(`kill -9 -${old.pgid} 2>/dev/null`);
    if (Number.isInteger(old.pid) && old.pid > 1) kills.push(`kill -9 ${old.pid} 2>/dev/null`);
    try {
      const fresh = await this.ensure();
      if (kills.length) await this.quiet(fresh, `${kills.join('; ')}; true`);
    } catch {
      // the next command reports why no shell can be opened
    }
  }
}
