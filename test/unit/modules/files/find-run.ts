/**
 * Runs a read-only module as the executor would (arguments coerced and
 * checked against the schema as `tsplay check` does, then probe and plan),
 * returning the status, the registered data and a failure's message.
 */
import { coerceModuleArgs, validateModuleArgs } from '../../../../engine/playbook/index.js';
import { ModuleFailure, type AnyModule } from '../../../../engine/module-api.js';
import { find } from '../../../../modules/files/find.js';
import type { TestContext } from '../../../helpers/ctx-utility-context.js';

export interface ReadOnlyRun {
  result: { status: 'ok' | 'failed'; data: Record<string, unknown>; msg?: string };
}

export async function runReadOnly(mod: AnyModule, raw: Record<string, unknown>, ctx: TestContext): Promise<ReadOnlyRun> {
  const p = coerceModuleArgs(mod, raw);
  const problems = validateModuleArgs(mod.name, p, { file: 'test', line: 1, col: 1 });
  if (problems.length > 0) throw new Error(problems.map((e) => e.message).join('; '));
  try {
    const facts = mod.probe ? await mod.probe(ctx, p) : undefined;
    const plan = mod.plan(p, facts, { host: ctx.host, check: ctx.check, diff: false, noLog: false });
    return { result: { status: 'ok', data: plan.data ?? {} } };
  } catch (e) {
    if (e instanceof ModuleFailure) return { result: { status: 'failed', data: {}, msg: e.message } };
    throw e;
  }
}

export const runFind = (raw: Record<string, unknown>, ctx: TestContext): Promise<ReadOnlyRun> => runReadOnly(find, raw, ctx);
