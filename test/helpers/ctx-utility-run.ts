/**
 * Runs one module the way the executor does (validate, probe, plan, apply or
 * check-mode prediction) and returns a TaskResult, for module tests.
 */
import { Ajv } from 'ajv';
import { ModuleFailure, type AnyModule, type Plan } from '../../engine/module-api.js';
import type { TaskResult } from '../../engine/results.js';
import { failureMessage } from '../../modules/commands/exec-common.js';
import type { TestContext } from './ctx-utility-context.js';

const ajv = new Ajv({ allErrors: true, strict: true });

export function validateParams(mod: AnyModule, params: Record<string, unknown>): void {
  const check = ajv.compile(mod.params);
  if (!check(params)) throw new Error(`invalid params for ${mod.name}: ${ajv.errorsText(check.errors)}`);
}

export interface ModuleRun {
  result: TaskResult & { detail?: string };
  plan?: Plan;
  facts?: unknown;
}

export async function runModule(mod: AnyModule, params: Record<string, unknown>, ctx: TestContext): Promise<ModuleRun> {
  validateParams(mod, params);
  let facts: unknown;
  let plan: Plan | undefined;
  try {
    facts = mod.probe ? await mod.probe(ctx, params) : undefined;
    plan = mod.plan(params, facts, { host: ctx.host, check: ctx.check, diff: ctx.diff, noLog: ctx.noLog }) as Plan;
    const base = { data: plan.data ?? {}, diff: plan.diff, warnings: ctx.warnings };
    if (plan.skipped) return { result: { status: 'skipped', reason: plan.skipped, ...base }, plan, facts };
    if (ctx.check) {
      if (plan.unpredictable && plan.checkData) {
        return { result: { status: 'changed', reason: plan.unpredictable, ...base, data: { ...base.data, ...plan.checkData }, check: true }, plan, facts };
      }
      if (plan.unpredictable) return { result: { status: 'skipped', reason: plan.unpredictable, ...base, data: { ...base.data, ...(plan.checkSkipData ?? {}) }, check: true }, plan, facts };
      return { result: { status: plan.changes.length ? 'changed' : 'ok', reason: plan.reason, ...base, check: true }, plan, facts };
    }
    if (plan.changes.length === 0 && !plan.unpredictable) return { result: { status: 'ok', reason: plan.reason, ...base }, plan, facts };
    const applied = await mod.apply!(ctx, params, plan);
    const data = applied.data ?? {};
    if (applied.failed) return { result: { status: 'failed', msg: applied.failed.msg, data }, plan, facts };
    return { result: { status: applied.changed ? 'changed' : 'ok', msg: applied.msg, data, diff: applied.diff, warnings: ctx.warnings }, plan, facts };
  } catch (e) {
    if (e instanceof ModuleFailure) {
      // `detail` stands for what the output shows besides msg: command, exit code and meaning, stderr tail
      const detail = e.command ? failureMessage(e.command, ctx.secrets) : undefined;
      return { result: { status: 'failed', msg: e.message, data: e.data ?? {}, detail }, plan, facts };
    }
    throw e;
  }
}
