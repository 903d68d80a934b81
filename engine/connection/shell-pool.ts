/**
 * The shells of one identity (plain, or one become user) on one connection.
 * Normally a single shell runs every command, one at a time. When commands
 * queue behind commands running for longer than `growAfterMs` (several hosts
 * delegating long tasks to this one, as Ansible's forks would run them in
 * parallel), extra shells are opened on free channels, up to `maxShells`,
 * and the queue is served by all of them. A normal run, whose commands on a
 * host never overlap, keeps exactly one shell (one SSH session) per identity.
 *
 * Extra shells stay open for the next burst; they are closed like any idle
 * shell when another identity needs their channel, and dropped when their
 * channel is gone. The first shell reopens on demand, as before.
 */
import type { CommandSpec } from './command-script.js';
import type { OpenedShell } from './shell-open.js';
import { ShellSession, type RawResult, type ShellSessionOptions } from './shell-session.js';

/** how long a command may wait for a busy shell before another shell is opened */
export const DEFAULT_GROW_AFTER_MS = 250;
/** after an extra shell failed to open (a server with fewer sessions allowed ...), no new try for this long */
const GROW_PAUSE_AFTER_FAILURE_MS = 10_000;

export interface ShellPoolOptions {
  /** how each shell of the pool is opened, reports and is counted */
  session: ShellSessionOptions;
  /**
   * opens an extra shell if a channel can be spared right now (the slot is
   * taken synchronously); undefined when none can
   */
  openExtra: () => Promise<OpenedShell & { release: () => void }> | undefined;
  /** most shells at once for this identity */
  maxShells: number;
  growAfterMs?: number;
}

interface Job {
  spec: CommandSpec;
  timeoutMs?: number;
  resolve: (r: RawResult) => void;
  reject: (e: unknown) => void;
}

interface Worker {
  session: ShellSession;
  busy: boolean;
  /** the first shell: reopened on demand; extra shells are dropped when their channel goes */
  primary: boolean;
}

export class ShellPool {
  private readonly workers: Worker[];
  private readonly waiting: Job[] = [];
  private growTimer?: NodeJS.Timeout;
  /** extra shells being opened */
  private growing = 0;
  private growFailedAt = -Infinity;
  private readonly sessionOpts: ShellSessionOptions;

  constructor(private readonly opts: ShellPoolOptions) {
    // a shell that drains is idle for the connection only if nothing waits in the pool
    this.sessionOpts = { ...opts.session, onIdle: () => this.waiting.length === 0 && opts.session.onIdle?.() };
    this.workers = [{ session: new ShellSession(this.sessionOpts), busy: false, primary: true }];
  }

  exec(spec: CommandSpec, timeoutMs?: number): Promise<RawResult> {
    return new Promise<RawResult>((resolve, reject) => {
      this.waiting.push({ spec, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** shells open now (tests) */
  get size(): number {
    return this.workers.filter((w) => w.session.hasLiveShell()).length;
  }

  /** shells that could give their channel back now (nothing running, nothing waiting) */
  idleSessions(): ShellSession[] {
    if (this.waiting.length > 0) return [];
    // not `busy`: that flag is cleared a moment after the shell drains, when the connection already asks
    return this.workers.filter((w) => w.session.isIdle()).map((w) => w.session);
  }

  /** the transport is gone (or closed): fail what runs; waiting commands reconnect through the first shell */
  abort(reason: string): void {
    if (this.growTimer) clearTimeout(this.growTimer);
    this.growTimer = undefined;
    for (const w of this.workers) w.session.abort(reason);
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const worker = this.freeWorker();
      if (!worker) break;
      this.dispatch(worker, this.waiting.shift()!);
    }
    if (this.waiting.length > 0) this.scheduleGrow();
  }

  /** a free shell that is open, else the first shell if free (it reopens); drops extra shells whose channel is gone */
  private freeWorker(): Worker | undefined {
    for (let i = this.workers.length - 1; i >= 0; i--) {
      const w = this.workers[i]!;
      if (!w.primary && !w.busy && !w.session.hasLiveShell()) this.workers.splice(i, 1);
    }
    const free = this.workers.filter((w) => !w.busy);
    return free.find((w) => w.session.hasLiveShell()) ?? free.find((w) => w.primary);
  }

  private dispatch(worker: Worker, job: Job): void {
    worker.busy = true;
    worker.session
      .exec(job.spec, job.timeoutMs)
      .then(job.resolve, job.reject)
      .finally(() => {
        worker.busy = false;
        this.pump();
      });
  }

  private get growAfterMs(): number {
    return this.opts.growAfterMs ?? DEFAULT_GROW_AFTER_MS;
  }

  private scheduleGrow(delayMs = this.growAfterMs): void {
    // shells being opened will serve as many waiting commands
    if (this.growTimer || this.waiting.length <= this.growing || this.workers.length + this.growing >= this.opts.maxShells) return;
    if (performance.now() - this.growFailedAt < GROW_PAUSE_AFTER_FAILURE_MS) return;
    this.growTimer = setTimeout(() => {
      this.growTimer = undefined;
      const wait = this.longestWaitAhead();
      if (wait <= 0) this.grow();
      else this.scheduleGrow(wait);
    }, delayMs);
    this.growTimer.unref();
  }

  /**
   * How much longer before the waiting commands count as stuck behind long
   * ones: each busy shell's command must have been running for growAfterMs
   * (a shell still starting, or between commands, restarts the count).
   */
  private longestWaitAhead(): number {
    let shortest = Infinity;
    for (const w of this.workers) {
      if (!w.busy) continue;
      const ms = w.session.runningForMs();
      if (ms === undefined) return this.growAfterMs;
      shortest = Math.min(shortest, ms);
    }
    return shortest === Infinity ? 0 : this.growAfterMs - shortest;
  }

  /** opens as many extra shells as commands wait, within maxShells and the free channels */
  private grow(): void {
    const wanted = Math.min(this.waiting.length - this.growing, this.opts.maxShells - this.workers.length - this.growing);
    for (let i = 0; i < wanted; i++) {
      const opening = this.opts.openExtra();
      if (!opening) break;
      this.growing++;
      opening
        .then(
          (shell) => {
            const session = new ShellSession(this.sessionOpts);
            session.adopt(shell);
            this.workers.push({ session, busy: false, primary: false });
          },
          () => {
            // the commands stay queued for the shells that work
            this.growFailedAt = performance.now();
          },
        )
        .finally(() => {
          this.growing--;
          this.pump();
        });
    }
  }
}
