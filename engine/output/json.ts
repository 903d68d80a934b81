/**
 * `--output json`: one event per line (NDJSON), schema version 1 (see
 * docs/events.md). Consumers match on `type`; fields are only ever added.
 */
import { TsplayError, TsplayErrors } from '../errors.js';
import type { RunEvent } from './events.js';
import { maskSecretAssignments, type Redactor } from './redact.js';
import type { Renderer, RendererOptions } from './renderer.js';

export class JsonRenderer implements Renderer {
  private readonly out: NodeJS.WritableStream;

  constructor(opts: RendererOptions) {
    this.out = opts.stream;
  }

  handle(e: RunEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {}
}

/**
 * `--output json` for a run that ends outside the executor (bad options,
 * validation problems, no host to target, a --start-at-task naming no task):
 * each problem as an `error` event, then `run_end` with the exit code, so a
 * CI consumer never reads an empty stream. A run_end the executor already
 * wrote is not written twice.
 */
export class JsonRunEnding {
  private ended = false;
  private redactor?: Redactor;

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** the run's secrets, once known: problems quote the playbook and inventory */
  useRedactor(redactor: Redactor): void {
    this.redactor = redactor;
  }

  /** every event of the run passes here */
  seen(e: RunEvent): void {
    if (e.type === 'run_end') this.ended = true;
  }

  /** listings and --syntax-check print text, not events: nothing is added to it */
  cancel(): void {
    this.ended = true;
  }

  fail(e: unknown): void {
    if (this.ended) return;
    for (const event of errorEvents(e, (s) => this.mask(s))) this.write(event);
  }

  end(exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
    this.write({ type: 'run_end', v: 1, exitCode });
  }

  private mask(text: string): string {
    const masked = maskSecretAssignments(text);
    return this.redactor ? this.redactor.redact(masked) : masked;
  }

  private write(e: RunEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }
}

/** The `error` events of what a command caught (an error that is no TsplayError: no stack, it stays on stderr). */
export function errorEvents(e: unknown, mask: (text: string) => string): RunEvent[] {
  const list = e instanceof TsplayErrors ? e.errors : [e instanceof TsplayError ? e : new TsplayError('TSPLAY_INTERNAL', `internal error: ${e instanceof Error ? e.message : String(e)}`)];
  return list.map((x) => ({
    type: 'error',
    v: 1,
    code: x.code,
    message: mask(x.message),
    ...(x.source ? { source: x.source } : {}),
    ...(x.hint ? { hint: mask(x.hint) } : {}),
    ...(x.host ? { host: x.host } : {}),
  }));
}
