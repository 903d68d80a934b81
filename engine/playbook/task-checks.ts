/**
 * Checks run on each task as it is read: module arguments (lenient: before
 * templating), template syntax of strings and conditions, and (static check)
 * the template file of `template:` tasks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isScalar, type Node } from 'yaml';
import type { YamlDoc } from '../yaml.js';
import type { SourcePos } from '../errors.js';
import { reportAt, type FileScope, type LoadCtx } from './context.js';
import type { ResolvedAction } from './action.js';
import { checkModuleArgs, isTemplated, type ArgPath } from './module-args.js';
import { bareExpression } from './values.js';
import { deref, isMapNode, isSeqNode, mapEntries, nodePos, positionInScalar, seqItems, type MapEntry } from './ynode.js';

export function checkModuleArgsAt(ctx: LoadCtx, y: YamlDoc, action: ResolvedAction): void {
  if (!action.mod) return;
  const locate = (path: ArgPath, key: boolean): SourcePos | undefined =>
    locateIn(y, action.argsNode, path, key) ?? locateIn(y, action.extraArgsNode, path, key) ?? locateFreeForm(y, action.argsNode, path, key);
  ctx.errors.push(...checkModuleArgs(action.mod, action.args, { source: action.argsSource, lenient: true, locate }));
}

/** `key=value` inside free-form text: the key, or the value after `=`. */
function locateFreeForm(y: YamlDoc, node: Node | null, path: ArgPath, key: boolean): SourcePos | undefined {
  const name = path[0];
  if (typeof name !== 'string' || path.length !== 1 || isMapNode(y, node)) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return positionInScalar(y, node, new RegExp(key ? `(?<=^|\\s)${escaped}=` : `(?<=(^|\\s)${escaped}=)`));
}

/** Position of the argument at path inside a mapping node (its key when asked). */
function locateIn(y: YamlDoc, root: Node | null, path: ArgPath, key: boolean): SourcePos | undefined {
  if (!root || !isMapNode(y, root)) return undefined;
  let node: Node | null = root;
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    if (typeof p === 'number') {
      node = seqItems(y, node)[p] ?? null;
    } else {
      const e: MapEntry | undefined = mapEntries(y, node).find((x) => x.key === p);
      if (!e) return undefined;
      if (key && i === path.length - 1) return nodePos(y, e.keyNode);
      node = e.value ?? e.keyNode;
    }
    if (!node) return undefined;
  }
  return nodePos(y, node);
}

const CONDITION_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);
const NESTED_LISTS = new Set(['block', 'rescue', 'always', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles']);

/** Template syntax of every templated string and condition among a task's (or play's) entries. */
export function checkTaskTemplates(ctx: LoadCtx, y: YamlDoc, entries: MapEntry[]): void {
  const templar = ctx.templar;
  if (!templar) return;
  for (const e of entries) {
    if (NESTED_LISTS.has(e.key)) continue;
    if (CONDITION_KEYS.has(e.key)) {
      const items = isSeqNode(y, e.value) ? seqItems(y, e.value) : [e.value];
      for (const n of items) {
        const v = deref(y, n);
        if (isScalar(v) && typeof v.value === 'string') ctx.errors.push(...templar.checkExpression(bareExpression(v.value), { source: nodePos(y, n) }));
      }
      continue;
    }
    walkStrings(y, e.value, (text, node) => ctx.errors.push(...templar.checkSyntax(text, { source: nodePos(y, node) })));
  }
}

function walkStrings(y: YamlDoc, node: Node | null, visit: (text: string, node: Node) => void, depth = 0): void {
  const n = deref(y, node);
  if (!n || depth > 50) return;
  if (isScalar(n)) {
    if (typeof n.value === 'string' && isTemplated(n.value)) visit(n.value, node!);
  } else if (isMapNode(y, n)) for (const e of mapEntries(y, n)) walkStrings(y, e.value, visit, depth + 1);
  else if (isSeqNode(y, n)) for (const item of seqItems(y, n)) walkStrings(y, item, visit, depth + 1);
}

/** Where the `src` of a template task is looked for: role templates/, then the playbook's. */
export function templateSearchPaths(scope: Pick<FileScope, 'role' | 'baseDir'>, playbookDir: string, src: string): string[] {
  if (isAbsolute(src)) return [src];
  const dirs: string[] = [];
  if (scope.role) dirs.push(join(scope.role.path, 'templates'), scope.role.path);
  dirs.push(join(scope.baseDir, 'templates'), scope.baseDir, join(playbookDir, 'templates'), playbookDir);
  return [...new Set(dirs)].map((d) => join(d, src));
}

export function checkTemplateSource(ctx: LoadCtx, scope: FileScope, action: ResolvedAction): void {
  const src = action.args.src;
  if (typeof src !== 'string' || isTemplated(src)) return;
  const candidates = templateSearchPaths(scope, ctx.playbookDir, src);
  const found = candidates.find((f) => existsSync(f));
  const srcNode = mapEntries(scope.y, action.argsNode).find((e) => e.key === 'src')?.value ?? action.argsNode;
  if (!found) {
    reportAt(ctx, scope.y, srcNode, 'TSPLAY_FILE_NOT_FOUND', `template '${src}' not found`, { fallback: action.argsSource, hint: `looked in: ${candidates.join(', ')}`, excerpt: src });
    return;
  }
  if (!ctx.templar) return;
  const text = readFileSync(found, 'utf8');
  ctx.errors.push(...ctx.templar.checkSyntax(text, { source: { file: found, line: 1, col: 1 } }));
}
