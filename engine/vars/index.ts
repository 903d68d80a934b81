export { Templar, hasTemplate, type TemplarOptions } from './templar.js';
export { buildTaskVars, PRECEDENCE_TABLE, type TaskVarsInput, type PrecedenceLevel } from './precedence.js';
export { VARS_SCOPE, JinjaUndefined, isUndefined } from './strict.js';
export { ansibleBool } from './filters/core.js';
export { pyStr, pyTruthy, pyJsonDumps } from './pyvalues.js';
export { shaCrypt } from './crypt.js';
export type { TemplateContext } from './types.js';

/** Marks a mapping as one host's variables (for `hostvars`): templated values read from it render against it. */
export function markVarsScope<T extends object>(vars: T): T {
  Object.defineProperty(vars, Symbol.for('tsplay.varsScope'), { value: true, enumerable: false });
  return vars;
}
