/**
 * The typed event stream every renderer consumes (listr2 view, plain log,
 * NDJSON). Schema version 1: fields may be added, never renamed or removed.
 * Values are already redacted when emitted.
 */
import type { ErrorCode, SourcePos } from '../errors.js';
import type { TaskResult } from '../results.js';

export interface TaskRef {
  /** stable within a run: "play#/task#" */
  id: string;
  name: string;
  module: string;
  source?: SourcePos;
  role?: string;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { type: 'run_start'; v: 1; time: string; playbook: string; check: boolean; diff: boolean }
  | { type: 'play_start'; v: 1; name: string; hosts: string[]; source?: SourcePos; serialBatch?: number }
  | { type: 'task_start'; v: 1; task: TaskRef; hosts: string[]; handler: boolean }
  | { type: 'host_result'; v: 1; task: TaskRef; host: string; result: TaskResult; durationMs: number; handler: boolean; delegatedTo?: string }
  | { type: 'item_result'; v: 1; task: TaskRef; host: string; result: TaskResult }
  | { type: 'warning'; v: 1; message: string; host?: string; source?: SourcePos }
  | { type: 'message'; v: 1; level: 'info' | 'verbose' | 'debug'; verbosity: number; message: string; host?: string }
  | { type: 'play_end'; v: 1; name: string; stopped?: string }
  | { type: 'recap'; v: 1; stats: Record<string, HostStats>; durationMs: number }
  | { type: 'run_end'; v: 1; exitCode: number; interrupted?: boolean }
  /**
   * A problem that ends the run outside any task (bad options, validation
   * problems, a --limit leaving no host): one per problem, then run_end.
   * Added in schema version 1; the human message still goes to stderr.
   */
  | { type: 'error'; v: 1; code: ErrorCode; message: string; source?: SourcePos; hint?: string; host?: string };

export type EventSink = (event: RunEvent) => void;

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
