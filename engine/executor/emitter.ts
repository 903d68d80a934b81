/**
 * Every event leaves the executor through here: each string in it goes through
 * the run's Redactor (no_log output, become passwords, secret-named
 * variables; the CLI's own Redactor when it hands one in, so there is one set
 * and one set of rules) and then the caller's `redact`, so renderers never see
 * a secret.
 */
import type { EventSink, RunEvent } from '../output/events.js';
import { Redactor, SECRET_NAME } from '../output/redact.js';

/** Result keys whose values are free text a no_log task may have revealed. */
const NO_LOG_FREE_TEXT = new Set(['stdout', 'stderr', 'stdout_lines', 'stderr_lines', 'content', 'body', 'msg', 'json', 'value', 'item']);

export interface EmitterOptions {
  /** applied to every string after the run's own masking */
  redact?: (s: string) => string;
  /** the Redactor to hold; a new one when absent */
  redactor?: Redactor;
  /** told of each new secret (a caller's redactor that is not the one held) */
  onSecret?: (secret: string) => void;
}

export class RedactingEmitter {
  private readonly redactor: Redactor;
  private readonly redact: (s: string) => string;

  constructor(
    private readonly sink: EventSink,
    private readonly opts: EmitterOptions = {},
  ) {
    this.redactor = opts.redactor ?? new Redactor();
    this.redact = opts.redact ?? ((s) => s);
  }

  /** Strings (also inside lists and mappings) become secrets; the Redactor decides which are too short. */
  addSecret(value: unknown): void {
    if (typeof value === 'string') {
      if (this.redactor.has(value)) return;
      this.redactor.add(value);
      if (this.redactor.has(value)) this.opts.onSecret?.(value);
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => this.addSecret(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.addSecret(v));
  }

  /**
   * The secret-carrying values of a no_log result: secret-named keys and the
   * free output of a module (stdout, content, msg...). Paths, owners, modes and
   * other descriptive values stay visible: masking "root" or a file name
   * everywhere for the rest of the run hides more than it protects.
   */
  addNoLogSecrets(data: unknown, depth = 0): void {
    if (depth > 16 || data === null || typeof data !== 'object') return;
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      const freeText = NO_LOG_FREE_TEXT.has(key) && (typeof value !== 'object' || key !== 'item');
      if (SECRET_NAME.test(key) || freeText) this.addSecret(value);
      else if (value && typeof value === 'object') this.addNoLogSecrets(value, depth + 1);
    }
  }

  /** longest first, so a secret containing another is masked whole */
  secretList(): string[] {
    return [...this.redactor.list()];
  }

  cleanString(s: string): string {
    return this.redact(this.redactor.redact(s));
  }

  emit(event: RunEvent): void {
    this.sink(this.clean(event) as RunEvent);
  }

  private clean(value: unknown): unknown {
    if (typeof value === 'string') return this.cleanString(value);
    if (Array.isArray(value)) return value.map((v) => this.clean(v));
    if (value && typeof value === 'object' && isPlain(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.clean(v);
      return out;
    }
    return value;
  }
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
