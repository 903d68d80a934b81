/**
 * `--output json`: one event per line (NDJSON), schema version 1 (see
 * docs/events.md). Consumers match on `type`; fields are only ever added.
 */
import type { RunEvent } from './events.js';
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
