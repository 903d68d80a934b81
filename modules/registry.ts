/**
 * All modules by canonical name and alias. Each family exports its list from
 * its own index file; custom modules (library/, TSPLAY_MODULES_PATH) are added
 * at run time with `registerModule`.
 */
import type { AnyModule } from '../engine/module-api.js';
import { coreModules } from './core.js';
import { systemModules } from './system/index.js';
import { haModules } from './ha/index.js';

const byName = new Map<string, AnyModule>();
const canonical = new Map<string, AnyModule>();

export function registerModule(mod: AnyModule): void {
  canonical.set(mod.name, mod);
  byName.set(mod.name, mod);
  for (const alias of mod.aliases ?? []) byName.set(alias, mod);
}

for (const mod of [...coreModules, ...systemModules, ...haModules]) registerModule(mod);

/** Looks a module up by short name or alias (ansible.builtin.copy). */
export function getModule(name: string): AnyModule | undefined {
  return byName.get(name);
}

/** Canonical modules, sorted by name. */
export function listModules(): AnyModule[] {
  return [...canonical.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every name a module can be called by. */
export function allModuleNames(): string[] {
  return [...byName.keys()];
}
