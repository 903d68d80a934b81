/**
 * One error type for everything tsplay reports. `code` is stable (scripts and
 * tests match on it); `source` points at the YAML node at fault.
 */
export interface SourcePos {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export type ErrorCode =
  | 'TSPLAY_YAML_SYNTAX'
  | 'TSPLAY_SCHEMA'
  | 'TSPLAY_UNKNOWN_KEY'
  | 'TSPLAY_UNKNOWN_MODULE'
  | 'TSPLAY_MODULE_ARGS'
  | 'TSPLAY_TEMPLATE_SYNTAX'
  | 'TSPLAY_TEMPLATE_ERROR'
  | 'TSPLAY_UNDEFINED_VAR'
  | 'TSPLAY_INVENTORY'
  | 'TSPLAY_HOST_PATTERN'
  | 'TSPLAY_NO_HOSTS'
  | 'TSPLAY_ROLE_NOT_FOUND'
  | 'TSPLAY_ROLE_ARGS'
  | 'TSPLAY_FILE_NOT_FOUND'
  | 'TSPLAY_INCLUDE'
  | 'TSPLAY_VAULT'
  | 'TSPLAY_CONFIG'
  | 'TSPLAY_OPTIONS'
  | 'TSPLAY_CONNECTION'
  | 'TSPLAY_AUTH'
  | 'TSPLAY_HOST_KEY'
  | 'TSPLAY_TIMEOUT'
  | 'TSPLAY_COMMAND_FAILED'
  | 'TSPLAY_MODULE_FAILED'
  /** a custom module (library/, modules_path) that does not load or define a valid module */
  | 'TSPLAY_MODULE_LOAD'
  | 'TSPLAY_LAB'
  | 'TSPLAY_INTERRUPTED'
  | 'TSPLAY_INTERNAL';

export interface TsplayErrorInit {
  source?: SourcePos;
  host?: string;
  task?: string;
  /** what was expected, or how to fix it */
  hint?: string;
  /** the offending text, shown under the message */
  excerpt?: string;
  cause?: unknown;
}

export class TsplayError extends Error {
  readonly code: ErrorCode;
  readonly source?: SourcePos;
  readonly host?: string;
  readonly task?: string;
  readonly hint?: string;
  readonly excerpt?: string;

  constructor(code: ErrorCode, message: string, init: TsplayErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TsplayError';
    this.code = code;
    this.source = init.source;
    this.host = init.host;
    this.task = init.task;
    this.hint = init.hint;
    this.excerpt = init.excerpt;
  }

  /** `file:line:col: message (CODE)` plus hint and excerpt lines. */
  format(): string {
    const where = this.source ? `${formatPos(this.source)}: ` : '';
    const who = this.host ? `[${this.host}] ` : '';
    const lines = [`${where}${who}${this.message} (${this.code})`];
    if (this.excerpt) lines.push(`    ${this.excerpt}`);
    if (this.hint) lines.push(`  hint: ${this.hint}`);
    return lines.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      source: this.source,
      host: this.host,
      task: this.task,
      hint: this.hint,
    };
  }
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

export function isTsplayError(e: unknown): e is TsplayError {
  return e instanceof TsplayError;
}

/** Several problems found by a static check, reported together. */
export class TsplayErrors extends Error {
  readonly errors: TsplayError[];
  constructor(errors: TsplayError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'TsplayErrors';
    this.errors = errors;
  }
}

/** Exit codes, as ansible-playbook's. */
export const ExitCode = {
  ok: 0,
  error: 1,
  failedHosts: 2,
  unreachableHosts: 3,
  parseError: 4,
  badOptions: 5,
  interrupted: 99,
} as const;
