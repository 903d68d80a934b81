/**
 * Ansible's INI inventory format (plugins/inventory/ini.py): `[group]`,
 * `[group:vars]`, `[group:children]`, host lines with `key=value` vars whose
 * values go through Python's literal_eval, host ranges, `#`/`;` comments.
 */
import { TsplayError } from '../errors.js';
import { stripBom } from '../yaml.js';
import { expandHostPattern, HostRangeError } from './addresses.js';
import { addHostToGroup, CycleError, ensureGroup, ensureHost, linkChild, setVar } from './model.js';
import { parsePythonValue } from './pyliteral.js';
import { ShlexError, shlexSplit } from './shlex.js';
import type { Inventory } from './types.js';

const SECTION_RE = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME_RE = /^([^:\]\s]+)\s*(?:#.*)?$/;

type State = 'hosts' | 'vars' | 'children';

interface Pending {
  line: number;
  col: number;
  state: 'vars' | 'children';
  parents: string[];
}

interface Ctx {
  inv: Inventory;
  file: string;
  lineNo: number;
  raw: string;
  group: string;
  state: State;
  pending: Map<string, Pending>;
}

export function parseIniInventory(inv: Inventory, text: string, file: string): void {
  const ctx: Ctx = { inv, file, lineNo: 0, raw: '', group: 'ungrouped', state: 'hosts', pending: new Map() };
  // a leading byte order mark is no part of the first line (Ansible's ini plugin would keep it in a host name)
  for (const raw of stripBom(text).split(/\r\n|\r|\n/)) {
    ctx.lineNo++;
    ctx.raw = raw;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;
    if (line.startsWith('[') && parseSection(ctx, line)) continue;
    if (ctx.state === 'hosts') parseHostLine(ctx, line);
    else if (ctx.state === 'vars') parseVarLine(ctx, line);
    else parseChildLine(ctx, line);
  }
  reportPending(ctx);
}

function iniError(ctx: Ctx, message: string, opts: { col?: number; hint?: string; line?: number } = {}): TsplayError {
  const line = opts.line ?? ctx.lineNo;
  const col = opts.col ?? firstCol(ctx.raw);
  return new TsplayError('TSPLAY_INVENTORY', message, {
    source: { file: ctx.file, line, col },
    excerpt: line === ctx.lineNo ? ctx.raw.trim() : undefined,
    hint: opts.hint,
  });
}

function firstCol(raw: string): number {
  return raw.length - raw.trimStart().length + 1;
}

/** Returns false when the line is not a section header after all (a host line starting with `[`). */
function parseSection(ctx: Ctx, line: string): boolean {
  const m = SECTION_RE.exec(line);
  if (!m) {
    if (line.endsWith(']')) {
      throw iniError(ctx, `invalid section header '${line}'`, {
        hint: 'a section is [group], [group:vars] or [group:children], without spaces',
      });
    }
    return false;
  }
  const name = m[1]!;
  const state = m[2] ?? 'hosts';
  if (state !== 'hosts' && state !== 'vars' && state !== 'children') {
    throw iniError(ctx, `section [${name}:${state}] has unknown type '${state}'`, {
      col: firstCol(ctx.raw) + name.length + 2,
      hint: 'the suffix is :vars or :children',
    });
  }
  ctx.group = name;
  ctx.state = state;
  if (!ctx.inv.groups.has(name)) {
    // [g:vars] alone does not declare g: checked at the end
    if (state === 'vars' && !ctx.pending.has(name)) {
      ctx.pending.set(name, { line: ctx.lineNo, col: firstCol(ctx.raw), state: 'vars', parents: [] });
    }
    ensureGroup(ctx.inv, name, { file: ctx.file, line: ctx.lineNo, col: firstCol(ctx.raw) });
  }
  const pending = ctx.pending.get(name);
  if (pending && state !== 'vars') {
    if (pending.state === 'children') addPendingChildren(ctx, name);
    else ctx.pending.delete(name);
  }
  return true;
}

function addPendingChildren(ctx: Ctx, group: string): void {
  const pending = ctx.pending.get(group)!;
  for (const parent of pending.parents) {
    link(ctx, parent, group, { line: pending.line, col: pending.col });
    const pp = ctx.pending.get(parent);
    if (pp && pp.state === 'children') addPendingChildren(ctx, parent);
  }
  ctx.pending.delete(group);
}

function link(ctx: Ctx, parent: string, child: string, at?: { line: number; col: number }): void {
  try {
    linkChild(ctx.inv, parent, child);
  } catch (e) {
    if (e instanceof CycleError) throw iniError(ctx, `group cycle: ${e.message}`, { ...at });
    throw e;
  }
}

function parseHostLine(ctx: Ctx, line: string): void {
  const offset = firstCol(ctx.raw) - 1;
  let tokens;
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    if (e instanceof ShlexError) throw iniError(ctx, `cannot parse host line: ${e.message}`);
    throw e;
  }
  if (tokens.length === 0) return;
  const pattern = tokens[0]!.value;
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.value.indexOf('=');
    if (eq < 0) {
      throw iniError(ctx, `expected key=value host variable, got '${t.value}'`, { col: offset + t.start + 1 });
    }
    vars.push([t.value.slice(0, eq), parsePythonValue(t.value.slice(eq + 1))]);
  }
  for (const host of expandHosts(ctx, pattern, offset)) {
    const { name, port } = host;
    const h = ensureHost(ctx.inv, name, { port, source: { file: ctx.file, line: ctx.lineNo, col: offset + 1 }, inventoryFile: ctx.file });
    addHostToGroup(ctx.inv, h, ctx.group);
    for (const [k, v] of vars) setHostOrGroupVar(ctx, h.name, k, v, 'host');
  }
}

