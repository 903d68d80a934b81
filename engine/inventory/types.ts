import type { SourcePos } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';

export interface InventoryHost {
  name: string;
  /** host vars from the inventory file and host_vars/ (inventory level) */
  vars: VarsMap;
  /** groups the host is directly in (not ancestors), in order of appearance */
  groups: string[];
  source?: SourcePos;
}

export interface InventoryGroup {
  name: string;
  /** hosts listed directly in the group */
  hosts: string[];
  children: string[];
  /** group vars from the inventory file and group_vars/ (inventory level) */
  vars: VarsMap;
  source?: SourcePos;
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
