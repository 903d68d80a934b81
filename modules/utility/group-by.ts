import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { toList } from './add-host.js';

export interface GroupByParams {
  key: string;
  parents?: string | string[];
}

export const groupBy = defineModule<GroupByParams, undefined>({
  name: 'group_by',
  aliases: ['ansible.builtin.group_by'],
  controllerOnly: true,
  doc: {
    short: 'Put the host in a group named from its variables',
    description: 'Spaces in the name become dashes, as in Ansible. The executor applies data.add_group.',
    examples: ['- group_by:', '    key: "os_{{ ansible_distribution }}"', '    parents: linux'].join('\n'),
    returns: { add_group: '{ name, parents } for the executor' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: {
      key: { type: 'string', description: 'The group name.' },
      parents: {
        description: 'Parent groups of the new group (default all).',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
    },
  },
  plan(p) {
    const name = p.key.trim().replace(/ /g, '-');
    if (name === '') throw new ModuleFailure('group_by needs a non-empty key');
    const parents = toList(p.parents);
    return { changes: [], data: { add_group: { name, parents: parents.length ? parents : ['all'] } } };
  },
});
