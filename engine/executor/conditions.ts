/** Evaluates `when`-style condition lists and templated boolean keywords. */
import type { VarsMap } from '../playbook/model.js';
import type { TemplateContext } from '../vars/types.js';
import type { TemplarLike } from './types.js';

export function allHold(templar: TemplarLike, conds: readonly (string | boolean)[], vars: VarsMap, ctx?: TemplateContext): boolean {
  return conds.every((c) => (typeof c === 'boolean' ? c : templar.evalCondition(c, vars, ctx)));
}

/** ignore_errors: "{{ x }}", no_log: yes ... */
export function truthy(templar: TemplarLike, value: unknown, vars: VarsMap, ctx?: TemplateContext): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = templar.isTemplated(value) ? templar.render(value, vars, ctx) : value;
    return typeof v === 'boolean' ? v : ['true', 'yes', 'on', '1', 'y'].includes(String(v).trim().toLowerCase());
  }
  return Boolean(value);
}
