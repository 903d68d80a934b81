/**
 * Names of variables defined outside roles (group_vars/ and host_vars/ beside
 * the playbook, the inventory): a role's required argument may come from
 * them, so the static check does not call it missing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Inventory } from '../inventory/types.js';

function keysOfFile(file: string, into: Set<string>): void {
  try {
    const v: unknown = parse(readFileSync(file, 'utf8'), { version: '1.1' });
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) into.add(k);
  } catch {
    // unreadable vars files are reported by the inventory loader, not here
  }
}

function keysOfDir(dir: string, into: Set<string>, depth = 0): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (isDir && depth < 2) keysOfDir(p, into, depth + 1);
    else if (!isDir && /(\.ya?ml|\.json|^[^.]+)$/.test(n)) keysOfFile(p, into);
  }
}

export function collectKnownVars(playbookDir: string, inventory: Inventory | undefined, into: Set<string>): void {
  keysOfDir(join(playbookDir, 'group_vars'), into);
  keysOfDir(join(playbookDir, 'host_vars'), into);
  if (!inventory) return;
  for (const h of inventory.hosts.values()) for (const k of Object.keys(h.vars)) into.add(k);
  for (const g of inventory.groups.values()) for (const k of Object.keys(g.vars)) into.add(k);
}
