/**
 * Custom modules: TypeScript or JavaScript files in `library/` beside the
 * playbook, in each role's `library/`, and in the `modules_path` directories
 * (tsplay.cfg, or TSPLAY_MODULES_PATH, colon separated). Each is compiled,
 * imported, checked and registered before the playbook's static check, so
 * `tsplay check` validates their arguments with their own schema, the
 * executor finds them, and `tsplay doc` documents them.
 *
 * Precedence, highest first (as Ansible): the playbook's library/, the roles'
 * library/, then modules_path. A custom module may replace a shipped one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TsplayError, TsplayErrors } from '../errors.js';
import type { AnyModule } from '../module-api.js';
import { getModule, registerModule } from '../../modules/registry.js';
import { compileModuleFile } from './transpile.js';
import { loadError, moduleDefProblems, moduleExportOf, undescribedParams } from './validate.js';

export interface CustomModuleOptions {
  /** the playbook's directory: its library/ (and an enclosing role's, for roles/X/tests/test.yml) */
  playbookDir: string;
  /** directories that hold roles (roles/ beside the playbook, roles_path): every role's library/ */
  rolesDirs?: string[];
  /** role directories known to be used: their library/ */
  roleDirs?: string[];
  /** modules_path / TSPLAY_MODULES_PATH directories (module files directly inside) */
  modulesPath?: string[];
  /** where compiled modules are cached (default ~/.cache/tsplay/modules) */
  cacheDir?: string;
}

export interface LoadedModule {
  name: string;
  file: string;
  /** a shipped module of the same name it replaces */
  replacesBuiltin: boolean;
}

export interface CustomModulesResult {
  modules: LoadedModule[];
  /** advisory: parameters without description, a module shadowed by another file */
  warnings: TsplayError[];
}

const MODULE_FILE = /^[^._][^/]*\.(ts|mts|js|mjs)$/;
const NOT_A_MODULE = /\.d\.[mc]?ts$|\.(test|spec)\.[mc]?[jt]s$/;

/** Module files directly in a directory: helpers go in subdirectories or start with `_`. */
export function moduleFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .filter((n) => MODULE_FILE.test(n) && !NOT_A_MODULE.test(n))
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** The library directories to load, highest precedence first, without duplicates. */
export function libraryDirs(opts: CustomModuleOptions): string[] {
  const playbookDir = resolve(opts.playbookDir);
  const dirs = [join(playbookDir, 'library')];
  // a role's own test playbook (roles/X/tests/test.yml) uses the role's library/
  for (const up of [playbookDir, dirname(playbookDir)]) if (isDir(join(up, 'tasks'))) dirs.push(join(up, 'library'));
  for (const role of opts.roleDirs ?? []) dirs.push(join(resolve(playbookDir, role), 'library'));
  for (const holder of opts.rolesDirs ?? []) {
    const abs = resolve(playbookDir, holder);
    let roles: string[] = [];
    try {
      roles = readdirSync(abs).sort();
    } catch {
      continue;
    }
    for (const r of roles) dirs.push(join(abs, r, 'library'));
  }
  for (const p of opts.modulesPath ?? []) dirs.push(resolve(playbookDir, p));
  return [...new Set(dirs)].filter(isDir);
}

/** Compiles, imports, checks and registers every custom module; all problems at once (TsplayErrors). */
export async function loadCustomModules(opts: CustomModuleOptions): Promise<CustomModulesResult> {
  const files = libraryDirs(opts).flatMap(moduleFilesIn);
  const settled = await Promise.allSettled(files.map((f) => importModule(f, opts.cacheDir)));
  const errors: TsplayError[] = [];
  const warnings: TsplayError[] = [];
  const chosen = new Map<string, { mod: AnyModule; file: string }>();
  settled.forEach((s, i) => {
    const file = files[i]!;
    if (s.status === 'rejected') {
      errors.push(s.reason instanceof TsplayError ? s.reason : loadError(file, `custom module failed to load: ${String(s.reason)}`));
      return;
    }
    const mod = s.value;
    const earlier = chosen.get(mod.name);
    if (earlier) {
      warnings.push(loadError(file, `custom module '${mod.name}' is also defined in ${earlier.file}, which takes precedence`));
      return;
    }
    chosen.set(mod.name, { mod, file });
    const bare = undescribedParams(mod);
    if (bare.length) warnings.push(loadError(file, `custom module '${mod.name}': parameters without a description: ${bare.join(', ')}`, 'tsplay doc and editors show each parameter\'s description'));
  });
  // the good ones are registered even when others fail (tsplay doc still shows them)
  const modules: LoadedModule[] = [];
  for (const [name, { mod, file }] of chosen) {
    const existing = getModule(name);
    modules.push({ name, file, replacesBuiltin: !!existing && !customFiles.has(existing) });
    customFiles.set(mod, file);
    registerModule(mod);
  }
  if (errors.length) throw new TsplayErrors(errors);
  return { modules, warnings };
}

/** Modules that came from a file, with that file (for `tsplay doc`). */
const customFiles = new WeakMap<AnyModule, string>();

export function customModuleFile(mod: AnyModule): string | undefined {
  return customFiles.get(mod);
}

async function importModule(file: string, cacheDir: string | undefined): Promise<AnyModule> {
  const compiled = await compileModuleFile(file, { cacheDir });
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } catch (e) {
    throw loadError(file, `custom module ${basename(file)} throws when imported: ${e instanceof Error ? e.message : String(e)}`);
  }
  const def = moduleExportOf(ns);
  const problems = moduleDefProblems(def);
  if (problems.length) {
    throw loadError(file, `${basename(file)} is not a valid module: ${problems.join('; ')}`, "export default defineModule({ name, doc: { short }, params: { type: 'object', properties: {...} }, probe, plan, apply }) with defineModule from 'tsplay'");
  }
  return def as AnyModule;
}
