/** Play-only keywords: hosts, vars_files, serial, strategy, order, ... */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Node } from 'yaml';
import { loadYaml, reportAt, warn, type LoadCtx } from './context.js';
import { checkTaskTemplates } from './task-checks.js';
import type { Play } from './model.js';
import type { YamlDoc } from '../yaml.js';
import { formatPos, isTsplayError } from '../errors.js';
import { runtimeHostsOf } from './runtime-groups.js';
import { matchHosts, validatePattern } from '../inventory/patterns.js';
import { asBool, asNumber, asString, type ValueSite } from './values.js';
import { didYouMean } from './suggest.js';
import { describeType, mapEntries, nodePos, toValue, type MapEntry } from './ynode.js';

export interface PlayOptions {
  consumed: Set<MapEntry>;
  hosts?: string;
  varsFiles: string[];
  /** vars_files entries that are lists (first found) keep their alternatives here */
  varsFileNodes: { value: unknown; node: Node | null }[];
  gatherFacts: boolean;
  serial?: (number | string)[];
  strategy: Play['strategy'];
  maxFailPercentage?: number;
  order: Play['order'];
  forceHandlers?: boolean;
  remoteUser?: string;
  connection?: string;
}

const STRATEGIES = ['linear', 'free'] as const;
const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] as const;
/** Read elsewhere (task lists, roles) but play keywords all the same. */
const LISTS = new Set(['roles', 'pre_tasks', 'tasks', 'post_tasks', 'handlers']);
const IGNORED = new Set(['gather_subset', 'fact_path', 'gather_timeout']);

function oneOf<T extends string>(s: ValueSite, allowed: readonly T[]): T | undefined {
  const v = asString(s);
  if (v === undefined) return undefined;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'${s.key}' must be one of ${allowed.join(', ')}, found '${v}'${didYouMean(v, allowed)}`, { excerpt: v });
  return undefined;
}

function readSerial(s: ValueSite): (number | string)[] | undefined {
  const v = toValue(s.y, s.node);
  const items = Array.isArray(v) ? v : [v];
  const out: (number | string)[] = [];
  for (const item of items) {
    if (typeof item === 'number' || (typeof item === 'string' && /^\s*(\d+(\.\d+)?%?|\{\{.*\}\})\s*$/.test(item))) out.push(typeof item === 'string' && /^\d+$/.test(item.trim()) ? Number(item) : item);
    else reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'serial' must be a number, a percentage ("30%") or a list of them, found ${JSON.stringify(item)}`);
  }
  return out;
}

