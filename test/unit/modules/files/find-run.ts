/**
 * Runs find as the executor would for a read-only module (arguments coerced
 * and checked against the schema as `tsplay check` does, then probe and plan),
 * returning the status, the registered data and a failure's message.
 */
import { coerceModuleArgs, validateModuleArgs } from '../../../../engine/playbook/index.js';
import { ModuleFailure } from '../../../../engine/module-api.js';
import { find } from '../../../../modules/files/find.js';
import type { TestContext } from '../../../helpers/ctx-utility-context.js';

export interface FindRun {
  result: { status: 'ok' | 'failed'; data: Record<string, unknown>; msg?: string };
}

export async function runFind(raw: Record<string, unknown>, ctx: TestContext): Promise<FindRun> {
  const p = coerceModuleArgs(find, raw);
  const problems = validateModuleArgs('find', p, { file: 'test', line: 1, col: 1 });
  if (problems.length > 0) throw new Error(problems.map((e) => e.message).join('; '));
  try {
    const facts = await find.probe!(ctx, p);
    const plan = find.plan(p, facts, { host: ctx.host, check: ctx.check, diff: false, noLog: false });
    return { result: { status: 'ok', data: plan.data ?? {} } };
  } catch (e) {
    if (e instanceof ModuleFailure) return { result: { status: 'failed', data: {}, msg: e.message } };
    throw e;
  }
}
