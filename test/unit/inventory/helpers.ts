import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes files (relative path -> content) into a fresh temp dir and returns it. */
export function tmpTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-inv-unit-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

/** Vars without inventory_file/inventory_dir (set on every host, as Ansible does), for short assertions. */
export function own(vars: Record<string, unknown> | undefined): Record<string, unknown> {
  const { inventory_file: _f, inventory_dir: _d, ...rest } = vars ?? {};
  return rest;
}
