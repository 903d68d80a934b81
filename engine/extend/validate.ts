/**
 * What a custom module file must export: a `defineModule(...)` result, as its
 * default export or as `module`. Its shape and its `params` JSON Schema are
 * checked here, so a broken module is reported with its file before any
 * playbook that uses it is checked.
 */
import { Ajv } from 'ajv';
import { TsplayError } from '../errors.js';
import type { AnyModule } from '../module-api.js';

const ajv = new Ajv({ strict: false, allowUnionTypes: true });
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The module definition a file's namespace exports, or the reason it has none. */
export function moduleExportOf(ns: Record<string, unknown>): unknown {
  if (ns.default !== undefined) return ns.default;
  if (ns.module !== undefined) return ns.module;
  return undefined;
}

const isFn = (v: unknown): boolean => typeof v === 'function';

/** Every problem with a definition; empty when it can be registered. */
export function moduleDefProblems(def: unknown): string[] {
  if (def === null || typeof def !== 'object') return ['the file must export a defineModule(...) result as default export or as `module`'];
  const d = def as Record<string, unknown>;
  const out: string[] = [];
  if (typeof d.name !== 'string' || !NAME.test(d.name)) out.push(`name must be a module name such as 'my_module' or 'acme.web.my_module', got ${JSON.stringify(d.name)}`);
  if (d.aliases !== undefined && !(Array.isArray(d.aliases) && d.aliases.every((a) => typeof a === 'string' && NAME.test(a)))) out.push('aliases must be a list of module names');
  const doc = d.doc as Record<string, unknown> | undefined;
  if (!doc || typeof doc.short !== 'string' || !doc.short.trim()) out.push('doc.short (a one-line description) is required');
  if (doc?.examples !== undefined && typeof doc.examples !== 'string') out.push('doc.examples must be a YAML string of tasks');
  if (!isFn(d.plan)) out.push('plan(params, facts, ctx) must be a function');
  for (const k of ['probe', 'apply'] as const) if (d[k] !== undefined && !isFn(d[k])) out.push(`${k} must be a function`);
  out.push(...schemaProblems(d.params));
  return out;
}

function schemaProblems(params: unknown): string[] {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return ['params must be a JSON Schema object ({ type: "object", properties: {...} })'];
  const p = params as Record<string, unknown>;
  if (p.type !== 'object') return [`params.type must be "object", got ${JSON.stringify(p.type)}`];
  try {
    const { $id: _id, $schema: _schema, ...schema } = p;
    ajv.compile(schema);
  } catch (e) {
    return [`params is not a valid JSON Schema: ${e instanceof Error ? e.message : String(e)}`];
  }
  return [];
}

/** Properties without a description: `tsplay doc` and editors have nothing to show for them. */
export function undescribedParams(mod: AnyModule): string[] {
  const props = (mod.params.properties ?? {}) as Record<string, { description?: unknown }>;
  return Object.entries(props)
    .filter(([, v]) => !v || typeof v.description !== 'string' || !v.description.trim())
    .map(([k]) => k);
}

export function loadError(file: string, message: string, hint?: string): TsplayError {
  return new TsplayError('TSPLAY_MODULE_LOAD', message, { source: { file, line: 1, col: 1 }, hint });
}
