import type { Colors } from './format.js';
import type { RunEvent } from './events.js';

export interface Renderer {
  handle(event: RunEvent): void;
  /** waits until everything is on screen */
  close(): Promise<void>;
  /**
   * Waits (briefly) until what was already received is drawn, so a question
   * (--step) is not printed in the middle of a live frame.
   */
  settled?(): Promise<void>;
}

export interface RendererOptions {
  stream: NodeJS.WriteStream;
  colors: Colors;
  verbosity: number;
  diff: boolean;
}

export type OutputMode = 'tty' | 'plain' | 'json';
