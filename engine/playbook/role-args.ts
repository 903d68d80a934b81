/**
 * Role argument specs (meta/argument_specs.yml, Ansible's format: options with
 * type/required/default/choices/elements/description) checked against the
 * params and vars given where the role is used.
 */
import type { Node } from 'yaml';
import type { SourcePos } from '../errors.js';
import { loadYaml, report, type LoadCtx } from './context.js';
import type { RoleInstance } from './model.js';
import type { RoleRequest } from './roles.js';
import { roleFile } from './roles.js';
import { isTemplated } from './module-args.js';
import { didYouMean } from './suggest.js';
import { describeType, nodePos } from './ynode.js';
import { positionAt } from '../yaml.js';

export interface ArgSpecOption {
  type?: string;
  required?: boolean;
  default?: unknown;
  choices?: unknown[];
  elements?: string;
  description?: unknown;
  options?: Record<string, ArgSpecOption>;
}

/** The options of an entry point, or undefined when the role has no spec for it. */
export async function readArgumentSpec(ctx: LoadCtx, rolePath: string, entryPoint: string): Promise<Record<string, ArgSpecOption> | undefined> {
  const file = roleFile(rolePath, 'meta', 'argument_specs') ?? roleFile(rolePath, 'meta', 'main');
  if (!file) return undefined;
  const y = await loadYaml(ctx, file);
  const specs = (y?.value as { argument_specs?: Record<string, { options?: Record<string, ArgSpecOption> }> } | null)?.argument_specs;
  const entry = specs?.[entryPoint];
  if (!entry) return undefined;
  // a spec that is not a mapping (an option left empty, a list) is reported, not dereferenced
  const options: unknown = isMapping(entry) ? (entry.options ?? {}) : {};
  const path = ['argument_specs', entryPoint, 'options'];
  if (!isMapping(options)) {
    report(ctx, 'TSPLAY_SCHEMA', `argument_specs.${entryPoint}.options must be a mapping of argument names, found ${describeType(options)}`, { source: positionAt(y!, path) });
    return {};
  }
  const out: Record<string, ArgSpecOption> = {};
  for (const [key, spec] of Object.entries(options)) {
    if (isMapping(spec)) out[key] = spec as ArgSpecOption;
    else report(ctx, 'TSPLAY_SCHEMA', `argument spec of '${key}' must be a mapping (type, required, description...), found ${describeType(spec)}`, { source: positionAt(y!, [...path, key]) });
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface RoleArgsInput {
  role: RoleInstance;
  request: RoleRequest;
  entryPoint: string;
}

export async function checkRoleArgs(ctx: LoadCtx, input: RoleArgsInput): Promise<void> {
  const options = await readArgumentSpec(ctx, input.role.path, input.entryPoint);
  if (!options) return;
  const { role, request } = input;
  const at = (key: string): SourcePos => {
    const e = request.paramEntries?.find((p) => p.key === key);
    return e && request.y ? nodePos(request.y, e.value ?? e.keyNode) : request.source;
  };
  const keyAt = (key: string): SourcePos => {
    const e = request.paramEntries?.find((p) => p.key === key);
    return e && request.y ? nodePos(request.y, e.keyNode) : request.source;
  };
  const prefix = `role '${role.name}'`;
  // in source order: the entry's own keys, then its vars:
  const written = (request.paramEntries ?? []).map((e) => e.key).filter((k) => k in role.params);
  const keys = [...new Set([...written, ...Object.keys(role.params)])];
  for (const key of keys) {
    const value = role.params[key];
    const spec = options[key];
    if (!spec) {
      report(ctx, 'TSPLAY_ROLE_ARGS', `${prefix}: unknown argument '${key}'${didYouMean(key, Object.keys(options))}`, { source: keyAt(key), hint: `arguments of the role: ${Object.keys(options).sort().join(', ')}`, excerpt: key });
      continue;
    }
    const problem = valueProblem(value, spec);
    if (problem) report(ctx, 'TSPLAY_ROLE_ARGS', `${prefix}: argument '${key}' ${problem}`, { source: at(key), excerpt: JSON.stringify(value) });
  }
  if (ctx.checking) ctx.pendingRequired.push({ check: () => reportMissing(ctx, input, options) });
}

/** Required arguments given nowhere: not as params, role defaults/vars, play vars, group_vars, extra vars or set_fact. */
function reportMissing(ctx: LoadCtx, input: RoleArgsInput, options: Record<string, ArgSpecOption>): void {
  const { role, request } = input;
  if (ctx.dynamicVars) return;
  for (const [key, spec] of Object.entries(options)) {
    if (!spec.required || key in role.params || key in role.defaults || key in role.vars || ctx.knownVars.has(key)) continue;
    const source = request.y && request.nameNode ? nodePos(request.y, request.nameNode as Node) : request.source;
    report(ctx, 'TSPLAY_ROLE_ARGS', `role '${role.name}': missing required argument '${key}'`, { source, hint: describe(spec) });
  }
}

function describe(spec: ArgSpecOption): string | undefined {
  const d = Array.isArray(spec.description) ? spec.description.join(' ') : spec.description;
  const t = spec.type ? `${spec.type}` : undefined;
  return [t, typeof d === 'string' ? d : undefined].filter(Boolean).join(': ') || undefined;
}

const BOOL_STRINGS = new Set(['yes', 'no', 'true', 'false', 'on', 'off', '1', '0', 'y', 'n']);

function typeProblem(value: unknown, type: string | undefined): string | undefined {
  if (isTemplated(value) || value === null || value === undefined) return undefined;
  const numeric = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
  const ok: Record<string, (v: unknown) => boolean> = {
    str: (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
    path: (v) => typeof v === 'string',
    int: (v) => numeric(v) && Number.isInteger(Number(v)),
    float: numeric,
    bool: (v) => typeof v === 'boolean' || (typeof v === 'string' && BOOL_STRINGS.has(v.toLowerCase())),
    list: (v) => Array.isArray(v) || typeof v === 'string',
    dict: (v) => typeof v === 'object' && !Array.isArray(v),
  };
  const check = ok[type ?? 'raw'];
  if (!check || check(value)) return undefined;
  return `must be of type ${type}, found ${describeType(value)}`;
}

function valueProblem(value: unknown, spec: ArgSpecOption): string | undefined {
  const t = typeProblem(value, spec.type);
  if (t) return t;
  const items = spec.type === 'list' && Array.isArray(value) ? value : [value];
  if (spec.type === 'list' && spec.elements) {
    for (const item of items) {
      const p = typeProblem(item, spec.elements);
      if (p) return `element ${JSON.stringify(item)} ${p}`;
    }
  }
  if (spec.choices && !isTemplated(value)) {
    const bad = items.find((i) => !spec.choices!.some((c) => c === i || String(c) === String(i)));
    if (bad !== undefined) return `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}, found ${JSON.stringify(bad)}`;
  }
  return undefined;
}