function expandHosts(ctx: Ctx, pattern: string, offset: number): { name: string; port?: number }[] {
  if (pattern === '') throw iniError(ctx, 'empty host name');
  if (pattern.trim() === '---') {
    throw iniError(ctx, "'---' in an INI inventory: this looks like a YAML file", {
      hint: 'give YAML inventories a .yml or .yaml extension',
    });
  }
  let expanded;
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    if (e instanceof HostRangeError) {
      throw iniError(ctx, `bad host range '${pattern}': ${e.message}`, { col: offset + Math.max(pattern.indexOf('['), 0) + 1 });
    }
    throw e;
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    throw iniError(ctx, `invalid host '${pattern}': a trailing ':' must be followed by a port`, { col: offset + pattern.length });
  }
  return expanded.hosts.map((name) => ({ name, port: expanded.port }));
}

function parseVarLine(ctx: Ctx, line: string): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw iniError(ctx, `expected key=value in [${ctx.group}:vars], got '${line}'`);
  const key = line.slice(0, eq).trim();
  if (!key) throw iniError(ctx, `missing variable name before '=' in [${ctx.group}:vars]`);
  setHostOrGroupVar(ctx, ctx.group, key, parsePythonValue(line.slice(eq + 1).trim()), 'group');
}

function setHostOrGroupVar(ctx: Ctx, entity: string, key: string, value: unknown, kind: 'host' | 'group'): void {
  if (kind === 'host') {
    setVar(ctx.inv.hosts.get(entity)!, key, value, 'file');
    return;
  }
  const g = ctx.inv.groups.get(entity)!;
  if (key === 'ansible_group_priority') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n)) throw iniError(ctx, `ansible_group_priority must be an integer, got '${String(value)}'`);
    g.priority = n;
    return;
  }
  setVar(g, key, value, 'file');
}

function parseChildLine(ctx: Ctx, line: string): void {
  const m = GROUP_NAME_RE.exec(line);
  if (!m) throw iniError(ctx, `expected a group name in [${ctx.group}:children], got '${line}'`);
  const child = m[1]!;
  if (!ctx.inv.groups.has(child)) {
    const p = ctx.pending.get(child);
    if (p) p.parents.push(ctx.group);
    else ctx.pending.set(child, { line: ctx.lineNo, col: firstCol(ctx.raw), state: 'children', parents: [ctx.group] });
    return;
  }
  link(ctx, ctx.group, child);
}

function reportPending(ctx: Ctx): void {
  for (const [name, p] of ctx.pending) {
    if (p.state === 'vars') {
      throw iniError(ctx, `section [${name}:vars] is for group '${name}', which is never defined`, {
        line: p.line,
        col: p.col,
        hint: `declare the group with a [${name}] or [${name}:children] section`,
      });
    }
    throw iniError(ctx, `section [${p.parents[p.parents.length - 1]}:children] includes undefined group '${name}'`, {
      line: p.line,
      col: p.col,
      hint: `declare it with a [${name}] section`,
    });
  }
}
