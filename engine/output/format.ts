/** Text pieces shared by the plain log and the live view. */
import { createTwoFilesPatch } from 'diff';
import { formatPos } from '../errors.js';
import type { FileDiff, TaskResult } from '../results.js';
import type { HostStats, TaskRef } from './events.js';
import { pyStr } from '../vars/pyvalues.js';

export interface Colors {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const ansi: Colors = {
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  red: wrap(31, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

const id = (s: string) => s;
export const noColors: Colors = { green: id, yellow: id, red: id, cyan: id, dim: id, bold: id };

export function useColors(stream: NodeJS.WriteStream): Colors {
  if (process.env.NO_COLOR) return noColors;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return ansi;
  return stream.isTTY ? ansi : noColors;
}

export function taskTitle(task: TaskRef): string {
  return task.role ? `${task.role} : ${task.name}` : task.name;
}

/** A banner like Ansible's: `TASK [name] ****` to 80 columns. */
export function banner(text: string, width = 80): string {
  const head = `${text} `;
  return head + '*'.repeat(Math.max(3, width - head.length));
}

export function statusWord(r: TaskResult): string {
  switch (r.status) {
    case 'ok':
      return r.ignored ? 'failed (ignored)' : 'ok';
    case 'changed':
      return 'changed';
    case 'skipped':
      return 'skipping';
    case 'failed':
      return 'fatal';
    case 'unreachable':
      return 'unreachable';
  }
}

export function colorFor(r: TaskResult, c: Colors): (s: string) => string {
  if (r.ignored) return c.cyan;
  switch (r.status) {
    case 'ok':
      return c.green;
    case 'changed':
      return c.yellow;
    case 'skipped':
      return c.cyan;
    default:
      return c.red;
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function itemLabel(item: unknown): string {
  if (item === undefined) return '';
  // Python's str() as Ansible prints it: {'name': 'x'}, None (a no_log item)
  const s = pyStr(item);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Keys Ansible keeps when a debug result has `msg` (callback _clean_results). */
const DEBUG_MSG_KEYS = new Set(['msg', 'exception', 'warnings', 'deprecations']);

/**
 * What Ansible's default callback prints after `=> ` for a debug result (a
 * task's or one loop item's): with `msg`, the message alone; with `var`, the
 * value under its name (plus ansible_loop_var and the item in a loop). Keys
 * are sorted and indented by 4, as Python's json.dumps(sort_keys=True, indent=4).
 * Undefined when the result shows nothing (not ok, or a loop's summary).
 */
export function debugText(task: TaskRef, r: TaskResult): string | undefined {
  if (task.module !== 'debug' || r.status !== 'ok' || r.ignored || r.results) return undefined;
  const data = 'msg' in r.data ? Object.fromEntries(Object.entries(r.data).filter(([k]) => DEBUG_MSG_KEYS.has(k))) : r.data;
  return JSON.stringify(sortKeysDeep(data), null, 4);
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)]));
}

/** The lines explaining a failed or unreachable result: message, command, stderr, where. */
export function failureDetails(r: TaskResult, task: TaskRef): string[] {
  const lines: string[] = [];
  if (r.msg) lines.push(`msg: ${r.msg}`);
  if (r.command) {
    lines.push(`command: ${r.command.cmd}`);
    lines.push(`exit code: ${r.command.rc}${r.command.meaning ? ` (${r.command.meaning})` : ''}`);
    if (r.command.stderrTail) {
      lines.push('stderr (last lines):');
      for (const l of r.command.stderrTail.split('\n')) lines.push(`  ${l}`);
    }
  }
  if (task.source) lines.push(`task: ${formatPos(task.source)}`);
  return lines;
}

export function unifiedDiff(d: FileDiff): string {
  if (d.hidden) return `--- ${d.path}\n+++ ${d.path}\n(content hidden: it holds secrets or no_log is set)\n`;
  return createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1)
    .join('\n');
}

export function recapLine(host: string, s: HostStats, width: number, c: Colors): string {
  const color = s.failed || s.unreachable ? c.red : s.changed ? c.yellow : c.green;
  // pad the plain text first: escape codes must not count toward the width
  const cell = (name: string, n: number, col: (x: string) => string) => {
    const text = `${name}=${n}`;
    const padded = text.padEnd(name.length + 5);
    return n > 0 ? col(text) + padded.slice(text.length) : padded;
  };
  return [
    color(host.padEnd(width)),
    ':',
    cell('ok', s.ok, c.green),
    cell('changed', s.changed, c.yellow),
    cell('unreachable', s.unreachable, c.red),
    cell('failed', s.failed, c.red),
    cell('skipped', s.skipped, c.cyan),
    cell('rescued', s.rescued, c.green),
    cell('ignored', s.ignored, c.cyan),
  ].join(' ').trimEnd();
}

export function recapBlock(stats: Record<string, HostStats>, durationMs: number, c: Colors): string[] {
  const hosts = Object.keys(stats);
  const width = Math.max(10, ...hosts.map((h) => h.length));
  const lines = [banner('PLAY RECAP')];
  for (const h of hosts) lines.push(recapLine(h, stats[h]!, width, c));
  lines.push(`finished in ${formatDuration(durationMs)}`);
  return lines;
}
