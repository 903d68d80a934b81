/**
 * A task on one host: `when`, loops (one result per item, `when` per item),
 * delegation, check/diff/no_log keywords; returns the task's result.
 */
import type { Task, VarsMap } from '../playbook/model.js';
import type { TaskRef } from '../output/events.js';
import type { TaskResult } from '../results.js';
import { toRegistered } from '../results.js';
import type { TemplateContext } from '../vars/types.js';
import type { BatchContext } from './context.js';
import { allHold, truthy } from './conditions.js';
import { fileFinder } from './find-file.js';
import { hostStateOf } from './host-state.js';
import { runItem } from './item-runner.js';
import type { ItemRun } from './item-runner.js';
import { expandLoop } from './loops.js';
import { errorResult } from './module-runner.js';
import { applySideEffects } from './side-effects.js';
import type { Scope } from './scope.js';
import { inherited } from './scope.js';
import { taskVarsFor } from './task-vars.js';
import { SECRET_NAME } from '../output/redact.js';
import { censor, loopItemVars } from './loop-vars.js';

export interface TaskRun {
  bc: BatchContext;
  host: string;
  task: Task;
  scope: Scope;
  ref: TaskRef;
}

export interface TaskOutput {
  result: TaskResult;
  delegatedTo?: string;
  noLog: boolean;
}

/** Never throws: whatever goes wrong becomes this host's failed result. */
export async function runTaskOnHost(tr: TaskRun): Promise<TaskOutput> {
  const { templar } = tr.bc.play.run.services;
  let noLog = false;
  try {
    const vars = taskVarsFor({ bc: tr.bc, host: tr.host, scope: tr.scope, task: tr.task });
    const tctx = templateContext(tr);
    addSecretNamedVars(tr, vars, tctx);
    noLog = truthy(templar, inherited(tr.task, tr.scope, 'noLog') ?? tr.bc.play.play.noLog, vars, tctx);
    const delegate = delegation(tr, vars, tctx);
    const base = baseItemRun(tr, vars, tctx, noLog, delegate);
    const conditions = [...tr.scope.when, ...tr.task.when];
    if (tr.task.loop === undefined) {
      if (!allHold(templar, conditions, vars, tctx)) return { result: skippedByWhen(), noLog, delegatedTo: delegate?.host };
      return { result: await finishItem(base, tr, await runItem(base)), noLog, delegatedTo: delegate?.host };
    }
    return { result: await runLoop(tr, base, conditions), noLog, delegatedTo: delegate?.host };
  } catch (e) {
    return { result: errorResult(e), noLog };
  }
}

/**
 * `*password*`, `*secret*`, `*token` ... variables are secrets wherever their
 * values appear (rendered, when they are templates): the emitter masks them.
 */
function addSecretNamedVars(tr: TaskRun, vars: VarsMap, tctx: TemplateContext): void {
  const { emitter, services } = tr.bc.play.run;
  for (const key of Object.keys(vars)) {
    if (!SECRET_NAME.test(key)) continue;
    const value = vars[key];
    if (typeof value === 'number') emitter.addSecret(String(value));
    if (typeof value !== 'string') continue;
    if (!value.includes('{{')) emitter.addSecret(value);
    else {
      try {
        emitter.addSecret(services.templar.render(value, vars, tctx));
      } catch {
        /* an unrenderable template is reported by the task that uses it */
      }
    }
  }
}

function templateContext(tr: TaskRun): TemplateContext {
  const dir = tr.bc.play.run.opts.playbook.dir;
  return { source: tr.task.source, baseDir: tr.task.baseDir ?? dir, searchPaths: fileFinder(tr.task, dir).searchPaths('templates') };
}

function baseItemRun(tr: TaskRun, vars: VarsMap, tctx: TemplateContext, noLog: boolean, delegate?: { host: string; vars: VarsMap }): ItemRun {
  const run = tr.bc.play.run;
  const play = tr.bc.play.play;
  const checkKw = inherited(tr.task, tr.scope, 'checkMode') ?? play.checkMode;
  const diffKw = inherited(tr.task, tr.scope, 'diff') ?? play.diff;
  return {
    bc: tr.bc,
    host: tr.host,
    task: tr.task,
    scope: tr.scope,
    vars,
    tctx,
    check: checkKw ?? !!run.opts.check,
    diff: diffKw ?? !!run.opts.diff,
    noLog,
    target: delegate ?? { host: tr.host, vars },
    facts: hostStateOf(run.hosts, tr.host).facts,
    warn: (message) => run.emitter.emit({ type: 'warning', v: 1, message, host: tr.host, source: tr.task.source }),
  };
}

/** delegate_to: the other host's connection, the task host's variables. */
function delegation(tr: TaskRun, vars: VarsMap, tctx: TemplateContext): { host: string; vars: VarsMap } | undefined {
  const raw = inherited(tr.task, tr.scope, 'delegateTo');
  if (!raw) return undefined;
  const run = tr.bc.play.run;
  const name = String(run.services.templar.render(raw, vars, tctx));
  if (name === tr.host) return undefined;
  if (run.opts.inventory.hosts.has(name)) return { host: name, vars: taskVarsFor({ bc: tr.bc, host: name }) };
  if (name === 'localhost' || name === '127.0.0.1') {
    return { host: name, vars: { inventory_hostname: name, ansible_connection: 'local', ansible_host: name } };
  }
  return { host: name, vars: { inventory_hostname: name, ansible_host: name } };
}

