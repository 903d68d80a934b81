/**
 * Variable precedence: the layers one task sees, merged low to high. Merging
 * replaces whole values (Ansible's hash_behaviour=replace): a dict in a higher
 * layer replaces the lower one, it is not deep-merged.
 *
 * Ansible has 22 levels; tsplay keeps its order for the levels it has and
 * prints them with `PRECEDENCE_TABLE` so nobody has to remember them.
 */
import type { HostVarLayers } from '../inventory/types.js';
import type { VarsMap } from '../playbook/model.js';

export interface TaskVarsInput {
  /** defaults/main.yml of all roles of the play, then the task's own role last */
  roleDefaults: VarsMap[];
  host: HostVarLayers;
  /** gathered facts, without the `ansible_` prefix (as in `ansible_facts`) */
  facts?: VarsMap;
  /** facts a module returned without the prefix (getent_passwd): also variables of that name, at the facts level */
  plainFacts?: VarsMap;
  playVars?: VarsMap;
  /** vars_files of the play: one merged map, or the files in order */
  varsFiles?: VarsMap | VarsMap[];
  /** vars/main.yml of the roles in scope, the task's own role last */
  roleVars?: VarsMap[];
  /** parameters given where the task's role is used */
  roleParams?: VarsMap;
  /** vars of the enclosing blocks, outer first */
  blockVars?: VarsMap[];
  taskVars?: VarsMap;
  /** vars: of the include_tasks / include_role that brought the task in */
  includeParams?: VarsMap;
  /** variables loaded by include_vars on this host */
  includeVars?: VarsMap;
  /** set_fact on this host */
  setFacts?: VarsMap;
  /** results registered on this host */
  registered?: VarsMap;
  /** -e / --extra-vars */
  extraVars?: VarsMap;
  /** inventory_hostname, groups, hostvars, play_hosts, role_path, ansible_check_mode ... */
  magic?: VarsMap;
}

export interface PrecedenceLevel {
  level: number;
  /** the field of TaskVarsInput (dotted for host layers) */
  source: string;
  note: string;
}

/** Lowest first; each level replaces the ones above it in this list. */
export const PRECEDENCE_TABLE: readonly PrecedenceLevel[] = [
  { level: 1, source: 'roleDefaults', note: 'role defaults/main.yml (the task\'s own role wins over other roles)' },
  { level: 2, source: 'host.inventoryGroupVars', note: 'inventory group vars: the inventory file, then group_vars/ beside it (all first, parents before children)' },
  { level: 3, source: 'host.playbookGroupVars', note: 'group_vars/ beside the playbook (each group right after the same group beside the inventory)' },
  { level: 4, source: 'host.inventoryHostVars', note: 'inventory host vars: the inventory file, then host_vars/ beside it' },
  { level: 5, source: 'host.playbookHostVars', note: 'host_vars/ beside the playbook' },
  { level: 6, source: 'facts', note: 'gathered facts: ansible_facts.x, also as ansible_x' },
  { level: 7, source: 'playVars', note: 'play vars:' },
  { level: 8, source: 'varsFiles', note: 'play vars_files:' },
  { level: 9, source: 'roleVars', note: 'role vars/main.yml' },
  { level: 10, source: 'blockVars', note: 'block vars: (inner blocks win)' },
  { level: 11, source: 'taskVars', note: 'task vars:' },
  { level: 12, source: 'includeVars', note: 'include_vars' },
  { level: 13, source: 'setFacts', note: 'set_fact' },
  { level: 14, source: 'registered', note: 'register: (one store with set_fact, as in Ansible: the later write wins)' },
  { level: 15, source: 'roleParams', note: 'role parameters (roles: - role: x, param: 1; include_role/import_role params)' },
  { level: 16, source: 'includeParams', note: 'vars: of include_tasks / include_role' },
  { level: 17, source: 'extraVars', note: 'extra vars (-e): always win over the above' },
  { level: 18, source: 'magic', note: 'magic variables (inventory_hostname, groups, hostvars ...): cannot be overridden' },
];

/** Facts as Ansible exposes them: the `ansible_facts` dict plus `ansible_<name>` top-level names. */
export function factVars(facts: VarsMap): VarsMap {
  const out: VarsMap = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
  out.ansible_facts = facts;
  return out;
}

export function buildTaskVars(input: TaskVarsInput): VarsMap {
  const layers: (VarsMap | undefined)[] = [
    ...input.roleDefaults,
    // `merged` interleaves the four exactly as Ansible does (group_vars/all beside
    // the playbook ranks below group_vars/<group> beside the inventory)
    ...(input.host.merged
      ? [input.host.merged]
      : [input.host.inventoryGroupVars, input.host.playbookGroupVars, input.host.inventoryHostVars, input.host.playbookHostVars]),
    input.facts ? factVars(input.facts) : undefined,
    input.plainFacts,
    input.playVars,
    ...[input.varsFiles ?? []].flat(),
    ...(input.roleVars ?? []),
    ...(input.blockVars ?? []),
    input.taskVars,
    input.includeVars,
    input.setFacts,
    input.registered,
    // as Ansible's VariableManager: role params, then include params, above set_fact and register
    input.roleParams,
    input.includeParams,
    input.extraVars,
    input.magic,
  ];
  // Object.assign copies own enumerable keys only; a lazy `hostvars` Proxy is
  // copied as one reference, never enumerated.
  const out: VarsMap = {};
  for (const layer of layers) if (layer) Object.assign(out, layer);
  return out;
}
