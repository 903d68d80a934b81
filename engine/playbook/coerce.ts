/**
 * Ansible converts argument values to the type a module declares (`yes` to
 * true, "5432" to 5432); free-form `key=value` arguments are all strings.
 * Values are converted only where the schema's type leaves no doubt.
 */
import type { AnyModule } from '../module-api.js';
import type { VarsMap } from './model.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; enum?: unknown[] };

const TRUE = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE = new Set(['no', 'false', 'off', '0', 'n']);

function types(s: Schema | undefined): string[] {
  if (!s?.type) return [];
  return Array.isArray(s.type) ? s.type : [s.type];
}

export function coerceValue(value: unknown, schema: Schema | undefined): unknown {
  const t = types(schema);
  if (t.length === 0) return value;
  if (typeof value === 'string' && !value.includes('{{') && !t.includes('string')) {
    const lower = value.trim().toLowerCase();
    if (t.includes('boolean') && TRUE.has(lower)) return true;
    if (t.includes('boolean') && FALSE.has(lower)) return false;
    if ((t.includes('integer') && /^-?\d+$/.test(value.trim())) || (t.includes('number') && value.trim() !== '' && !Number.isNaN(Number(value)))) return Number(value);
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && t.length === 1 && t[0] === 'string') return String(value);
  return value;
}

/** A copy of args with top-level values converted to the module's declared types. */
export function coerceModuleArgs(mod: AnyModule, args: VarsMap): VarsMap {
  const props = (mod.params as Schema).properties ?? {};
  const out: VarsMap = {};
  for (const [k, v] of Object.entries(args)) out[k] = coerceValue(v, props[k]);
  return out;
}
