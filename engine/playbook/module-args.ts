/**
 * Module arguments checked against each module's JSON Schema with ajv (one
 * compiled validator per module, cached), ajv errors turned into TsplayErrors
 * pointing at the argument at fault.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { TsplayError, type SourcePos } from '../errors.js';
import type { AnyModule } from '../module-api.js';
import { getModule } from '../../modules/registry.js';
import type { VarsMap } from './model.js';
import { didYouMean } from './suggest.js';
import { describeType } from './ynode.js';
import { coerceModuleArgs } from './coerce.js';
import { AJV_OPTIONS, prebuiltValidator } from './prebuilt-validators.js';

export type ArgPath = readonly (string | number)[];

export interface ArgCheckOptions {
  source: SourcePos;
  /** static check: a string holding `{{` satisfies any type, enum or pattern */
  lenient?: boolean;
  /** position of the argument at `path` (its key when `key` is set) */
  locate?: (path: ArgPath, key: boolean) => SourcePos | undefined;
}

// validateSchema off: checking each module schema against the draft meta-schema compiled that
// meta-schema first, about 40% of `tsplay check`'s CPU (module schemas are tested in their own suites).
// code.optimize off: ajv's optimizing pass over the generated code halved the compile time of the
// module schemas (67 -> 34 ms CPU for 40 modules); validation of a few task arguments does not notice.
// built-in modules' validators are prebuilt (prebuilt-validators.ts); this compiles the others
const ajv = new Ajv({ ...AJV_OPTIONS, code: { optimize: false } });
const validators = new WeakMap<AnyModule, ValidateFunction>();

/** The schema a module's arguments are validated with. */
export function moduleSchema(mod: AnyModule): Record<string, unknown> {
  // $id/$schema of a module's own schema would clash (ajv registers ids) or switch drafts
  const { $id: _id, $schema: _schema, ...schema } = mod.params as Record<string, unknown>;
  return schema;
}

function validatorFor(mod: AnyModule): ValidateFunction {
  let v = validators.get(mod);
  if (!v) {
    const schema = moduleSchema(mod);
    v = prebuiltValidator(schema) ?? ajv.compile(schema);
    validators.set(mod, v);
  }
  return v;
}

/** Arguments of a module after templating (strict), as the executor calls it. */
export function validateModuleArgs(moduleName: string, args: VarsMap, source: SourcePos): TsplayError[] {
  const mod = getModule(moduleName);
  if (!mod) return [new TsplayError('TSPLAY_UNKNOWN_MODULE', `unknown module '${moduleName}'`, { source })];
  return checkModuleArgs(mod, args, { source });
}

export function checkModuleArgs(mod: AnyModule, args: VarsMap, opts: ArgCheckOptions): TsplayError[] {
  const validate = validatorFor(mod);
  args = coerceModuleArgs(mod, args);
  if (validate(args)) return [];
  const errors = (validate.errors ?? []).filter((e) => !(opts.lenient && underTemplate(args, pointerPath(e.instancePath))));
  const out: TsplayError[] = [];
  const seen = new Set<string>();
  for (const e of collapse(errors)) {
    const err = toTsplayError(mod, args, e, opts);
    const key = `${err.message}@${err.source?.line}:${err.source?.col}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(err);
    }
  }
  return out;
}

function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(args: unknown, path: ArgPath): unknown {
  let cur: unknown = args;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

/** True when the value at path, or one holding it, is a templated string. */
function underTemplate(args: unknown, path: ArgPath): boolean {
  for (let n = 0; n <= path.length; n++) if (isTemplated(valueAt(args, path.slice(0, n)))) return true;
  return false;
}

/** anyOf/oneOf report each branch failing; keep only the union's own error. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter((e) => {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return true;
    return !unions.some((u) => e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath));
  });
}

type Branch = { required?: string[]; type?: string | string[]; enum?: unknown[] };

/** "needs one of: src, content" / "must be string or array" from the union's branches. */
function unionMessage(mod: AnyModule, e: ErrorObject, where: string, value: unknown): string {
  const schema = schemaAtPointer(mod.params as Record<string, unknown>, e.schemaPath);
  const branches = (Array.isArray(schema) ? schema : []) as Branch[];
  const names = branches.flatMap((b) => b.required ?? []);
  if (branches.length && branches.every((b) => b.required && Object.keys(b).length === 1)) {
    const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (e.keyword === 'oneOf' && passing) return `takes only one of: ${names.join(', ')}`;
    return `needs ${e.keyword === 'oneOf' ? 'exactly ' : ''}one of: ${names.join(', ')}`;
  }
  const types = branches.flatMap((b) => (b.type ? [b.type].flat() : b.enum ? b.enum.map((x) => JSON.stringify(x)) : []));
  if (types.length) return `${where} must be ${[...new Set(types)].join(' or ')}, found ${describeType(value)}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

function schemaAtPointer(root: Record<string, unknown>, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function argName(path: ArgPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function toTsplayError(mod: AnyModule, args: VarsMap, e: ErrorObject, opts: ArgCheckOptions): TsplayError {
  const path = pointerPath(e.instancePath);
  const at = (p: ArgPath, key: boolean): SourcePos => opts.locate?.(p, key) ?? opts.source;
  const where = path.length ? `argument '${argName(path)}'` : 'arguments';
  const value = valueAt(args, path);
  const mk = (message: string, source: SourcePos, hint?: string, excerpt?: string) =>
    new TsplayError('TSPLAY_MODULE_ARGS', `module '${mod.name}': ${message}`, { source, hint, excerpt });
  switch (e.keyword) {
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const inside = path.length ? ` in '${argName(path)}'` : '';
      const required = (requiredAt(mod, path) ?? [missing]).join(', ');
      return mk(`missing required argument '${missing}'${inside}`, at(path, false), `required: ${required}`);
    }
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(propertiesAt(mod, path));
      const hint = known.length ? `valid arguments: ${known.sort().join(', ')}` : undefined;
      return mk(`unknown argument '${argName([...path, extra])}'${didYouMean(extra, known)}`, at([...path, extra], true), hint, extra);
    }
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type).replace(',', ' or ');
      return mk(`${where} must be ${want}, found ${describeType(value)}`, at(path, false), undefined, shortValue(value));
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v));
      return mk(`${where} must be one of ${allowed.join(', ')}, found ${shortValue(value)}`, at(path, false), `allowed: ${allowed.join(', ')}`, shortValue(value));
    }
    case 'anyOf':
    case 'oneOf':
      return mk(unionMessage(mod, e, where, value), at(path, false), undefined, shortValue(value));
    default:
      return mk(`${where} ${e.message ?? 'is invalid'}`, at(path, false), undefined, shortValue(value));
  }
}

function shortValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function requiredAt(mod: AnyModule, path: ArgPath): string[] | undefined {
  const schema = schemaAt(mod, path);
  return Array.isArray(schema?.required) ? (schema.required as string[]) : undefined;
}

function schemaAt(mod: AnyModule, path: ArgPath): Record<string, unknown> | undefined {
  let schema = mod.params as Record<string, unknown>;
  for (const p of path) {
    const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
    const next = typeof p === 'number' ? (schema.items as Record<string, unknown> | undefined) : props?.[p];
    if (!next) return undefined;
    schema = next;
  }
  return schema;
}

/** The `properties` of the (sub)schema for an object at path, for suggestions. */
function propertiesAt(mod: AnyModule, path: ArgPath): Record<string, unknown> {
  return (schemaAt(mod, path)?.properties as Record<string, unknown> | undefined) ?? {};
}
