export { Templar, hasTemplate, type TemplarOptions } from './templar.js';
export { buildTaskVars, PRECEDENCE_TABLE, type TaskVarsInput, type PrecedenceLevel } from './precedence.js';
export { VARS_SCOPE, JinjaUndefined, isUndefined } from './strict.js';
export { ansibleBool } from './filters/core.js';
export { pyStr, pyTruthy, pyJsonDumps } from './pyvalues.js';
export { shaCrypt } from './crypt.js';
export type { TemplateContext } from './types.js';

/**
 * Marks a mapping as one host's variables: templated values read from it
 * render against it. Values of the `hostvars` variable are marked already.
 */
export { markScope as markVarsScope } from './strict.js';
