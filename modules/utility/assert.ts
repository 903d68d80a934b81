import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { evaluateCondition } from './expr.js';

export interface AssertParams {
  that: string | boolean | (string | boolean)[];
  fail_msg?: unknown;
  msg?: unknown;
  success_msg?: unknown;
  quiet?: boolean;
}

interface AssertFacts {
  /** the first condition that was false, if any */
  failed?: string;
}

export const assert = defineModule<AssertParams, AssertFacts>({
  name: 'assert',
  aliases: ['ansible.builtin.assert'],
  controllerOnly: true,
  doc: {
    short: 'Fail unless every condition holds',
    description:
      'Each entry of that is a bare Jinja expression (no {{ }}), as in `when:`; the executor leaves it unrendered and the module ' +
      'evaluates it with the task variables. Stops at the first false condition.',
    examples: ['- assert:', '    that:', '      - groups["etcd"] | length is odd', '      - patroni_port | int > 0', '    fail_msg: etcd needs an odd number of members'].join('\n'),
    returns: { msg: 'success_msg or fail_msg', assertion: 'the failed condition', evaluated_to: 'false when it failed' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        description: 'A condition or list of conditions (bare expressions).',
        anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'boolean' }] } }],
      },
      fail_msg: { description: 'Message when a condition is false.' },
      msg: { description: 'Alias of fail_msg.' },
      success_msg: { description: 'Message when all conditions hold.' },
      quiet: { type: 'boolean', default: false, description: 'Do not show the success message.' },
    },
  },
  async probe(ctx, p) {
    const conditions = Array.isArray(p.that) ? p.that : [p.that];
    for (const cond of conditions) {
      if (!evaluateCondition(ctx, cond)) return { failed: String(cond) };
    }
    return {};
  },
  plan(p, facts) {
    if (facts.failed !== undefined) {
      const msg = p.fail_msg ?? p.msg ?? 'Assertion failed';
      throw new ModuleFailure(typeof msg === 'string' ? msg : JSON.stringify(msg), {
        data: { assertion: facts.failed, evaluated_to: false, msg },
      });
    }
    // quiet only changes how the result is shown (Ansible hides the verbose dump); msg stays for register
    return { changes: [], data: { msg: p.success_msg ?? 'All assertions passed' } };
  },
});
