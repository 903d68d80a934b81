/** Inventories (INI, YAML, directories, host lists), host patterns, and the config file. */
export { loadInventory } from './load.js';
export { hostVarLayers } from './layers.js';
export { groupsOf, groupsMap, groupNamesOf, addHost, addGroup } from './groups.js';
export { matchHosts, validatePattern, limitHosts } from './patterns.js';
export { inventoryList, inventoryGraph, inventoryCommand, type InventoryCommandArgs } from './listing.js';
export { loadConfig, type TsplayConfig, type LoadConfigOptions } from './config.js';
export { clearPlaybookVarsCache } from './vars-dirs.js';
export type { Inventory, InventoryGroup, InventoryHost, HostVarLayers } from './types.js';
