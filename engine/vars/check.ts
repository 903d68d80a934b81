/**
 * Static check of a template, before any host is touched: syntax, and the
 * names of filters, tests and lookup plugins it uses (with a close-match
 * suggestion for typos).
 */
import nunjucks from 'nunjucks';
import { TsplayError, type SourcePos } from '../errors.js';
import { knownNames, stripPrefix } from './environment.js';
import { LOOKUPS } from './lookups.js';
import { installStrictMode, testName } from './strict-compiler.js';

interface AstNode {
  typename?: string;
  [k: string]: unknown;
}
interface Parser {
  parse(src: string, extensions?: unknown[], opts?: Record<string, unknown>): AstNode;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_x, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, visit));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  if (typeof n.typename === 'string') visit(n);
  for (const [k, v] of Object.entries(n)) if (k !== 'parent' && v && typeof v === 'object') walk(v, visit);
}

function unknownError(kind: string, name: string, known: Iterable<string>, source?: SourcePos): TsplayError {
  const guess = closest(name, known);
  const message = `unknown ${kind} '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}`;
  return new TsplayError('TSPLAY_TEMPLATE_SYNTAX', message, { source });
}

function syntaxMessage(e: unknown): string {
  return String((e as Error).message ?? e).replace(/^\([^)]*\)( \[Line \d+(, Column \d+)?\])?\s*/, '');
}

/** Texts found clean per environment: a role's tasks are checked once per role instance. */
const cleanTexts = new WeakMap<nunjucks.Environment, Set<string>>();

export function checkTemplate(text: string, env: nunjucks.Environment, source?: SourcePos): TsplayError[] {
  let clean = cleanTexts.get(env);
  if (!clean) cleanTexts.set(env, (clean = new Set()));
  if (clean.has(text)) return [];
  const errors = findTemplateProblems(text, env, source);
  if (errors.length === 0) clean.add(text);
  return errors;
}

function findTemplateProblems(text: string, env: nunjucks.Environment, source?: SourcePos): TsplayError[] {
  installStrictMode();
  let ast: AstNode;
  try {
    ast = (nunjucks as unknown as { parser: Parser }).parser.parse(text, [], { trimBlocks: true });
  } catch (e) {
    return [new TsplayError('TSPLAY_TEMPLATE_SYNTAX', `template syntax error: ${syntaxMessage(e)}`, { source, excerpt: text.slice(0, 200) })];
  }
  const { filters, tests } = knownNames(env);
  const [filterSet, testSet] = [new Set(filters), new Set(tests)];
  const errors: TsplayError[] = [];
  walk(ast, (n) => {
    if (n.typename === 'Filter') {
      const name = String((n.name as AstNode).value);
      if (!filterSet.has(name)) errors.push(unknownError('filter', name, filterSet, source));
    } else if (n.typename === 'Is') {
      const name = testName(n.right as Parameters<typeof testName>[0]);
      if (!testSet.has(name)) errors.push(unknownError('test', name, testSet, source));
    } else if (n.typename === 'FunCall') {
      const fn = n.name as AstNode;
      const first = ((n.args as AstNode).children as AstNode[] | undefined)?.[0];
      if (fn.typename === 'Symbol' && ['lookup', 'query', 'q'].includes(String(fn.value)) && first?.typename === 'Literal') {
        const plugin = stripPrefix(String(first.value));
        if (!Object.hasOwn(LOOKUPS, plugin)) errors.push(unknownError('lookup plugin', String(first.value), Object.keys(LOOKUPS), source));
      }
    }
  });
  return errors;
}