function skippedByWhen(): TaskResult {
  return { status: 'skipped', reason: 'conditional result was false', data: { false_condition: true } };
}

/** Results change the run (facts, add_host...) as soon as each item finishes. */
async function finishItem(ir: ItemRun, tr: TaskRun, result: TaskResult): Promise<TaskResult> {
  const factsHost = ir.target.host !== tr.host && tr.task.delegateFacts ? ir.target.host : tr.host;
  applySideEffects({ run: tr.bc.play.run, task: tr.task, host: tr.host, factsHost }, result);
  if (ir.noLog) tr.bc.play.run.emitter.addNoLogSecrets(result.data);
  return result;
}

async function runLoop(tr: TaskRun, base: ItemRun, conditions: string[]): Promise<TaskResult> {
  const run = tr.bc.play.run;
  const { templar } = run.services;
  let items: unknown[];
  try {
    const value = templar.render(tr.task.loop, base.vars, base.tctx);
    items = expandLoop(tr.task.loopKind ?? 'loop', value, { searchDirs: fileFinder(tr.task, run.opts.playbook.dir).searchPaths('files') });
  } catch (e) {
    // a loop over something undefined is fine when the condition is false anyway
    if (conditions.length > 0 && !safeHold(tr, conditions, base)) return skippedByWhen();
    return errorResult(e);
  }
  if (items.length === 0) return { status: 'skipped', reason: 'no items in the loop', data: { results: [] }, results: [] };
  const results: TaskResult[] = [];
  for (let i = 0; i < items.length; i++) {
    if (run.interrupted) break;
    if (i > 0 && tr.task.loopControl?.pause) await new Promise((r) => setTimeout(r, tr.task.loopControl!.pause! * 1000));
    results.push(await runLoopItem(tr, base, { items, index: i, conditions }));
  }
  return aggregate(results);
}

function safeHold(tr: TaskRun, conditions: string[], base: ItemRun): boolean {
  try {
    return allHold(tr.bc.play.run.services.templar, conditions, base.vars, base.tctx);
  } catch {
    return true;
  }
}

async function runLoopItem(tr: TaskRun, base: ItemRun, at: { items: unknown[]; index: number; conditions: string[] }): Promise<TaskResult> {
  const { templar } = tr.bc.play.run.services;
  const loopVars = loopItemVars(tr.task.loopControl, at.items, at.index);
  const vars = { ...base.vars, ...loopVars };
  const ir: ItemRun = { ...base, vars, target: base.target.host === tr.host ? { host: tr.host, vars } : base.target };
  let result: TaskResult;
  try {
    result = allHold(templar, at.conditions, vars, base.tctx) ? await finishItem(ir, tr, await runItem(ir)) : skippedByWhen();
  } catch (e) {
    result = errorResult(e);
  }
  const loopVar = tr.task.loopControl?.loopVar ?? 'item';
  result = { ...result, item: at.items[at.index], data: { ...result.data, ansible_loop_var: loopVar } };
  const label = itemLabel(tr, vars, at.items[at.index], base.tctx);
  const shown = base.noLog ? censor(result) : result;
  // with no_log the label may hold the secret too (Ansible shows item=None)
  tr.bc.play.run.emitter.emit({ type: 'item_result', v: 1, task: tr.ref, host: tr.host, result: { ...shown, item: base.noLog ? null : label } });
  return result;
}

function itemLabel(tr: TaskRun, vars: VarsMap, item: unknown, tctx: TemplateContext): unknown {
  const label = tr.task.loopControl?.label;
  if (label === undefined) return item;
  try {
    return tr.bc.play.run.services.templar.render(label, vars, tctx);
  } catch {
    return label;
  }
}

/**
 * A looped task: failed if an item failed, changed if one changed, skipped
 * if all were. `data.results` holds the items as `register` shows them (so
 * the host_result event's data is what a module's data is: the registered
 * values); `results` keeps each item's TaskResult for the renderers.
 */
function aggregate(results: TaskResult[]): TaskResult {
  const base = { data: { results: registeredItems(results) }, results };
  if (results.some((r) => r.status === 'unreachable')) return { ...base, status: 'unreachable', msg: 'an item was unreachable' };
  if (results.some((r) => r.status === 'failed')) return { ...base, status: 'failed', msg: 'One or more items failed' };
  if (results.every((r) => r.status === 'skipped')) return { ...base, status: 'skipped', reason: 'all items skipped' };
  // as Ansible registers a completed loop
  const data = { ...base.data, msg: 'All items completed' };
  return { ...base, data, status: results.some((r) => r.status === 'changed') ? 'changed' : 'ok' };
}

function registeredItems(results: TaskResult[]): Record<string, unknown>[] {
  return results.map((r) => ({ ...toRegistered(r), item: r.item }));
}
