/**
 * One run of a task's module on one host (one loop item): render and check
 * the arguments, then run with retries/until, changed_when and failed_when.
 */
import type { BecomeOptions } from '../connection/types.js';
import type { Task, VarsMap } from '../playbook/model.js';
import type { TaskResult } from '../results.js';
import { toRegistered } from '../results.js';
import type { TemplateContext } from '../vars/types.js';
import type { BatchContext } from './context.js';
import { allHold } from './conditions.js';
import { errorResult, runModule } from './module-runner.js';
import type { Scope } from './scope.js';
import { environmentLayers, inherited } from './scope.js';
import { environmentLayer, numberKeyword } from './keyword-values.js';
import { withTimeout } from './timeout.js';

export interface ItemRun {
  bc: BatchContext;
  host: string;
  task: Task;
  scope: Scope;
  /** task vars including the loop variables */
  vars: VarsMap;
  tctx: TemplateContext;
  check: boolean;
  diff: boolean;
  noLog: boolean;
  /** where the module runs: the host itself or the delegate */
  target: { host: string; vars: VarsMap };
  facts: VarsMap;
  warn: (message: string) => void;
}

const SECRET_VARS = ['ansible_become_password', 'ansible_become_pass', 'ansible_password', 'ansible_ssh_pass'];

export async function runItem(ir: ItemRun): Promise<TaskResult> {
  const until = ir.task.until;
  const { templar } = ir.bc.play.run.services;
  let retries: number | undefined;
  let delay: number;
  try {
    retries = numberKeyword(templar, { name: 'retries', value: ir.task.retries }, ir.vars, ir.tctx);
    delay = numberKeyword(templar, { name: 'delay', value: ir.task.delay }, ir.vars, ir.tctx) ?? 5;
  } catch (e) {
    return errorResult(e);
  }
  if (!until || until.length === 0) return applyResultRules(ir, await runOnce(ir));
  const maxAttempts = untilAttempts(retries);
  let result: TaskResult = { status: 'failed', msg: 'not run', data: {} };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    result = applyResultRules(ir, await runOnce(ir));
    result.data.attempts = attempt;
    // as Ansible: with a single attempt `until` is never evaluated
    if (maxAttempts === 1 || result.status === 'unreachable') return result;
    if (allHold(ir.bc.play.run.services.templar, until, conditionVars(ir, result), ir.tctx)) return result;
    if (attempt < maxAttempts) {
      const message = `FAILED - RETRYING: [${ir.host}]: ${ir.task.name ?? ir.task.moduleAs} (${maxAttempts - attempt} retries left).`;
      ir.bc.play.run.emitter.emit({ type: 'message', v: 1, level: 'info', verbosity: 0, message, host: ir.host });
      await sleep(delay * 1000, ir.bc.play.run.opts.signal);
    }
  }
  return untilExhausted(result, maxAttempts);
}

/**
 * Ansible 2.14 (TaskExecutor._execute): with `until`, `retries: N` means the
 * first try plus N retries; retries defaults to 3; 0 or less is one attempt.
 */
export function untilAttempts(retries: number | undefined): number {
  if (retries === undefined) return 4;
  return retries <= 0 ? 1 : retries + 1;
}

/**
 * The last attempt did not satisfy `until`: the task fails. Ansible then
 * registers attempts = retries (one less than the attempts made) and keeps
 * `changed` (an ignored failure that changed something counts changed).
 */
function untilExhausted(result: TaskResult, maxAttempts: number): TaskResult {
  const changed = result.status === 'changed' || result.data.changed === true;
  const data = { ...result.data, attempts: maxAttempts - 1, ...(changed ? { changed: true } : {}) };
  if (result.status === 'failed') return { ...result, data };
  return { ...result, status: 'failed', msg: `until condition not met after ${maxAttempts} attempts`, data };
}

async function runOnce(ir: ItemRun): Promise<TaskResult> {
  const run = ir.bc.play.run;
  const { templar } = run.services;
  let args: VarsMap;
  try {
    args = dropOmit(templar.render(ir.task.args, ir.vars, ir.tctx) as VarsMap, run.omit);
    const mod = run.services.getModule(ir.task.module);
    if (mod && run.services.coerceModuleArgs) args = run.services.coerceModuleArgs(mod, args);
    const problems = run.services.validateModuleArgs(ir.task.module, args, ir.task.argsSource);
    if (problems.length > 0) throw problems[0];
  } catch (e) {
    return errorResult(e);
  }
  const module = run.services.getModule(ir.task.module);
  if (!module) return { status: 'failed', msg: `unknown module ${ir.task.moduleAs}`, data: {} };
  let timeoutS: number | undefined;
  try {
    const keyword = inherited(ir.task, ir.scope, 'timeout') ?? ir.bc.play.play.timeout;
    timeoutS = numberKeyword(templar, { name: 'timeout', value: keyword }, ir.vars, ir.tctx) ?? run.opts.timeoutS;
  } catch (e) {
    return errorResult(e);
  }
  const deadline = timeoutS && timeoutS > 0 ? Date.now() + timeoutS * 1000 : undefined;
  return withTimeout(timeoutS, run.opts.signal, (signal) =>
    runModule({
      deadline,
      module,
      task: ir.task,
      host: ir.host,
      args,
      vars: ir.vars,
      facts: ir.facts,
      check: ir.check,
      diff: ir.diff,
      noLog: ir.noLog,
      become: resolveBecome(ir),
      env: renderEnvironment(ir),
      connect: () => run.pool.get(ir.target.host, ir.target.vars),
      templar,
      playbookDir: run.opts.playbook.dir,
      secrets: [...secretsOf(ir.vars), ...(run.opts.becomePassword ? [run.opts.becomePassword] : []), ...run.emitter.secretList()],
      warn: ir.warn,
      signal,
    }),
  );
}

