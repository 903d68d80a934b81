/**
 * The CLI's entry to custom modules: everything a playbook can reach (its
 * library/, its roles' library/, modules_path), with load failures returned
 * as problems so `tsplay check` lists them with the playbook's other problems.
 */
import { dirname, join } from 'node:path';
import { TsplayError, TsplayErrors } from '../errors.js';
import { rolesPathFrom } from '../playbook/context.js';
import { loadCustomModules, type LoadedModule } from './loader.js';

export interface PlaybookModulesOptions {
  /** roles_path from tsplay.cfg (TSPLAY_ROLES_PATH is added) */
  rolesPath?: string[];
  /** modules_path from tsplay.cfg / TSPLAY_MODULES_PATH */
  modulesPath?: string[];
  cacheDir?: string;
}

export interface PlaybookModules {
  modules: LoadedModule[];
  problems: TsplayError[];
  warnings: TsplayError[];
}

export async function loadPlaybookModules(playbookFile: string, opts: PlaybookModulesOptions = {}): Promise<PlaybookModules> {
  const playbookDir = dirname(playbookFile);
  try {
    const { modules, warnings } = await loadCustomModules({
      playbookDir,
      rolesDirs: [join(playbookDir, 'roles'), ...rolesPathFrom({ rolesPath: opts.rolesPath })],
      modulesPath: opts.modulesPath,
      cacheDir: opts.cacheDir,
    });
    return { modules, problems: [], warnings };
  } catch (e) {
    if (e instanceof TsplayErrors) return { modules: [], problems: e.errors, warnings: [] };
    if (e instanceof TsplayError) return { modules: [], problems: [e], warnings: [] };
    throw e;
  }
}
