/**
 * Ansible's YAML inventory format (plugins/inventory/yaml.py): top-level keys
 * are groups; each group may hold `hosts`, `vars` and `children`. Where
 * Ansible only warns (an unknown key, a group that is not a mapping) we stop
 * with an error: such a file is almost always a typo.
 */
import { isMap, isPair, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { TsplayError, type SourcePos } from '../errors.js';
import { posOfNode, type YamlDoc } from '../yaml.js';
import { expandHostPattern, HostRangeError } from './addresses.js';
import { addHostToGroup, CycleError, ensureGroup, ensureHost, linkChild, setVar } from './model.js';
import type { Inventory } from './types.js';

const SECTIONS = ['hosts', 'vars', 'children'] as const;

interface Ctx {
  inv: Inventory;
  y: YamlDoc;
}

/** Whether a parsed YAML document looks like an inventory (a mapping without `plugin:`). */
export function isYamlInventory(y: YamlDoc): boolean {
  const v = y.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('plugin' in v);
}

export function parseYamlInventory(inv: Inventory, y: YamlDoc): void {
  const root = y.doc.contents as Node | null;
  const where = root ? posOfNode(y, root) : { file: y.file, line: 1, col: 1 };
  // Ansible's yaml plugin refuses an empty file, then its ini plugin reads it as an empty inventory
  if (!root || (isScalar(root) && (root.value === null || root.value === ''))) return;
  if (!isMap(root)) {
    throw new TsplayError('TSPLAY_INVENTORY', 'a YAML inventory must be a mapping of group names to groups', { source: where });
  }
  if (root.items.some((p) => isScalar(p.key) && p.key.value === 'plugin')) {
    throw new TsplayError('TSPLAY_INVENTORY', 'inventory plugin configuration files are not supported; give a YAML inventory (all: hosts: ...)', {
      source: where,
    });
  }
  const ctx: Ctx = { inv, y };
  for (const pair of root.items) parseGroup(ctx, pair);
}

function pos(ctx: Ctx, node: unknown): SourcePos {
  if (node && typeof node === 'object' && 'range' in node) return posOfNode(ctx.y, node as Node);
  return { file: ctx.y.file, line: 1, col: 1 };
}

function yerr(ctx: Ctx, node: unknown, message: string, hint?: string): TsplayError {
  return new TsplayError('TSPLAY_INVENTORY', message, { source: pos(ctx, node), hint });
}

function keyName(ctx: Ctx, pair: Pair, what: string): string {
  const k = pair.key;
  if (!isScalar(k) || typeof k.value !== 'string' || k.value === '') {
    const shown = isScalar(k) ? String(k.value) : 'a collection';
    throw yerr(ctx, k, `${what} name must be a non-empty string, got ${shown}`, 'enclose numbers in quotes');
  }
  return k.value;
}

function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function parseGroup(ctx: Ctx, pair: Pair): string {
  const name = keyName(ctx, pair, 'group');
  const value = pair.value;
  if (!isNull(value) && !isMap(value)) {
    throw yerr(ctx, value ?? pair.key, `group '${name}' must be a mapping (with hosts, vars, children) or empty`);
  }
  ensureGroup(ctx.inv, name, pos(ctx, pair.key));
  if (!isMap(value)) return name;
  for (const item of value.items) {
    const key = keyName(ctx, item, 'key');
    if (!(SECTIONS as readonly string[]).includes(key)) {
      throw yerr(ctx, item.key, `unknown key '${key}' in group '${name}'`, 'a group holds only hosts, vars and children');
    }
    const section = sectionMap(ctx, item, name);
    if (!section) continue;
    if (key === 'vars') parseGroupVars(ctx, section, name);
    else if (key === 'children') parseChildren(ctx, section, name);
    else parseHosts(ctx, section, name);
  }
  return name;
}

/** A section value: a mapping, null (skipped) or a bare string (one entry, as Ansible allows). */
function sectionMap(ctx: Ctx, item: Pair, group: string): Pair[] | undefined {
  const v = item.value;
  if (isNull(v)) return undefined;
  if (isScalar(v) && typeof v.value === 'string') return [{ key: v, value: null } as unknown as Pair];
  if (!isMap(v)) {
    const section = String((item.key as { value?: unknown }).value);
    throw yerr(ctx, v, `'${section}' of group '${group}' must be a mapping`, `name each entry as a key: ${section}:\n  first:\n  second:`);
  }
  return (v as YAMLMap).items.filter(isPair) as Pair[];
}

function parseGroupVars(ctx: Ctx, pairs: Pair[], group: string): void {
  const g = ctx.inv.groups.get(group)!;
  for (const p of pairs) {
    const key = keyName(ctx, p, 'variable');
    const value = toJS(ctx, p.value);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw yerr(ctx, p.value, 'ansible_group_priority must be an integer');
      g.priority = n;
    } else {
      setVar(g, key, value, 'file');
    }
  }
}

function parseChildren(ctx: Ctx, pairs: Pair[], parent: string): void {
  for (const p of pairs) {
    const child = parseGroup(ctx, p);
    try {
      linkChild(ctx.inv, parent, child);
    } catch (e) {
      if (e instanceof CycleError) throw yerr(ctx, p.key, `group cycle: ${e.message}`);
      throw e;
    }
  }
}

function parseHosts(ctx: Ctx, pairs: Pair[], group: string): void {
  for (const p of pairs) {
    const pattern = keyName(ctx, p, 'host');
    if (!isNull(p.value) && !isMap(p.value)) {
      throw yerr(ctx, p.value, `vars of host '${pattern}' must be a mapping`);
    }
    let expanded;
    try {
      expanded = expandHostPattern(pattern);
    } catch (e) {
      if (e instanceof HostRangeError) throw yerr(ctx, p.key, `bad host range '${pattern}': ${e.message}`);
      throw e;
    }
    const vars = isMap(p.value) ? (p.value.items.filter(isPair) as Pair[]) : [];
    for (const name of expanded.hosts) {
      const h = ensureHost(ctx.inv, name, { port: expanded.port, source: pos(ctx, p.key), inventoryFile: ctx.y.file });
      addHostToGroup(ctx.inv, h, group);
      for (const v of vars) setVar(h, keyName(ctx, v, 'variable'), toJS(ctx, v.value), 'file');
    }
  }
}

function toJS(ctx: Ctx, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (typeof node === 'object' && 'toJS' in node && typeof (node as Node).toJS === 'function') {
    return (node as Node).toJS(ctx.y.doc, { maxAliasCount: 1000 });
  }
  return node;
}
