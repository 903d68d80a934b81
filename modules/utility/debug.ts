import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { lookupVar } from './expr.js';

export interface DebugParams {
  msg?: unknown;
  var?: string;
  verbosity?: number;
}

interface DebugFacts {
  verbosity: number;
  /** for `var`: the value, or the Ansible marker for undefined */
  value?: unknown;
}

/** The run's -v level, as Ansible's magic variable ansible_verbosity. */
export function runVerbosity(vars: Record<string, unknown>): number {
  const v = Number(vars.ansible_verbosity ?? 0);
  return Number.isFinite(v) ? v : 0;
}

export const debug = defineModule<DebugParams, DebugFacts>({
  name: 'debug',
  aliases: ['ansible.builtin.debug'],
  controllerOnly: true,
  doc: {
    short: 'Print a message or a variable',
    description:
      'Shows msg, or the value of var (a variable name or expression, evaluated without {{ }}). ' +
      'With verbosity N the task is skipped unless the run has at least N -v (the ansible_verbosity variable).',
    examples: ['- debug:', '    msg: "leader is {{ leader }}"', '- debug:', '    var: patroni_status.json.members', '    verbosity: 1'].join('\n'),
    returns: { msg: 'the message', '<var>': 'the value of var, under its own name' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { description: 'The message (any value) to print. Default "Hello world!".' },
      var: { type: 'string', description: 'A variable name or expression to print, without {{ }}.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Minimum -v level at which this is shown.' },
    },
  },
  async probe(ctx, p) {
    const facts: DebugFacts = { verbosity: runVerbosity(ctx.vars) };
    if (p.var === undefined) return facts;
    const found = lookupVar(ctx.vars, p.var);
    if (found.path) facts.value = found.found ? found.value : 'VARIABLE IS NOT DEFINED!';
    else {
      try {
        facts.value = ctx.render(`{{ ${p.var} }}`);
      } catch {
        facts.value = 'VARIABLE IS NOT DEFINED!';
      }
    }
    return facts;
  },
  plan(p, facts) {
    if (p.msg !== undefined && p.var !== undefined) throw new ModuleFailure('debug takes msg or var, not both');
    if ((p.verbosity ?? 0) > facts.verbosity) return { changes: [], skipped: 'Verbosity threshold not met.' };
    if (p.var !== undefined) return { changes: [], data: { [p.var]: facts.value } };
    return { changes: [], data: { msg: p.msg ?? 'Hello world!' } };
  },
});
