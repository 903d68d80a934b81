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
      // ignore_unreachable: Ansible counts ok and ignored (StrategyBase._process_pending_results)
      if (how.ignoreUnreachable) {
        s.ok++;
        s.ignored++;
      } else s.unreachable++;
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

export interface IncludeCount extends CountAs {
  kind: 'include_tasks' | 'include_role';
  /** files included for this host: one per loop item that passed `when` */
  files: number;
}

/**
 * include_tasks / include_role as ansible-playbook 2.14 counts them: an
 * include_role that ran is not counted at all; an include_tasks counts one ok
 * per file it included (each loop item); skipped and failed ones as tasks.
 */
export function countInclude(stats: Record<string, HostStats>, host: string, r: TaskResult, how: IncludeCount): void {
  if (r.status !== 'ok' && r.status !== 'changed') return countResult(stats, host, r, how);
  if (how.kind === 'include_tasks') statsOf(stats, host).ok += how.files;
  else statsOf(stats, host);
}
