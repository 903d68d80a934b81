/** What a task did on one host: a discriminated union, never a dict of magic keys. */
export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface FileDiff {
  /** path on the host, or a label like 'service nginx' */
  path: string;
  before: string;
  after: string;
  /** content not shown (secrets, no_log, binary): rendered as "content hidden" */
  hidden?: boolean;
}

export interface CommandInfo {
  /** secrets masked */
  cmd: string;
  rc: number;
  /** what the exit code means, when known ("command not found", "timed out") */
  meaning?: string;
  stderrTail?: string;
}

interface ResultBase {
  /** why: the reason it was ok/skipped/failed, or what changed */
  reason?: string;
  msg?: string;
  diff?: FileDiff[];
  /** module return values, exposed to `register` (rc, stdout, stat, ...) */
  data: Record<string, unknown>;
  /** the failing command, for failed results */
  command?: CommandInfo;
  /** for loop items: the item's label */
  item?: unknown;
  /** for loops: one result per item */
  results?: TaskResult[];
  /** set when the result was turned into ok by ignore_errors */
  ignored?: boolean;
  /** check mode: this result is a prediction */
  check?: boolean;
  warnings?: string[];
}

export interface OkResult extends ResultBase { status: 'ok' }
export interface ChangedResult extends ResultBase { status: 'changed' }
export interface SkippedResult extends ResultBase { status: 'skipped'; reason: string }
export interface FailedResult extends ResultBase { status: 'failed'; msg: string }
export interface UnreachableResult extends ResultBase { status: 'unreachable'; msg: string }

export type TaskResult = OkResult | ChangedResult | SkippedResult | FailedResult | UnreachableResult;

/** The Ansible-shaped dict that `register:` stores. */
export function toRegistered(r: TaskResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...r.data,
    // a failure that changed something first (a command that ran, failed_when) says so in data.changed
    changed: r.status === 'changed' || (r.status === 'failed' && r.data.changed === true),
    failed: r.status === 'failed',
  };
  if (r.status === 'skipped') {
    out.skipped = true;
    out.skip_reason = r.reason;
  }
  if (r.status === 'unreachable') out.unreachable = true;
  if (r.msg !== undefined) out.msg = r.msg;
  if (r.diff) out.diff = r.diff;
  if (r.results) out.results = r.results.map((x) => ({ ...toRegistered(x), item: x.item }));
  if (typeof out.stdout === 'string' && out.stdout_lines === undefined) out.stdout_lines = splitLines(out.stdout);
  if (typeof out.stderr === 'string' && out.stderr_lines === undefined) out.stderr_lines = splitLines(out.stderr);
  return out;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  return s.replace(/\n$/, '').split('\n');
}