/**
 * become: task, blocks, then play keywords; else ansible_become* variables;
 * else the command line (-b). become_user/method keywords fill in either way.
 */
function resolveBecome(ir: ItemRun): BecomeOptions | false {
  const run = ir.bc.play.run;
  const play = ir.bc.play.play;
  const kw = {
    become: inherited(ir.task, ir.scope, 'become') ?? play.become,
    user: inherited(ir.task, ir.scope, 'becomeUser') ?? play.becomeUser,
    method: inherited(ir.task, ir.scope, 'becomeMethod') ?? play.becomeMethod,
  };
  const password = run.opts.becomePassword ?? run.opts.become?.password;
  let enabled = kw.become;
  if (enabled === undefined && ir.vars.ansible_become === undefined && run.opts.become) enabled = true;
  if (enabled === false) return false;
  const fromVars = run.services.becomeFromVars(ir.vars, enabled === undefined ? undefined : {});
  if (!fromVars) return false;
  const cli = run.opts.become;
  return {
    user: kw.user ?? (ir.vars.ansible_become_user === undefined ? cli?.user : undefined) ?? fromVars.user,
    method: kw.method ?? (ir.vars.ansible_become_method === undefined ? cli?.method : undefined) ?? fromVars.method,
    password: fromVars.password ?? password,
  };
}

function renderEnvironment(ir: ItemRun): Record<string, string> {
  const { templar } = ir.bc.play.run.services;
  const layers = environmentLayers(ir.bc.play.play, ir.task, ir.scope).map((l) => environmentLayer(templar, l, ir.vars, ir.tctx));
  const env: Record<string, unknown> = Object.assign({}, ...layers.filter((l) => l !== undefined));
  if (Object.keys(env).length === 0) return {};
  const rendered = templar.render(env, ir.vars, ir.tctx) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rendered)) {
    if (v !== ir.bc.play.run.omit && v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

function secretsOf(vars: VarsMap): string[] {
  return SECRET_VARS.map((k) => vars[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Drops arguments (and nested dict values) equal to the `omit` placeholder. */
export function dropOmit(args: VarsMap, omit: string): VarsMap {
  const out: VarsMap = {};
  for (const [k, v] of Object.entries(args ?? {})) {
    if (v === omit) continue;
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? dropOmit(v as VarsMap, omit) : v;
  }
  return out;
}

/** The register variable holds the result while changed_when/failed_when/until are evaluated. */
function conditionVars(ir: ItemRun, result: TaskResult): VarsMap {
  const reg = toRegistered(result);
  return ir.task.register ? { ...ir.vars, [ir.task.register]: reg } : { ...ir.vars, ...reg };
}

/**
 * changed_when then failed_when, as Ansible evaluates them: both apply to
 * failed results too, and a failed result keeps whether it changed something
 * in data.changed (command/shell report changed on failure).
 */
function applyResultRules(ir: ItemRun, result: TaskResult): TaskResult {
  if (result.status === 'unreachable' || result.status === 'skipped') return result;
  const { changedWhen, failedWhen } = ir.task;
  if (changedWhen === undefined && failedWhen === undefined) return result;
  const { templar } = ir.bc.play.run.services;
  const judge = (cond: string[] | boolean, r: TaskResult): boolean =>
    typeof cond === 'boolean' ? cond : allHold(templar, cond, conditionVars(ir, r), ir.tctx);
  let out: TaskResult = result;
  try {
    if (changedWhen !== undefined) out = withOutcome(out, out.status === 'failed', judge(changedWhen, out));
    if (failedWhen !== undefined) {
      const failed = judge(failedWhen, out);
      const changed = out.status === 'changed' || out.data.changed === true;
      out = withOutcome(out, failed, changed);
      out.data = { ...out.data, failed_when_result: failed };
    }
  } catch (e) {
    return errorResult(e);
  }
  return out;
}

/** The result with the given failed/changed outcome; a failed result says changed in data.changed. */
function withOutcome(r: TaskResult, failed: boolean, changed: boolean): TaskResult {
  const { changed: _old, ...data } = r.data;
  if (failed) return { ...r, status: 'failed', msg: r.msg ?? 'failed_when condition met', data: changed ? { ...data, changed: true } : data };
  return { ...r, status: changed ? 'changed' : 'ok', data } as TaskResult;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
