/**
 * Per-inventory memo for derived data (groups map, parents, depths). The
 * executor asks for `groups` and `group_names` on every task of every host,
 * so recomputing them is the hot path on big inventories. Entries are dropped
 * when the inventory's shape changes: hosts and groups are only ever added
 * (loader, add_host, group_by), so counting them and their links is enough.
 */
import type { Inventory } from './types.js';

interface Memo {
  signature: string;
  values: Map<string, unknown>;
}

const memos = new WeakMap<Inventory, Memo>();

function signature(inv: Inventory): string {
  let links = 0;
  for (const g of inv.groups.values()) links += g.hosts.length + g.children.length;
  let memberships = 0;
  for (const h of inv.hosts.values()) memberships += h.groups.length;
  return `${inv.groups.size}/${inv.hosts.size}/${links}/${memberships}`;
}

export function memoized<T>(inv: Inventory, key: string, compute: () => T): T {
  const sig = signature(inv);
  let memo = memos.get(inv);
  if (!memo || memo.signature !== sig) {
    memo = { signature: sig, values: new Map() };
    memos.set(inv, memo);
  }
  if (memo.values.has(key)) return memo.values.get(key) as T;
  const value = compute();
  memo.values.set(key, value);
  return value;
}
