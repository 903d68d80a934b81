/**
 * Every event leaves the executor through here: each string in it goes through
 * the caller's `redact` and the run's own secret set (no_log output, become
 * passwords), so renderers never see a secret.
 */
import type { EventSink, RunEvent } from '../output/events.js';
import { maskSecrets } from '../connection/types.js';
import { SECRET_NAME } from '../output/redact.js';

/** Result keys whose values are free text a no_log task may have revealed. */
const NO_LOG_FREE_TEXT = new Set(['stdout', 'stderr', 'stdout_lines', 'stderr_lines', 'content', 'body', 'msg', 'json', 'value', 'item']);

/** Strings shorter than this are too common to mask everywhere. */
const MIN_SECRET_LENGTH = 4;

export class RedactingEmitter {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly sink: EventSink,
    private readonly redact: (s: string) => string = (s) => s,
    /** told of each new secret (the CLI's redactor, so its own output masks them too) */
    private readonly onSecret?: (secret: string) => void,
  ) {}

  addSecret(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length >= MIN_SECRET_LENGTH && !this.secrets.has(value)) {
        this.secrets.add(value);
        this.onSecret?.(value);
      }
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

  secretList(): string[] {
    // longest first, so a secret containing another is masked whole
    return [...this.secrets].sort((a, b) => b.length - a.length);
  }

  cleanString(s: string): string {
    return this.redact(maskSecrets(s, this.secretList()));
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
