import type { VarsMap } from '../../playbook/model.js';
import type { TemplateContext } from '../types.js';

/** What a filter, test or lookup can reach besides its arguments. */
export interface CallEnv {
  vars: VarsMap;
  ctx: TemplateContext;
  /** a variable by name, templated lazily as a template reference would */
  resolveVar(name: string): unknown;
  /** renders a template file's text (for the `template` lookup) */
  renderString(text: string): string;
  /** obj[key], templated when obj is a host's variables (hostvars[h]); undefined when absent */
  member(obj: Record<string, unknown>, key: string): unknown;
  filter(name: string): FilterDef;
  test(name: string): TestDef;
}

export type Kwargs = Record<string, unknown>;

export interface FilterDef {
  fn: (input: unknown, args: unknown[], kw: Kwargs, env: CallEnv) => unknown;
  /** receives JinjaUndefined input instead of failing (default, mandatory) */
  acceptsUndefined?: boolean;
}

export interface TestDef {
  fn: (input: unknown, args: unknown[], env: CallEnv, kw: Kwargs) => boolean;
  acceptsUndefined?: boolean;
}

export function filter(fn: FilterDef['fn'], acceptsUndefined = false): FilterDef {
  return { fn, acceptsUndefined };
}
