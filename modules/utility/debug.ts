import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { lookupVar, parseVarPath } from './expr.js';

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

const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';
/** variables whose values are lazy scopes (a host's variables render on access): read through the templates */
const LAZY_ROOTS = new Set(['hostvars', 'vars']);

/**
 * `var`: a plain path (`a.b[0]`) is read as is. Anything else (an
 * expression, `hostvars[inventory_hostname]`, `vars`, a name only the
 * templates know) is evaluated by the templates, as Ansible's text
 * templating gives it: a dict, a list or a boolean as data (through to_json,
 * which takes a host's variables as data), other values as text ("3").
 */
function varValue(ctx: ModuleContext, expr: string): unknown {
  const found = lookupVar(ctx.vars, expr);
  if (found.path && found.found && !LAZY_ROOTS.has(String(parseVarPath(expr)![0]))) return found.value;
  let data: unknown;
  try {
    data = parseJson(ctx.render(`{{ (${expr}) | to_json(ensure_ascii=False) }}`));
  } catch {
    // undefined, or not JSON-able: the text rendering below says which
  }
  if ((data !== null && typeof data === 'object') || typeof data === 'boolean') return data;
  try {
    return ctx.render(`{{ ${expr} }}`);
  } catch {
    return NOT_DEFINED;
  }
}

/** Python's JSON may hold NaN or Infinity, which JSON.parse refuses: then it is text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
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
    facts.value = varValue(ctx, p.var);
    return facts;
  },
  plan(p, facts) {
    if (p.msg !== undefined && p.var !== undefined) throw new ModuleFailure('debug takes msg or var, not both');
    if ((p.verbosity ?? 0) > facts.verbosity) return { changes: [], skipped: 'Verbosity threshold not met.' };
    if (p.var !== undefined) return { changes: [], data: { [p.var]: facts.value } };
    return { changes: [], data: { msg: p.msg ?? 'Hello world!' } };
  },
});
