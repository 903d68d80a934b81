/**
 * Ansible host patterns (inventory/manager.py): names, groups, `all`/`*`,
 * globs, `~regex`, `a:b` / `a,b` union, `a:&b` intersection, `a:!b`
 * exclusion, subscripts `g[0]`, `g[1:3]`, `g[-1]`; and `--limit`.
 */
import { readFileSync } from 'node:fs';
import { TsplayError, type SourcePos } from '../errors.js';
import { parseAddress } from './addresses.js';
import { hostsOfGroup, implicitLocalhost, LOCALHOST_NAMES } from './model.js';
import type { Inventory } from './types.js';

const SUBSCRIPT_RE = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;
const SPLIT_RE = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

export interface PatternOptions {
  source?: SourcePos;
}

function patternError(message: string, pattern: string, opts: PatternOptions, hint?: string): TsplayError {
  return new TsplayError('TSPLAY_HOST_PATTERN', message, { source: opts.source, excerpt: pattern, hint });
}

/** split_host_pattern: commas first; else `:` and whitespace outside brackets (an address such as `fe80::1` stays whole). */
export function splitHostPattern(pattern: string): { parts: string[]; dropped: string } {
  let parts: string[];
  let dropped = '';
  if (pattern.includes(',')) {
    parts = pattern.split(',');
  } else {
    try {
      parseAddress(pattern, true);
      parts = [pattern];
    } catch {
      parts = pattern.match(SPLIT_RE) ?? [];
      // whatever the split skipped besides separators (a lone '[' or ']')
      dropped = pattern.replace(SPLIT_RE, '').replace(/[\s:]/g, '');
    }
  }
  return { parts: parts.map((p) => p.trim()).filter((p) => p !== ''), dropped };
}

