/**
 * The inventory-level variable layers of one host, in Ansible's precedence
 * (VariableManager.get_vars with the default VARIABLE_PRECEDENCE).
 */
import type { VarsMap } from '../playbook/model.js';
import { groupsOf } from './groups.js';
import { varOrigins } from './model.js';
import type { HostVarLayers, Inventory, InventoryHost } from './types.js';
import { playbookVarsDirs } from './vars-dirs.js';

function merge(...maps: (VarsMap | undefined)[]): VarsMap {
  const out: VarsMap = {};
  for (const m of maps) if (m) Object.assign(out, m);
  return out;
}

export async function hostVarLayers(inv: Inventory, host: string | InventoryHost, playbookDir?: string): Promise<HostVarLayers> {
  const h = typeof host === 'string' ? inv.hosts.get(host) : host;
  const hostName = typeof host === 'string' ? host : host.name;
  const all = inv.groups.get('all')!;
  // groups of the host without `all`, sorted by depth, priority, name
  const groups = (h ? groupsOf(inv, h) : [])
    .filter((g) => g !== 'all')
    .map((g) => inv.groups.get(g))
    .filter((g) => g !== undefined);
  const allVars = varOrigins(all);
  const fileGroupVars = merge(...groups.map((g) => varOrigins(g).file));
  const dirGroupVars = merge(...groups.map((g) => varOrigins(g).dir));
  const hostVars = h ? varOrigins(h) : { file: {}, dir: {} };

  const pb = playbookDir ? await playbookVarsDirs(playbookDir) : undefined;
  const pbAll = pb?.groups.get('all');
  const pbGroups = merge(...groups.map((g) => pb?.groups.get(g.name)));
  const pbHost = pb && !hostName.startsWith('/') ? pb.hosts.get(hostName) : undefined;

  return {
    inventoryGroupVars: merge(allVars.file, fileGroupVars, allVars.dir, dirGroupVars),
    inventoryHostVars: merge(hostVars.file, hostVars.dir),
    playbookGroupVars: merge(pbAll, pbGroups),
    playbookHostVars: merge(pbHost),
    merged: merge(allVars.file, fileGroupVars, allVars.dir, pbAll, dirGroupVars, pbGroups, hostVars.file, hostVars.dir, pbHost),
  };
}

/** Inventory-level vars of a host (no playbook dir): what `ansible-inventory --list` shows. */
export function inventoryHostVars(inv: Inventory, host: InventoryHost): VarsMap {
  const all = varOrigins(inv.groups.get('all')!);
  const groups = groupsOf(inv, host)
    .filter((g) => g !== 'all')
    .map((g) => varOrigins(inv.groups.get(g)!));
  const hv = varOrigins(host);
  return merge(all.file, ...groups.map((g) => g.file), all.dir, ...groups.map((g) => g.dir), hv.file, hv.dir);
}
