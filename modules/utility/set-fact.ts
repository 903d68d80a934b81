import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export type SetFactParams = Record<string, unknown> & { cacheable?: boolean };

/** The facts a set_fact task defines: every parameter but `cacheable`. */
export function factsOf(p: SetFactParams): Record<string, unknown> {
  const { cacheable: _cacheable, ...facts } = p;
  return facts;
}

export const setFact = defineModule<SetFactParams, undefined>({
  name: 'set_fact',
  aliases: ['ansible.builtin.set_fact'],
  controllerOnly: true,
  doc: {
    short: 'Set host variables for the rest of the play',
    description:
      'Every parameter except cacheable becomes a variable of the host (set_fact precedence). Returned as data.ansible_facts; ' +
      'the executor moves them into the host scope. cacheable also stores them as facts.',
    examples: ['- set_fact:', '    pg_leader: "{{ members | selectattr(\'role\', \'equalto\', \'leader\') | map(attribute=\'name\') | first }}"', '    cacheable: true'].join('\n'),
    returns: { ansible_facts: 'the variables set', cacheable: 'whether they are also stored as facts' },
  },
  params: {
    type: 'object',
    additionalProperties: true,
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'Also store the variables as cached facts (ansible_facts).' },
    },
  },
  plan(p) {
    const facts = factsOf(p);
    if (Object.keys(facts).length === 0) throw new ModuleFailure('set_fact needs at least one variable to set');
    return { changes: [], data: { ansible_facts: facts, cacheable: p.cacheable === true } };
  },
});
