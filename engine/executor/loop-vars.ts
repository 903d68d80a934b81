/** The variables a loop item sees (loop_var, index_var, ansible_loop) and no_log censoring. */
import type { LoopControl, VarsMap } from '../playbook/model.js';
import type { TaskResult } from '../results.js';

export const NO_LOG_MESSAGE = "the output has been hidden due to 'no_log: true'";

export function loopItemVars(lc: LoopControl | undefined, items: unknown[], i: number): VarsMap {
  const vars: VarsMap = { [lc?.loopVar ?? 'item']: items[i], ansible_loop_var: lc?.loopVar ?? 'item' };
  if (lc?.indexVar) {
    vars[lc.indexVar] = i;
    vars.ansible_index_var = lc.indexVar;
  }
  if (lc?.extended) {
    const n = items.length;
    vars.ansible_loop = {
      allitems: items,
      index: i + 1,
      index0: i,
      revindex: n - i,
      revindex0: n - i - 1,
      first: i === 0,
      last: i === n - 1,
      length: n,
      previtem: i > 0 ? items[i - 1] : undefined,
      nextitem: i < n - 1 ? items[i + 1] : undefined,
    };
  }
  return vars;
}

/** What is shown of a no_log result: its status only. */
export function censor(r: TaskResult): TaskResult {
  const hidden = { censored: NO_LOG_MESSAGE };
  const base = { status: r.status, data: hidden, item: r.item, ignored: r.ignored, check: r.check } as TaskResult;
  if (r.status === 'failed' || r.status === 'unreachable') return { ...base, msg: NO_LOG_MESSAGE } as TaskResult;
  if (r.status === 'skipped') return { ...base, reason: r.reason } as TaskResult;
  return { ...base, msg: NO_LOG_MESSAGE } as TaskResult;
}
