/**
 * Walking the YAML AST (not the plain JS value) so that every problem can
 * point at the node at fault. Aliases are resolved, `<<` merge keys expanded.
 */
import { isAlias, isMap, isScalar, isSeq, isPair, type Node } from 'yaml';
import { posOfNode, type YamlDoc } from '../yaml.js';
import type { SourcePos } from '../errors.js';

export interface MapEntry {
  key: string;
  keyNode: Node;
  /** null when the value is empty (`key:`) */
  value: Node | null;
}

/** The node an alias points at, or the node itself. */
export function deref(y: YamlDoc, node: Node | null | undefined): Node | null {
  if (!node) return null;
  if (isAlias(node)) return (node.resolve(y.doc) as Node | undefined) ?? null;
  return node;
}

export function isMapNode(y: YamlDoc, node: Node | null | undefined): boolean {
  return isMap(deref(y, node));
}

export function isSeqNode(y: YamlDoc, node: Node | null | undefined): boolean {
  return isSeq(deref(y, node));
}

/** Entries of a mapping, in order, with `<<` merges expanded (explicit keys win). */
export function mapEntries(y: YamlDoc, node: Node | null | undefined): MapEntry[] {
  const map = deref(y, node);
  if (!isMap(map)) return [];
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const keyNode = item.key as Node;
    const value = (item.value as Node | null) ?? null;
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      const sources = isSeqNode(y, value) ? seqItems(y, value) : [value];
      for (const src of sources) merged.push(...mapEntries(y, src));
      continue;
    }
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    own.push({ key, keyNode, value });
  }
  const ownKeys = new Set(own.map((e) => e.key));
  const seen = new Set<string>();
  const extra = merged.filter((e) => !ownKeys.has(e.key) && !seen.has(e.key) && seen.add(e.key));
  return [...own, ...extra];
}

export function seqItems(y: YamlDoc, node: Node | null | undefined): Node[] {
  const seq = deref(y, node);
  if (!isSeq(seq)) return [];
  return seq.items.map((n) => n as Node);
}

/** The plain JS value of a node. */
export function toValue(y: YamlDoc, node: Node | null | undefined): unknown {
  if (!node) return null;
  return node.toJS(y.doc, { maxAliasCount: 1000 }) as unknown;
}

export function nodePos(y: YamlDoc, node: Node | null | undefined, fallback?: SourcePos): SourcePos {
  if (node && node.range) return posOfNode(y, node);
  return fallback ?? { file: y.file, line: 1, col: 1 };
}

/** The source line a node starts on, trimmed, for error excerpts. */
export function lineExcerpt(y: YamlDoc, node: Node | null | undefined): string | undefined {
  if (!node?.range) return undefined;
  const text = sourceText(y);
  const line = y.lc.linePos(node.range[0]).line;
  return text.split('\n')[line - 1]?.trimEnd();
}

const sourceCache = new WeakMap<YamlDoc, string>();

/** Original text of the document, kept by the loader (see rememberSource). */
export function sourceText(y: YamlDoc): string {
  return sourceCache.get(y) ?? '';
}

export function rememberSource(y: YamlDoc, text: string): void {
  sourceCache.set(y, text);
}

export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** Position of `needle` inside a scalar's source text (a free-form `key=value`), or undefined. */
export function positionInScalar(y: YamlDoc, node: Node | null, needle: RegExp): SourcePos | undefined {
  const n = deref(y, node);
  if (!n?.range || !node?.range) return undefined;
  const [start, end] = n.range;
  const m = needle.exec(sourceText(y).slice(start, end));
  if (!m) return undefined;
  const p = y.lc.linePos(start + m.index);
  return { file: y.file, line: p.line, col: p.col };
}
