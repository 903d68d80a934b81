/** A lock directory holding the owner's pid; a dead owner's lock is taken over. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './sh.js';

function ownerAlive(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    if (!pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch {
      if (!ownerAlive(dir)) {
        // an owner that died (or is still writing its pid: wait a moment first)
        await sleep(200);
        if (!ownerAlive(dir)) rmSync(dir, { recursive: true, force: true });
      } else await sleep(1000);
    }
  }
  writeFileSync(join(dir, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
