import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export type AddHostParams = Record<string, unknown> & {
  name?: string;
  host?: string;
  hostname?: string;
  groups?: string | string[];
  group?: string | string[];
  groupname?: string | string[];
};

const NAME_KEYS = ['name', 'host', 'hostname'];
const GROUP_KEYS = ['groups', 'group', 'groupname'];

/** A group list given as a list or a comma-separated string. */
export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** What the executor adds to the in-memory inventory. */
export function addHostRequest(p: AddHostParams): { name: string; groups: string[]; vars: Record<string, unknown> } {
  const raw = NAME_KEYS.map((k) => p[k]).find((v) => v !== undefined);
  if (typeof raw !== 'string' || raw.trim() === '') throw new ModuleFailure('add_host needs a name');
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (!NAME_KEYS.includes(k) && !GROUP_KEYS.includes(k)) vars[k] = v;
  let name = raw.trim();
  const port = /^([^:[\]]+):(\d+)$/.exec(name);
  if (port) {
    name = port[1]!;
    vars.ansible_port ??= Number(port[2]);
  }
  const groups = GROUP_KEYS.flatMap((k) => toList(p[k]));
  return { name, groups: [...new Set(groups)], vars };
}

const stringOrList = (description: string) => ({
  description,
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
});

export const addHost = defineModule<AddHostParams, undefined>({
  name: 'add_host',
  aliases: ['ansible.builtin.add_host'],
  controllerOnly: true,
  doc: {
    short: 'Add a host (and groups) to the inventory of this run',
    description: 'Every other parameter becomes a host variable. "name:port" sets ansible_port. The executor applies data.add_host.',
    examples: ['- add_host:', '    name: "{{ new_ip }}"', '    groups: [postgres, new]', '    ansible_user: admin'].join('\n'),
    returns: { add_host: '{ name, groups, vars } for the executor' },
  },
  params: {
    type: 'object',
    additionalProperties: true,
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    properties: {
      name: { type: 'string', description: 'The host name or address, optionally name:port.' },
      host: { type: 'string', description: 'Alias of name.' },
      hostname: { type: 'string', description: 'Alias of name.' },
      groups: stringOrList('Groups to put the host in (list or comma-separated).'),
      group: stringOrList('Alias of groups.'),
      groupname: stringOrList('Alias of groups.'),
    },
  },
  plan(p) {
    return { changes: [], data: { add_host: addHostRequest(p) } };
  },
});
