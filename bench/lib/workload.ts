/**
 * The bench workload on disk: a copy of bench/playbook with its 100 KB file,
 * fresh host directories for a converge, and drift (10% of the managed files
 * changed, spread over the hosts) before a drift run.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** files the playbook manages by content, relative to `workdir` */
export const MANAGED_FILES = [
  'bench/conf/app.conf',
  'bench/conf/env',
  'bench/data/big.bin',
  'bench/conf/one.cfg',
  'bench/conf/two.cfg',
  'bench/conf/three.cfg',
  'bench/data/flag',
  'bench/conf/extra.conf',
] as const;

export const TASKS_PER_HOST = 20;

/** the source tree: bench/playbook beside the compiled dist/bench/lib or bench/lib */
export function sourcePlaybookDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // bench/run.js --dist: the compiled bench is outside the repository
  const root = process.env.TSPLAY_BENCH_ROOT;
  const candidates = [join(here, '..', 'playbook'), join(here, '..', '..', '..', 'bench', 'playbook')];
  if (root) candidates.unshift(join(root, 'bench', 'playbook'));
  for (const candidate of candidates) {
    if (existsSync(join(candidate, 'site.yml'))) return candidate;
  }
  throw new Error(`bench/playbook not found from ${here}`);
}

/** Deterministic, incompressible-looking 100 KB (so -C compression cannot cheat). */
export function bigFileContent(size = 100 * 1024): Buffer {
  const buf = Buffer.alloc(size);
  let x = 0x2545f491;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

export function preparePlaybook(runDir: string): string {
  const dir = join(runDir, 'playbook');
  cpSync(sourcePlaybookDir(), dir, { recursive: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(join(dir, 'files', 'big.bin'), bigFileContent());
  return join(dir, 'site.yml');
}

export function resetHosts(hostDirs: readonly string[]): void {
  for (const d of hostDirs) rmSync(join(d, 'bench'), { recursive: true, force: true });
}

/** Change every tenth (host, file) pair, at least one: returns how many files changed. */
export function applyDrift(hostDirs: readonly string[]): number {
  let index = 0;
  let changed = 0;
  for (const d of hostDirs) {
    for (const f of MANAGED_FILES) {
      if (index++ % 10 !== 0) continue;
      appendFileSync(join(d, f), 'drift\n');
      changed++;
    }
  }
  return changed;
}
