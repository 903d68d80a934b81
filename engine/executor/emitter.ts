/**
 * Every event leaves the executor through here: each string in it goes through
 * the caller's `redact` and the run's own secret set (no_log output, become
 * passwords), so renderers never see a secret.
 */
import type { EventSink, RunEvent } from '../output/events.js';
import { maskSecrets } from '../connection/types.js';

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
