/**
 * Evaluating raw expressions (assert's `that`, debug's `var`) on top of
 * ModuleContext.render: the executor does not render these parameters
 * (they hold bare Jinja expressions, as in Ansible), so the module wraps
 * them in a template itself.
 */
import type { ModuleContext } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';

type PathStep = string | number;

/** Parses `a.b[0]['c']` into steps; undefined when it is not a plain path. */
export function parseVarPath(expr: string): PathStep[] | undefined {
  const text = expr.trim();
  const re = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;
  const steps: PathStep[] = [];
  let rest = text;
  if (!/^[A-Za-z_]/.test(rest)) return undefined;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4])!);
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** Looks a dotted path up in the variables, keeping the native value. */
export function lookupVar(vars: Record<string, unknown>, expr: string): { path: boolean; found: boolean; value?: unknown } {
  const steps = parseVarPath(expr);
  if (!steps) return { path: false, found: false };
  let cur: unknown = vars;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object' || !(step in (cur as Record<string | number, unknown>))) return { path: true, found: false };
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return { path: true, found: true, value: cur };
}

/** Evaluates a bare Jinja condition ("x is defined", "a == 1") to a boolean. */
export function evaluateCondition(ctx: ModuleContext, expr: string | boolean): boolean {
  if (typeof expr === 'boolean') return expr;
  const text = expr.trim();
  if (/^(true|yes)$/i.test(text)) return true;
  if (/^(false|no)$/i.test(text)) return false;
  let out: string;
  try {
    out = ctx.render(`{% if (${text}) %}1{% else %}0{% endif %}`);
  } catch (e) {
    throw new ModuleFailure(`The conditional check '${text}' failed. The error was: ${(e as Error).message}`);
  }
  return out.trim() === '1';
}
