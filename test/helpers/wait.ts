/** Polling helpers shared by tests that wait for processes or files. */
import { spawnSync } from 'node:child_process';

/** Polls `check` every `intervalMs` until it holds or `ms` have passed; its last answer. */
export async function waitUntil(check: () => boolean, ms: number, intervalMs = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}

/** pids of processes whose command line is exactly `sleep <secs>` */
export function sleepingPids(secs: string): number[] {
  const r = spawnSync('pgrep', ['-f', `^sleep ${secs.replace(/\./g, '\\.')}$`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
