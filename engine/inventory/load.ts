/**
 * loadInventory: INI and YAML files, directories of them, and `a,b,` host
 * lists, as Ansible's InventoryManager.parse_sources, then group_vars/ and
 * host_vars/ beside each source.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { TsplayError, TsplayErrors, isTsplayError } from '../errors.js';
import { parseYaml, type YamlDoc } from '../yaml.js';
import { parseAddress } from './addresses.js';
import { parseIniInventory } from './ini.js';
import { addHostToGroup, createInventory, ensureHost, reconcile, setVar } from './model.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import { readVarsDirs, type VarsDirs } from './vars-dirs.js';
import { isYamlInventory, parseYamlInventory } from './yaml-inventory.js';

/**
 * Entries of a directory source that are not inventories: Ansible's
 * IGNORED_ALWAYS and default INVENTORY_IGNORE_EXTS (which, surprisingly, hold
 * `.ini`: in a directory, Ansible reads `hosts` or `prod.yml`, not `prod.ini`).
 */
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Per inventory: the vars directories beside its sources, for groups and hosts made later. */
const inventoryVarsDirs = new WeakMap<Inventory, VarsDirs[]>();

export function varsDirsOf(inv: Inventory): VarsDirs[] {
  return inventoryVarsDirs.get(inv) ?? [];
}

export async function loadInventory(sources: string[]): Promise<Inventory> {
  const inv = createInventory([...sources]);
  const varsBases: string[] = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.includes(',') && !(await exists(source))) {
      parseHostList(inv, source);
      continue;
    }
    const path = resolve(source);
    const s = await statOrUndefined(path);
    if (!s) {
      throw new TsplayError('TSPLAY_INVENTORY', `inventory source not found: ${source}`, {
        source: { file: path, line: 1, col: 1 },
        hint: 'give a file, a directory, or a comma-separated host list ending in a comma ("web1,")',
      });
    }
    if (s.isDirectory()) await parseDirectory(inv, path);
    else await parseFile(inv, path);
    varsBases.push(s.isDirectory() ? path : dirname(path));
  }
  reconcile(inv);
  const dirs: VarsDirs[] = [];
  for (const base of [...new Set(varsBases)]) dirs.push(await readVarsDirs(base));
  inventoryVarsDirs.set(inv, dirs);
  for (const g of inv.groups.values()) applyDirVars(g, dirs, 'groups');
  for (const h of inv.hosts.values()) applyDirVars(h, dirs, 'hosts');
  return inv;
}

/** Merges what the vars directories hold for this group or host into its `dir` layer. */
export function applyDirVars(entity: InventoryGroup | InventoryHost, dirs: VarsDirs[], which: keyof VarsDirs): void {
  if (entity.name.startsWith('/')) return; // as Ansible: chroot-like names have no vars files
  for (const d of dirs) {
    const vars = d[which].get(entity.name);
    if (!vars) continue;
    for (const [k, v] of Object.entries(vars)) setVar(entity, k, v, 'dir');
  }
}

/** host_list plugin: `a,b:2222, c` */
function parseHostList(inv: Inventory, list: string): void {
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    let name = item;
    let port: number | undefined;
    try {
      [name, port] = parseAddress(item, false);
    } catch {
      name = item;
      port = undefined;
    }
    if (inv.hosts.has(name)) continue;
    addHostToGroup(inv, ensureHost(inv, name, { port }), 'ungrouped');
  }
}

async function parseDirectory(inv: Inventory, dir: string): Promise<void> {
  for (const entry of (await readdir(dir)).sort()) {
    if (IGNORED.test(entry)) continue;
    const full = join(dir, entry);
    const s = await statOrUndefined(full);
    if (s?.isDirectory()) await parseDirectory(inv, full);
    else if (s?.isFile()) await parseFile(inv, full);
  }
}

/**
 * A file is YAML by extension (.yml, .yaml, .json); INI with any other
 * extension; without one, YAML if it parses as a YAML mapping, INI otherwise
 * (Ansible tries its yaml plugin, then ini).
 */
async function parseFile(inv: Inventory, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TsplayError('TSPLAY_INVENTORY', `cannot read inventory ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      source: { file, line: 1, col: 1 },
      cause: e,
    });
  }
  const ext = extname(file);
  if (YAML_EXTENSIONS.includes(ext)) {
    parseYamlInventory(inv, parseYamlAsInventory(text, file));
    return;
  }
  // like Ansible's yaml plugin, sniff only files without an extension
  const y = ext ? undefined : tryYaml(text, file);
  if (y && isYamlInventory(y)) {
    parseYamlInventory(inv, y);
    return;
  }
  parseIniInventory(inv, text, file);
}

function parseYamlAsInventory(text: string, file: string): YamlDoc {
  try {
    return parseYaml(text, file);
  } catch (e) {
    const first = e instanceof TsplayErrors ? e.errors[0] : isTsplayError(e) ? e : undefined;
    if (!first) throw e;
    throw new TsplayError('TSPLAY_INVENTORY', first.message, { source: first.source, excerpt: first.excerpt, cause: e });
  }
}

function tryYaml(text: string, file: string): YamlDoc | undefined {
  try {
    return parseYaml(text, file);
  } catch {
    return undefined;
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await statOrUndefined(path)) !== undefined;
}