function readHosts(s: ValueSite): string | undefined {
  const v = toValue(s.y, s.node);
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v.join(',');
  reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'hosts' must be a host pattern (a string or a list of them), found ${describeType(v)}`);
  return undefined;
}

function readVarsFiles(s: ValueSite, out: PlayOptions): void {
  const v = toValue(s.y, s.node);
  if (v === null) return;
  if (!Array.isArray(v)) {
    reportAt(s.ctx, s.y, s.node, 'TSPLAY_SCHEMA', `'vars_files' must be a list of file names, found ${describeType(v)}`);
    return;
  }
  const items = (s.node as { items?: Node[] }).items ?? [];
  v.forEach((item, i) => {
    const node = items[i] ?? s.node;
    if (typeof item === 'string') out.varsFiles.push(item);
    else if (Array.isArray(item) && item.every((x) => typeof x === 'string') && item.length > 0) out.varsFiles.push(item[0] as string);
    else reportAt(s.ctx, s.y, node, 'TSPLAY_SCHEMA', `a vars_files entry must be a file name or a list of alternatives, found ${describeType(item)}`);
    out.varsFileNodes.push({ value: item, node });
  });
}

export function readPlayOptions(ctx: LoadCtx, y: YamlDoc, entries: MapEntry[]): PlayOptions {
  const o: PlayOptions = { consumed: new Set(), varsFiles: [], varsFileNodes: [], gatherFacts: true, strategy: 'linear', order: 'inventory' };
  for (const e of entries) {
    const s: ValueSite = { ctx, y, node: e.value, key: e.key };
    let used = true;
    if (e.key === 'hosts') o.hosts = readHosts(s);
    else if (e.key === 'vars_files') readVarsFiles(s, o);
    else if (e.key === 'gather_facts') o.gatherFacts = asBool(s) ?? true;
    else if (e.key === 'serial') o.serial = readSerial(s);
    else if (e.key === 'strategy') o.strategy = oneOf(s, STRATEGIES) ?? 'linear';
    else if (e.key === 'max_fail_percentage') o.maxFailPercentage = asNumber(s);
    else if (e.key === 'order') o.order = oneOf(s, ORDERS) ?? 'inventory';
    else if (e.key === 'force_handlers') o.forceHandlers = asBool(s);
    else if (e.key === 'remote_user') o.remoteUser = asString(s);
    else if (e.key === 'connection') o.connection = asString(s);
    else if (e.key === 'vars_prompt') warn(ctx, 'TSPLAY_UNKNOWN_KEY', "'vars_prompt' is not supported and is ignored", { source: nodePos(y, e.keyNode) });
    else if (!LISTS.has(e.key) && !IGNORED.has(e.key)) used = false;
    if (used) o.consumed.add(e);
  }
  return o;
}

/** Static vars_files must exist (one of the alternatives of a list entry). */
export async function checkVarsFiles(ctx: LoadCtx, y: YamlDoc, o: PlayOptions): Promise<void> {
  const base = dirname(y.file);
  for (const { value, node } of o.varsFileNodes) {
    const names = (Array.isArray(value) ? value : [value]).filter((x): x is string => typeof x === 'string');
    if (names.length === 0 || names.some((n) => n.includes('{{'))) continue;
    const paths = names.map((n) => resolve(base, n));
    const found = paths.find((p) => existsSync(p));
    if (!found) {
      reportAt(ctx, y, node, 'TSPLAY_FILE_NOT_FOUND', `vars file ${names.map((n) => `'${n}'`).join(' or ')} not found`, { hint: `looked for: ${paths.join(', ')}` });
      continue;
    }
    const vy = await loadYaml(ctx, found, nodePos(y, node));
    if (!vy) continue;
    const entries = mapEntries(vy, vy.doc.contents as Node);
    for (const e of entries) ctx.knownVars.add(e.key);
    checkTaskTemplates(ctx, vy, entries);
  }
}

/** vars_files of a play from another directory (import_playbook) made absolute. */
export function anchorVarsFiles(files: string[], playFile: string, playbookDir: string): string[] {
  const base = dirname(playFile);
  if (resolve(base) === resolve(playbookDir)) return files;
  return files.map((f) => (f.includes('{{') || isAbsolute(f) ? f : resolve(base, f)));
}

/** With an inventory: the pattern must be valid; one matching no host is a warning. */
export function checkHosts(ctx: LoadCtx, y: YamlDoc, hostsEntry: MapEntry | undefined, pattern: string | undefined): void {
  if (!ctx.inventory || !hostsEntry || pattern === undefined || pattern.includes('{{')) return;
  const source = nodePos(y, hostsEntry.value ?? hostsEntry.keyNode);
  const invalid = validatePattern(pattern, { source });
  if (invalid) {
    ctx.errors.push(invalid);
    return;
  }
  let hosts: string[] = [];
  try {
    hosts = matchHosts(ctx.inventory, pattern, { source });
  } catch (e) {
    if (isTsplayError(e)) ctx.errors.push(e);
    return;
  }
  if (hosts.length > 0) return;
  const runtime = runtimeHostsOf(ctx, pattern);
  if (runtime?.kind === 'created') return; // by add_host or group_by in an earlier play
  if (runtime?.kind === 'maybe') {
    const { by, group } = runtime;
    warn(ctx, 'TSPLAY_NO_HOSTS', `host pattern '${pattern}' matches no host of the inventory yet: group '${group}' may be created at run time by ${by.module} at ${formatPos(by.source)}`, {
      source,
      excerpt: pattern,
      hint: `warning: '${by.written}' is known only at run time; the play is skipped if no host gets into '${group}'`,
    });
    return;
  }
  warn(ctx, 'TSPLAY_NO_HOSTS', `host pattern '${pattern}' matches no host of the inventory`, { source, excerpt: pattern, hint: 'warning: the play will be skipped' });
}
