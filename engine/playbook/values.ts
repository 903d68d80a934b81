/** Coercion of keyword values (booleans, lists, conditions) with errors at the node. */
import type { Node } from 'yaml';
import type { YamlDoc } from '../yaml.js';
import { reportAt, type LoadCtx } from './context.js';
import { describeType, toValue } from './ynode.js';

export interface ValueSite {
  ctx: LoadCtx;
  y: YamlDoc;
  node: Node | null;
  key: string;
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y', 't']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n', 'f']);

export function asBool(s: ValueSite): boolean | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE.has(v.toLowerCase())) return true;
  if (typeof v === 'string' && FALSE.has(v.toLowerCase())) return false;
  if (v === 1 || v === 0) return v === 1;
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be a boolean (true or false), found ${describeType(v)}`, { excerpt: JSON.stringify(v) });
  return undefined;
}

/** A boolean, or a templated string kept for run time (ignore_errors, no_log). */
export function asBoolOrTemplate(s: ValueSite): boolean | string | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'string' && v.includes('{{')) return v;
  return asBool(s);
}

export function asNumber(s: ValueSite): number | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be a number, found ${describeType(v)}`, { excerpt: JSON.stringify(v) });
  return undefined;
}

/** A number, or a templated string kept for run time (retries, delay, timeout). */
export function asNumberOrTemplate(s: ValueSite): number | string | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'string' && v.includes('{{')) return v;
  return asNumber(s);
}

export function asString(s: ValueSite): string | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be a string, found ${describeType(v)}`);
  return undefined;
}

/** A string or list of strings; strings split on commas when `commas` (tags). */
export function asStringList(s: ValueSite, commas = false): string[] {
  const v = toValue(s.y, s.node);
  if (v === null || v === undefined) return [];
  const split = (x: string) => (commas ? x.split(',').map((t) => t.trim()).filter(Boolean) : [x]);
  if (typeof v === 'string') return split(v);
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  // as Ansible: a string is split on commas, list items are taken as they are
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return v.map((x) => String(x));
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be a string or a list of strings, found ${describeType(v)}`);
  return [];
}

/** `{{ expr }}` around a whole condition is tolerated (Ansible warns): the braces are removed. */
export function bareExpression(expr: string): string {
  const m = /^\s*\{\{(.*)\}\}\s*$/s.exec(expr);
  return m && !m[1]!.includes('{{') ? m[1]!.trim() : expr.trim();
}

/** when / until: a string, boolean or list of them, as a list of expressions. */
export function asConditions(s: ValueSite): string[] {
  const v = toValue(s.y, s.node);
  const one = (x: unknown): string | undefined => {
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'string') return bareExpression(x);
    if (typeof x === 'number') return String(x);
    return undefined;
  };
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    const e = one(x);
    if (e === undefined) reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be an expression, a boolean or a list of them, found ${describeType(x)}`);
    else out.push(e);
  }
  return out;
}

/** changed_when / failed_when: `false` stays a boolean, anything else conditions. */
export function asConditionsOrBool(s: ValueSite): string[] | boolean {
  const v = toValue(s.y, s.node);
  if (typeof v === 'boolean') return v;
  return asConditions(s);
}

export function asMapping(s: ValueSite): Record<string, unknown> | undefined {
  const v = toValue(s.y, s.node);
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be a mapping, found ${describeType(v)}`);
  return undefined;
}
