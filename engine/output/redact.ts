/**
 * Every string that leaves the engine (renderers, NDJSON, errors, diffs) goes
 * through one Redactor. It knows the secret values of the run (vault values,
 * `*password*` variables, no_log results, become and SSH passwords) and
 * replaces each occurrence with a fixed mask.
 */
export const MASK = '********';

/** Names whose values are secrets wherever they appear. */
export const SECRET_NAME = /pass(word|wd|phrase)?$|password|secret|token$|private_key$|_key_data$/i;

/**
 * `key=value`, `key: value` and `"key": "value"` where the key names a
 * secret: for text quoted before the run knows its secrets (an inventory
 * line or `-e` JSON in a parse error). Template references stay readable.
 */
const ASSIGNMENT = /(?<![\w./-])(["']?)([A-Za-z_][\w.-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,}\]]+)/g;
/** `secrets.yml:3:5:` in an error is a file position, not an assignment */
const FILE_NAME = /\.(ya?ml|j2|ini|json|cfg|conf|txt)$/i;

export function maskSecretAssignments(text: string): string {
  return text.replace(ASSIGNMENT, (all, q: string, key: string, sep: string, value: string) =>
    SECRET_NAME.test(key) && !FILE_NAME.test(key) && !/^["']?(\{\{|!vault)/.test(value) ? `${q}${key}${q}${sep}${MASK}` : all,
  );
}

/** Values shorter than this are not masked in free text (would mask every "a"). */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private secrets = new Set<string>();
  private ordered: string[] = [];

  add(value: unknown): void {
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    if (this.secrets.has(value)) return;
    this.secrets.add(value);
    for (const line of value.split('\n')) if (line.trim().length >= MIN_SECRET_LENGTH) this.secrets.add(line);
    // longest first, so a secret containing another is masked whole
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** Adds the values of every secret-named key found in a vars tree. */
  addFromVars(vars: unknown, depth = 0): void {
    if (depth > 8 || vars === null || typeof vars !== 'object') return;
    for (const [key, value] of Object.entries(vars as Record<string, unknown>)) {
      if (SECRET_NAME.test(key) && (typeof value === 'string' || typeof value === 'number')) this.add(value);
      else if (typeof value === 'object') this.addFromVars(value, depth + 1);
    }
  }

  has(value: string): boolean {
    return this.secrets.has(value);
  }

  /** The secrets, longest first (the order they are masked in). */
  list(): readonly string[] {
    return this.ordered;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  }

  /** Deep copy with every string redacted (for events and NDJSON). */
  redactDeep<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.ordered.length ? this.redact(value) : value;
    if (depth > 32 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    if (value instanceof Error) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.walk(v, depth + 1);
    return out;
  }
}
