import type { AnyModule } from '../../../../engine/module-api.js';
import { fileModules } from '../../../../modules/files/index.js';

/** Looks a file module up by name or alias (tests register nothing globally). */
export function getModule(name: string): AnyModule {
  const mod = fileModules.find((m) => m.name === name || m.aliases?.includes(name));
  if (!mod) throw new Error(`no file module ${name}`);
  return mod;
}