/** The static check of a pattern; undefined when it is well formed (or templated, to be checked once rendered). */
export function validatePattern(pattern: string, opts: PatternOptions = {}): TsplayError | undefined {
  if (/\{\{|\{%/.test(pattern)) return undefined;
  if (pattern.trim() === '') return patternError('empty host pattern', pattern, opts, "use 'all' for every host");
  const { parts, dropped } = splitHostPattern(pattern);
  if (dropped) return patternError(`unbalanced '${dropped[0]}' in host pattern '${pattern}'`, pattern, opts);
  if (parts.length === 0) return patternError(`host pattern '${pattern}' names nothing`, pattern, opts);
  for (const part of parts) {
    const err = validatePart(part, pattern, opts);
    if (err) return err;
  }
  return undefined;
}

function validatePart(part: string, pattern: string, opts: PatternOptions): TsplayError | undefined {
  const body = part[0] === '&' || part[0] === '!' ? part.slice(1) : part;
  if (body === '') return patternError(`'${part}' must be followed by a pattern`, pattern, opts, 'write web:&prod or web:!staging');
  if (body[0] === '&' || body[0] === '!') return patternError(`'${part}': one operator at a time`, pattern, opts);
  if (body[0] === '~') {
    if (body.length === 1) return patternError(`empty regular expression in '${part}'`, pattern, opts);
    try {
      compileRegex(body.slice(1));
    } catch (e) {
      return patternError(`invalid regular expression '${body.slice(1)}': ${(e as Error).message}`, pattern, opts);
    }
    return undefined;
  }
  if (!SUBSCRIPT_RE.test(body) && !bracketsBalanced(body)) {
    return patternError(`unbalanced brackets in '${part}'`, pattern, opts, 'subscripts are group[0], group[1:3], group[-1]');
  }
  return undefined;
}

function bracketsBalanced(s: string): boolean {
  let open = false;
  for (const ch of s) {
    if (ch === '[') {
      if (open) return false;
      open = true;
    } else if (ch === ']') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/** A Python `re` pattern as a JS RegExp anchored at the start (re.match). */
function compileRegex(src: string): RegExp {
  let flags = '';
  let body = src;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('s')) flags += 's';
    if (inline[1]!.includes('m')) flags += 'm';
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\Z/g, '$')
    .replace(/\\A/g, '^');
  return new RegExp(`^(?:${body})`, flags);
}

/** fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; the whole name must match. */
export function globToRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let stuff = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
      else if (stuff[0] === '^') stuff = '\\' + stuff;
      out += `[${stuff}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

function matcher(pattern: string): RegExp {
  return pattern[0] === '~' ? compileRegex(pattern.slice(1)) : globToRegex(pattern);
}

/** order_patterns: plain patterns, then intersections, then exclusions; `all` when there is no plain one. */
function orderPatterns(parts: string[]): string[] {
  const plain = parts.filter((p) => p[0] !== '&' && p[0] !== '!');
  const and = parts.filter((p) => p[0] === '&');
  const not = parts.filter((p) => p[0] === '!');
  return [...(plain.length > 0 ? plain : ['all']), ...and, ...not];
}

function isRealHost(inv: Inventory, name: string): boolean {
  const h = inv.hosts.get(name);
  return h !== undefined && !h.implicit;
}

function evaluate(inv: Inventory, parts: string[], pattern: string, opts: PatternOptions): string[] {
  let hosts: string[] = [];
  for (const p of orderPatterns(parts)) {
    if (isRealHost(inv, p)) {
      hosts.push(p);
      continue;
    }
    const that = matchOne(inv, p[0] === '&' || p[0] === '!' ? p.slice(1) : p, pattern, opts);
    if (p[0] === '!') {
      const set = new Set(that);
      hosts = hosts.filter((h) => !set.has(h));
    } else if (p[0] === '&') {
      const set = new Set(that);
      hosts = hosts.filter((h) => set.has(h));
    } else {
      const existing = new Set(hosts);
      hosts.push(...that.filter((h) => !existing.has(h)));
    }
  }
  return [...new Set(hosts)];
}

function matchOne(inv: Inventory, part: string, pattern: string, opts: PatternOptions): string[] {
  let expr = part;
  let subscript: [number, number | undefined] | undefined;
  const m = part[0] === '~' ? null : SUBSCRIPT_RE.exec(part);
  if (m) {
    expr = m[1]!;
    subscript = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
  }
  const hosts = enumerate(inv, expr);
  if (!subscript || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  if (end !== undefined && end !== 0) return hosts.slice(start, end === -1 ? hosts.length : end + 1);
  const idx = start < 0 ? hosts.length + start : start;
  if (idx < 0 || idx >= hosts.length) {
    throw patternError(`no host at index ${start} of '${expr}' (${hosts.length} hosts)`, pattern, opts);
  }
  return [hosts[idx]!];
}

/** _enumerate_matches: hosts of matching groups; hosts matching by name when no group matched or the pattern is a glob/regex. */
function enumerate(inv: Inventory, expr: string): string[] {
  const re = matcher(expr);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...hostsOfGroup(inv, g));
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hostOrder) if (isRealHost(inv, h) && re.test(h)) results.push(h);
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(expr)) {
    const local = implicitLocalhost(inv, expr);
    if (local) results.push(local.name);
  }
  return results;
}

/** Hosts matching a pattern, deduplicated, in Ansible's order; [] when nothing matches (the caller warns). */
export function matchHosts(inv: Inventory, pattern: string, opts: PatternOptions = {}): string[] {
  const err = validatePattern(pattern, opts);
  if (err) throw err;
  return evaluate(inv, splitHostPattern(pattern).parts, pattern, opts);
}

/** --limit: keeps the hosts (in their order) that the limit matches; `@file` names a file of patterns, one a line. */
export function limitHosts(inv: Inventory, hosts: string[], limitPattern: string, opts: PatternOptions = {}): string[] {
  const parts: string[] = [];
  for (const part of splitHostPattern(limitPattern).parts) {
    if (part[0] !== '@') {
      const err = validatePart(part, limitPattern, opts);
      if (err) throw err;
      parts.push(part);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(part.slice(1), 'utf8');
    } catch (e) {
      throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `cannot read limit file ${part.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        source: opts.source,
      });
    }
    parts.push(...text.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
  }
  const allowed = new Set(evaluate(inv, parts, limitPattern, opts));
  return hosts.filter((h) => allowed.has(h));
}
