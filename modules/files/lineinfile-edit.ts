/**
 * lineinfile's algorithm, transcribed from Ansible's module (present() and
 * absent()) so the edge cases behave the same: regexp wins over
 * insertafter/insertbefore, the last match is used unless firstmatch,
 * backrefs never inserts, an exact copy of `line` anywhere is left alone.
 */
import { ModuleFailure } from '../../engine/module-api.js';
import { expandTemplate, parsePyTemplate, pyRegex } from '../lib/pyregex.js';
import { readLines } from '../lib/edit.js';

export interface LineEditParams {
  regexp?: string;
  search_string?: string;
  line?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface LineEditResult {
  content: string;
  changed: boolean;
  msg: string;
  /** absent: lines removed */
  found?: number;
}

const NL = '\n';
const chomp = (l: string): string => l.replace(/[\r\n]+$/, '');
/** A line as Python's re.search sees it, minus the '\n' (see lineRegex) */
const bare = (l: string): string => (l.endsWith('\n') ? l.slice(0, -1) : l);
/** 's': Python's '.' matches '\r'; the '\n' is cut off instead */
const lineRegex = (src: string): RegExp => pyRegex(src, { flags: 's' });

interface Scan {
  index0: number;
  index1: number;
  match: RegExpExecArray | null;
  exact: boolean;
}

function scan(lines: string[], p: LineEditParams, line: string): Scan {
  const s: Scan = { index0: -1, index1: -1, match: null, exact: false };
  if (p.regexp !== undefined) {
    const re = lineRegex(p.regexp);
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(bare(lines[i]!));
      if (m) {
        s.index0 = i;
        s.match = m;
        if (p.firstmatch) break;
      }
    }
  } else if (p.search_string !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.includes(p.search_string)) {
        s.index0 = i;
        s.match = [lines[i]!] as unknown as RegExpExecArray;
        if (p.firstmatch) break;
      }
    }
  }
  if (s.match) return s;
  const insRe =
    p.insertafter !== undefined && !['BOF', 'EOF'].includes(p.insertafter)
      ? lineRegex(p.insertafter)
      : p.insertbefore !== undefined && p.insertbefore !== 'BOF'
        ? lineRegex(p.insertbefore)
        : null;
  for (let i = 0; i < lines.length; i++) {
    if (chomp(lines[i]!) === line) {
      s.index0 = i;
      s.exact = true;
    } else if (insRe && insRe.test(bare(lines[i]!))) {
      if (p.insertafter) {
        s.index1 = i + 1;
        if (p.firstmatch) break;
      }
      if (p.insertbefore) {
        s.index1 = i;
        if (p.firstmatch) break;
      }
    }
  }
  return s;
}

/** insertafter matched: add the line after index1-1 unless it is already there */
function insertAfter(lines: string[], index1: number, line: string): boolean {
  if (lines.length === index1) {
    if (chomp(lines[index1 - 1]!) === line) return false;
    lines.push(line + NL);
    return true;
  }
  if (chomp(lines[index1]!) === line) return false;
  lines.splice(index1, 0, line + NL);
  return true;
}

function ensureLastNewline(lines: string[]): void {
  const last = lines[lines.length - 1];
  if (last !== undefined && !last.endsWith('\n') && !last.endsWith('\r')) lines.push(NL);
}

export function linePresent(original: string, p: LineEditParams): LineEditResult {
  const line = p.line ?? '';
  const lines = readLines(original);
  const s = scan(lines, p, line);
  const done = (changed: boolean, msg: string): LineEditResult => ({ content: lines.join(''), changed, msg: changed ? msg : '' });
  if (s.index0 !== -1) {
    let newLine = p.backrefs && s.match && p.regexp !== undefined ? expandTemplate(parsePyTemplate(line), s.match) : line;
    if (!newLine.endsWith(NL)) newLine += NL;
    if (lines[s.index0] === newLine) return done(false, '');
    lines[s.index0] = newLine;
    return done(true, 'line replaced');
  }
  if (p.backrefs) return done(false, '');
  if (p.insertbefore === 'BOF' || p.insertafter === 'BOF') {
    lines.unshift(line + NL);
    return done(true, 'line added');
  }
  if (p.insertafter === 'EOF' || s.index1 === -1) {
    ensureLastNewline(lines);
    lines.push(line + NL);
    return done(true, 'line added');
  }
  if (p.insertafter) return done(insertAfter(lines, s.index1, line), 'line added');
  lines.splice(s.index1, 0, line + NL);
  return done(true, 'line added');
}

export function lineAbsent(original: string, p: LineEditParams): LineEditResult {
  const re = p.regexp !== undefined ? lineRegex(p.regexp) : null;
  let found = 0;
  const kept = readLines(original).filter((l) => {
    const hit = re ? re.test(bare(l)) : p.search_string !== undefined ? l.includes(p.search_string) : chomp(l) === p.line;
    if (hit) found++;
    return !hit;
  });
  return { content: kept.join(''), changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}

export function checkLineParams(p: LineEditParams & { state?: string }): void {
  if (p.backrefs && p.regexp === undefined) throw new ModuleFailure('regexp is required with backrefs=true');
  if ((p.state ?? 'present') === 'present' && p.line === undefined) throw new ModuleFailure('line is required with state=present');
  if (p.state === 'absent' && p.regexp === undefined && p.search_string === undefined && p.line === undefined) {
    throw new ModuleFailure('one of line, search_string, or regexp is required with state=absent');
  }
}
