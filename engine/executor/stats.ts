/** Per-host counters of the recap, counted as ansible-playbook does. */
import type { HostStats } from '../output/events.js';
import { emptyStats } from '../output/events.js';
import type { TaskResult } from '../results.js';

export interface CountAs {
  /** a failure caught by a rescue section */
  rescued: boolean;
  ignoreErrors: boolean;
  ignoreUnreachable: boolean;
}

export function statsOf(stats: Record<string, HostStats>, host: string): HostStats {
  return (stats[host] ??= emptyStats());
}

export function countResult(stats: Record<string, HostStats>, host: string, r: TaskResult, how: CountAs): void {
  const s = statsOf(stats, host);
  switch (r.status) {
    case 'ok':
      s.ok++;
      return;
    case 'changed':
      s.ok++; // ok counts changed tasks too, as in Ansible's recap
      s.changed++;
      return;
    case 'skipped':
      s.skipped++;
      return;
    case 'unreachable':
      if (how.ignoreUnreachable) s.skipped++;
      else s.unreachable++;
      return;
    case 'failed':
      if (how.ignoreErrors) {
        s.ok++;
        s.ignored++;
        if (r.data.changed === true) s.changed++;
      } else if (how.rescued) s.rescued++;
      else s.failed++;
  }
}
