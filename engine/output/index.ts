/** Picks the renderer for the output mode and wraps it so every event is redacted. */
import type { EventSink, RunEvent } from './events.js';
import { useColors } from './format.js';
import { JsonRenderer } from './json.js';
import { LiveRenderer } from './live.js';
import { PlainRenderer } from './plain.js';
import type { Redactor } from './redact.js';
import type { OutputMode, Renderer } from './renderer.js';

export type { OutputMode, Renderer } from './renderer.js';
export type { RunEvent, EventSink, HostStats, TaskRef } from './events.js';
export { Redactor, MASK } from './redact.js';

export interface OutputOptions {
  mode?: OutputMode;
  stream?: NodeJS.WriteStream;
  verbosity?: number;
  diff?: boolean;
  redactor?: Redactor;
}

export function chooseMode(requested: OutputMode | undefined, stream: NodeJS.WriteStream): OutputMode {
  if (requested) return requested;
  return stream.isTTY && !process.env.CI ? 'tty' : 'plain';
}

export function createRenderer(opts: OutputOptions = {}): { sink: EventSink; renderer: Renderer; mode: OutputMode } {
  const stream = opts.stream ?? process.stdout;
  const mode = chooseMode(opts.mode, stream);
  const ropts = { stream, colors: useColors(stream), verbosity: opts.verbosity ?? 0, diff: opts.diff ?? false };
  const renderer: Renderer = mode === 'json' ? new JsonRenderer(ropts) : mode === 'tty' ? new LiveRenderer(ropts) : new PlainRenderer(ropts);
  const redactor = opts.redactor;
  // belt and braces: the executor redacts too, but nothing reaches a screen unredacted
  const sink: EventSink = (e: RunEvent) => renderer.handle(redactor ? redactor.redactDeep(e) : e);
  return { sink, renderer, mode };
}
