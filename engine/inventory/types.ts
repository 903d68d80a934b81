import type { SourcePos } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';

export interface InventoryHost {
  name: string;
  /** host vars from the inventory file and host_vars/ (inventory level) */
  vars: VarsMap;
  /** groups the host is directly in (not ancestors), in order of appearance */
  groups: string[];
  source?: SourcePos;
  /** true for the implicit localhost (named in a pattern but absent from the inventory): in no group, not in `all` */
  implicit?: boolean;
}

export interface InventoryGroup {
  name: string;
  /** hosts listed directly in the group */
  hosts: string[];
  children: string[];
  /** group vars from the inventory file and group_vars/ (inventory level) */
  vars: VarsMap;
  source?: SourcePos;
  /** ansible_group_priority (default 1): orders groups of the same depth when merging group vars */
  priority?: number;
}

/** Ordered variable layers of one host, lowest precedence first. */
export interface HostVarLayers {
  /** inventory group vars: all first, then parents before children (ansible order) */
  inventoryGroupVars: VarsMap;
  /** inventory host vars (file + inventory-adjacent host_vars/) */
  inventoryHostVars: VarsMap;
  /** group_vars/ beside the playbook (all first, parents before children) */
  playbookGroupVars: VarsMap;
  /** host_vars/ beside the playbook */
  playbookHostVars: VarsMap;
  /**
   * All of the above merged in Ansible's exact order, which interleaves them:
   * inventory-file vars of all, then of the other groups; group_vars/all beside
   * the inventory, then beside the playbook; group_vars/<group> beside the
   * inventory, then beside the playbook; inventory-file host vars; host_vars/
   * beside the inventory, then beside the playbook. Use this for the effective
   * value (playbook group_vars rank BELOW inventory host vars in Ansible).
   */
  merged?: VarsMap;
}

export interface Inventory {
  /** inventory sources, as given */
  sources: string[];
  hosts: Map<string, InventoryHost>;
  /** always holds 'all' and 'ungrouped' */
  groups: Map<string, InventoryGroup>;
  /** host names in inventory order */
  hostOrder: string[];
}
