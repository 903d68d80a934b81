/**
 * The live view on a terminal: one listr2 list per task, a row per host with a
 * spinner until its result arrives, then a one-line summary per task. Details
 * (failures, diffs, warnings) are printed under the task once it is done, so
 * the spinner area stays small even with 100 hosts.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { RunEvent, TaskRef } from './events.js';
import type { TaskResult } from '../results.js';
import { banner, colorFor, debugText, failureDetails, formatDuration, itemLabel, recapBlock, statusWord, taskTitle, unifiedDiff, type Colors } from './format.js';
import type { Renderer, RendererOptions } from './renderer.js';

interface Done {
  r: TaskResult;
  durationMs: number;
}

interface Pending {
  promise: Promise<Done | undefined>;
  resolve(done: Done | undefined): void;
}

function deferred(): Pending {
  let resolve!: (done: Done | undefined) => void;
  const promise = new Promise<Done | undefined>((r) => (resolve = r));
  return { promise, resolve };
}

interface OpenTask {
  task: TaskRef;
  hosts: Map<string, Pending>;
  details: string[];
  started: number;
  counts: Record<string, number>;
}

const SETTLE_LIMIT_MS = 1000;

export class LiveRenderer implements Renderer {
  private chain: Promise<void> = Promise.resolve();
  private open?: OpenTask;
  private readonly out: NodeJS.WriteStream;
  private readonly c: Colors;
  private readonly opts: RendererOptions;
  private readonly logger: ListrLogger;

  constructor(opts: RendererOptions) {
    this.opts = opts;
    this.out = opts.stream;
    this.c = opts.colors;
    ensureWidth(process.stdout);
    ensureWidth(this.out);
    // listr2 draws on process.stdout unless told: draw on the renderer's stream
    this.logger = new ListrLogger({ useIcons: true, toStderr: [], processOutput: new ProcessOutput(this.out, process.stderr) });
  }

  /** Queues a plain write after everything already on the chain. */
  private print(text: string): void {
    this.chain = this.chain.then(() => {
      this.out.write(`${text}\n`);
    });
  }

  handle(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        this.finishOpen();
        this.print(`\n${this.c.bold(banner(`PLAY [${e.name}]`))}`);
        break;
      case 'task_start':
        this.finishOpen();
        this.startTask(e.task, e.hosts, e.handler);
        break;
      case 'host_result':
        this.hostResult(e.host, e.result, e.durationMs);
        break;
      case 'item_result':
        // only debug items print something; the host's row shows the loop's overall status
        this.debugDetail(e.host, e.result);
        break;
      case 'warning':
        if (this.open) this.open.details.push(this.c.yellow(`[WARNING]${e.host ? ` [${e.host}]` : ''}: ${e.message}`));
        else this.print(this.c.yellow(`[WARNING]: ${e.message}`));
        break;
      case 'message':
        if (e.verbosity <= this.opts.verbosity) {
          const line = `${e.host ? `[${e.host}] ` : ''}${e.message}`;
          if (this.open) this.open.details.push(line);
          else this.print(line);
        }
        break;
      case 'play_end':
        this.finishOpen();
        if (e.stopped) this.print(this.c.red(`play stopped: ${e.stopped}`));
        break;
      case 'recap':
        this.finishOpen();
        this.print(`\n${recapBlock(e.stats, e.durationMs, this.c).join('\n')}`);
        break;
      default:
        break;
    }
  }

  private startTask(task: TaskRef, hosts: string[], handler: boolean): void {
    const open: OpenTask = { task, hosts: new Map(hosts.map((h) => [h, deferred()])), details: [], started: Date.now(), counts: {} };
    this.open = open;
    const title = `${handler ? 'handler' : 'task'} ${taskTitle(task)}`;
    const list = new Listr(
      [
        {
          title,
          task: (_ctx, parent) =>
            parent.newListr(
              [...open.hosts.entries()].map(([host, pending]) => ({
                title: host,
                task: async (_c, sub) => {
                  const done = await pending.promise;
                  if (!done) return sub.skip(`${host}: no result`);
                  const r = done.r;
                  sub.title = `${host}: ${colorFor(r, this.c)(statusWord(r))} ${this.c.dim(formatDuration(done.durationMs))}`;
                  if (r.status === 'skipped') return sub.skip(sub.title);
                  if (r.status === 'failed' || r.status === 'unreachable') throw new Error(`${host}: ${r.msg}`);
                },
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      {
        exitOnError: false,
        renderer: 'default',
        rendererOptions: { collapseSubtasks: true, collapseErrors: false, showErrorMessage: false, collapseSkips: true, showSkipMessage: false, logger: this.logger },
        fallbackRendererOptions: { logger: this.logger },
      },
    );
    this.chain = this.chain.then(async () => {
      await list.run().catch(() => undefined);
      this.out.write(this.summary(open));
      for (const l of open.details) this.out.write(`${l}\n`);
    });
  }

  private summary(open: OpenTask): string {
    const parts = Object.entries(open.counts).map(([k, n]) => `${k}=${n}`);
    return this.c.dim(`  ${parts.join(' ')} ${formatDuration(Date.now() - open.started)}\n`);
  }

  private hostResult(host: string, r: TaskResult, durationMs: number): void {
    const open = this.open;
    if (!open) return;
    const key = r.ignored ? 'ignored' : r.status;
    open.counts[key] = (open.counts[key] ?? 0) + 1;
    if (r.status === 'failed' || r.status === 'unreachable' || r.ignored) {
      const color = r.ignored ? this.c.cyan : this.c.red;
      open.details.push(color(`${statusWord(r)}: [${host}] (${formatDuration(durationMs)})`));
      for (const l of failureDetails(r, open.task)) open.details.push(color(`    ${l}`));
    }
    this.debugDetail(host, r);
    if (this.opts.diff && r.diff) for (const d of r.diff) open.details.push(unifiedDiff(d).trimEnd());
    let pending = open.hosts.get(host);
    if (!pending) {
      // a host not announced at task start (run_once, delegation): add nothing to the list, keep counts
      pending = deferred();
    }
    pending.resolve({ r, durationMs });
  }

  /** debug's value under the task, as `[host] (item=x) => {...}` */
  private debugDetail(host: string, r: TaskResult): void {
    const text = this.open ? debugText(this.open.task, r) : undefined;
    if (text === undefined) return;
    const item = r.item !== undefined ? ` (item=${itemLabel(r.item)})` : '';
    this.open!.details.push(`  [${host}]${item} => ${text.replace(/\n/g, '\n  ')}`);
  }

  private finishOpen(): void {
    if (!this.open) return;
    for (const p of this.open.hosts.values()) p.resolve(undefined);
    this.open = undefined;
  }

  /** The finished task's list is drawn within a second; never wait for hosts still running (free strategy). */
  async settled(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_LIMIT_MS)));
    await Promise.race([this.chain, limit]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.finishOpen();
    await this.chain;
  }
}

/**
 * listr2 wraps its lines at process.stdout.columns and log-update keeps only
 * the last `rows` lines of each frame. A pseudo-terminal that was never given
 * a size (`script` run from a pipe, some CI runners) says 0 and 0: every
 * character lands on a line of its own and no frame shows while tasks run.
 * Assume $COLUMNS x $LINES, else 80 x 24.
 */
export function ensureWidth(stream: NodeJS.WriteStream): void {
  if (!stream.isTTY) return;
  if (!(stream.columns > 0)) stream.columns = Number(process.env.COLUMNS) || 80;
  if (!(stream.rows > 0)) stream.rows = Number(process.env.LINES) || 24;
}
