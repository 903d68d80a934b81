/**
 * The plain line log: for CI logs and pipes (not a TTY, or --output plain).
 * Ansible's familiar shape, plus durations and the file:line of failures.
 */
import type { RunEvent } from './events.js';
import { banner, colorFor, debugText, failureDetails, formatDuration, itemLabel, recapBlock, statusWord, taskTitle, unifiedDiff, type Colors } from './format.js';
import type { Renderer, RendererOptions } from './renderer.js';
import type { TaskResult } from '../results.js';

interface HostLine {
  host: string;
  r: TaskResult;
  durationMs?: number;
  isItem: boolean;
  delegatedTo?: string;
  /** debug's value, already formatted (debugText) */
  debug?: string;
}

export class PlainRenderer implements Renderer {
  private readonly out: NodeJS.WritableStream;
  private readonly c: Colors;
  private readonly verbosity: number;
  private readonly showDiff: boolean;

  constructor(opts: RendererOptions) {
    this.out = opts.stream;
    this.c = opts.colors;
    this.verbosity = opts.verbosity;
    this.showDiff = opts.diff;
  }

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  handle(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        this.write();
        this.write(this.c.bold(banner(`PLAY [${e.name}]`)));
        if (e.hosts.length === 0) this.write(this.c.yellow('skipping: no hosts matched'));
        break;
      case 'task_start':
        this.write();
        this.write(this.c.bold(banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskTitle(e.task)}]`)));
        break;
      case 'item_result':
        this.hostLine({ host: e.host, r: e.result, isItem: true, debug: debugText(e.task, e.result) });
        break;
      case 'host_result':
        this.hostLine({ host: e.host, r: e.result, durationMs: e.durationMs, isItem: false, delegatedTo: e.delegatedTo, debug: debugText(e.task, e.result) });
        if (e.result.status === 'failed' || e.result.status === 'unreachable' || e.result.ignored) {
          // an ignored failure still says why, then `...ignoring`, as Ansible does
          const color = e.result.ignored ? this.c.cyan : this.c.red;
          for (const l of failureDetails(e.result, e.task)) this.write(color(`    ${l}`));
          if (e.result.ignored) this.write(this.c.cyan('...ignoring'));
        }
        break;
      case 'warning':
        this.write(this.c.yellow(`[WARNING]${e.host ? ` [${e.host}]` : ''}: ${e.message}`));
        break;
      case 'message':
        if (e.verbosity <= this.verbosity) this.write(`${e.host ? `[${e.host}] ` : ''}${e.message}`);
        break;
      case 'play_end':
        if (e.stopped) this.write(this.c.red(`play stopped: ${e.stopped}`));
        break;
      case 'recap':
        this.write();
        for (const l of recapBlock(e.stats, e.durationMs, this.c)) this.write(l);
        break;
      default:
        break;
    }
  }

  private hostLine(line: HostLine): void {
    const { host, r, durationMs, isItem, delegatedTo } = line;
    if (!isItem && r.results && r.results.length > 0 && r.status !== 'failed' && r.status !== 'unreachable') {
      // loop results were shown item by item; the summary line is enough in verbose mode only
      if (this.verbosity < 1) return;
    }
    const target = delegatedTo ? `${host} -> ${delegatedTo}` : host;
    const item = isItem ? ` => (item=${itemLabel(r.item)})` : '';
    const took = durationMs !== undefined && this.verbosity >= 1 ? ` ${this.c.dim(formatDuration(durationMs))}` : '';
    const status = statusWord(r);
    const reason = r.status === 'skipped' && this.verbosity >= 1 ? ` (${r.reason})` : '';
    // debug shows its value as Ansible does, `=> {` and the JSON on the following lines
    const msg = line.debug !== undefined ? ` => ${line.debug}` : r.status === 'ok' || r.status === 'changed' ? this.okMessage(r) : '';
    const failedTag = r.status === 'failed' ? ': FAILED!' : r.status === 'unreachable' ? ': UNREACHABLE!' : '';
    const color = colorFor(r, this.c);
    this.write(color(`${status}: [${target}]${failedTag}${item}${reason}`) + took + (msg ? color(msg) : ''));
    if (this.showDiff && r.diff) for (const d of r.diff) this.write(unifiedDiff(d).trimEnd());
  }

  private okMessage(r: TaskResult): string {
    // a loop's values were shown item by item
    if (r.results) return '';
    if (r.msg !== undefined && this.verbosity >= 1) return ` => ${r.msg}`;
    if (this.verbosity >= 1 && Object.keys(r.data).length > 0) return ` => ${JSON.stringify(r.data)}`;
    return '';
  }

  async close(): Promise<void> {}
}
