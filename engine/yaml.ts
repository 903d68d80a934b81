/**
 * YAML loading with source positions. Ansible's YAML is PyYAML's 1.1 dialect
 * (yes/no/on/off are booleans, 0644 is octal), so documents parse as 1.1.
 */
import { readFile } from 'node:fs/promises';
import { Document, isCollection, isMap, isNode, isPair, isScalar, visit, LineCounter, parseAllDocuments, type Node, type ParsedNode, type ScalarTag, type CollectionTag } from 'yaml';
import { TsplayError, TsplayErrors, type ErrorCode, type SourcePos } from './errors.js';
import type { VarsMap } from './playbook/model.js';

export interface YamlDoc {
  file: string;
  /** the plain JS value of the (first) document */
  value: unknown;
  doc: Document.Parsed;
  lc: LineCounter;
}

export type YamlPath = readonly (string | number)[];

/** Custom tags (the vault adds `!vault`); see registerYamlTag. */
const extraTags: (ScalarTag | CollectionTag)[] = [];

export function registerYamlTag(tag: ScalarTag | CollectionTag): void {
  extraTags.push(tag);
}

/**
 * Whole-file decoders (the vault decrypts `$TSPLAY_VAULT`/`$ANSIBLE_VAULT`
 * files): each returns the decoded text, or undefined to leave it as is.
 */
export type YamlTextDecoder = (text: string, file: string) => string | undefined;
const decoders: YamlTextDecoder[] = [];

export function registerYamlDecoder(decoder: YamlTextDecoder): void {
  if (!decoders.includes(decoder)) decoders.push(decoder);
}

/** A custom tag's resolve may throw `CODE: message` to report its own error code. */
const TAGGED_CODE = /^(TSPLAY_[A-Z_]+): /;

const BOOL = 'tag:yaml.org,2002:bool';

/**
 * PyYAML's 1.1 booleans: yes/no/on/off/true/false in three casings, but NOT
 * y/n/Y/N, which the yaml library's 1.1 schema would turn into booleans.
 */
const pyTrue: ScalarTag = {
  identify: (v) => v === true,
  default: true,
  tag: BOOL,
  test: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  resolve: () => true,
};
const pyFalse: ScalarTag = {
  identify: (v) => v === false,
  default: true,
  tag: BOOL,
  test: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  resolve: () => false,
};

type Tags = Exclude<NonNullable<Parameters<typeof parseAllDocuments>[1]>['customTags'], null | undefined | unknown[]> extends (t: infer T) => unknown ? T : never;

function customTags(tags: Tags): Tags {
  return [pyTrue, pyFalse, ...tags.filter((t) => typeof t === 'string' || t.tag !== BOOL), ...extraTags];
}

/**
 * Parsed documents by file, for files read more than once in a process (the
 * static check and the load that follows it read every playbook, role and
 * vars file; parsing with positions is the costliest part of `tsplay check`).
 * Each caller still gets its own `value`. Vaulted text is never kept.
 */
const parsed = new Map<string, { text: string; doc: Document.Parsed; lc: LineCounter }>();
const MAX_CACHED = 2000;

function cachedParse(text: string, file: string): YamlDoc | undefined {
  const hit = parsed.get(file);
  if (!hit || hit.text !== text) return undefined;
  return { file, value: hit.doc.toJS({ maxAliasCount: 1000 }) as unknown, doc: hit.doc, lc: hit.lc };
}

/** A leading UTF-8 byte order mark (Windows editors write one); PyYAML skips it, so Ansible does. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseYaml(text: string, file: string): YamlDoc {
  text = stripBom(text);
  const raw = text;
  const hit = cachedParse(raw, file);
  if (hit) return hit;
  for (const decode of decoders) text = stripBom(decode(text, file) ?? text);
  const y = parseFresh(text, file);
  const keep = text === raw && !raw.includes('!vault') && !file.startsWith('<');
  if (keep) {
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(file, { text: raw, doc: y.doc as Document.Parsed, lc: y.lc });
  }
  return y;
}

function parseFresh(text: string, file: string): YamlDoc {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', prettyErrors: false, customTags, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const errors: TsplayError[] = [];
  for (const d of list) {
    for (const err of d.errors) {
      const pos = lc.linePos(err.pos[0]);
      const tagged = err.code === 'TAG_RESOLVE_FAILED' ? TAGGED_CODE.exec(err.message) : null;
      if (tagged) {
        const source = { file, line: pos.line, col: pos.col };
        errors.push(new TsplayError(tagged[1] as ErrorCode, firstLine(err.message.slice(tagged[0].length)), { source }));
        continue;
      }
      errors.push(
        new TsplayError('TSPLAY_YAML_SYNTAX', `YAML syntax error: ${firstLine(err.message)}`, {
          source: { file, line: pos.line, col: pos.col },
          excerpt: lineAt(text, pos.line),
        }),
      );
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new TsplayErrors(errors);
  const doc = (list[0] ?? new Document(null)) as Document.Parsed;
  const y: YamlDoc = { file, value: undefined, doc, lc };
  const keyProblem = collectionKey(doc);
  if (keyProblem) throw yamlError(y, keyProblem, 'a mapping key must be a string or a number, not a list or a mapping');
  try {
    y.value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    // the yaml library throws plain errors for unresolved aliases and bad `<<` merges
    throw yamlError(y, culpritOf(doc, e), firstLine((e as Error).message ?? String(e)));
  }
  return y;
}

function yamlError(y: YamlDoc, node: Node | undefined, message: string): TsplayError {
  const source = node ? posOfNode(y, node) : { file: y.file, line: 1, col: 1 };
  return new TsplayError('TSPLAY_YAML_SYNTAX', `YAML syntax error: ${message}`, { source });
}

/** PyYAML refuses unhashable keys ("found unhashable key"); the yaml library would stringify them. */
function collectionKey(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        found = pair.key;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The alias or merge key a toJS error is about, for its position. */
function culpritOf(doc: Document.Parsed, e: unknown): Node | undefined {
  const alias = /alias.*: (\S+)$/i.exec(String((e as Error)?.message ?? ''))?.[1];
  let found: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      if (alias !== undefined && node.source === alias) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_, pair) {
      if (alias === undefined && isScalar(pair.key) && pair.key.source === '<<') {
        found = pair.key;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

export async function readYamlFile(file: string): Promise<YamlDoc> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return parseYaml(text, file);
}

/** The YAML node at a path (keys and indexes), or undefined. */
export function nodeAt(y: YamlDoc, path: YamlPath): Node | undefined {
  if (path.length === 0) return (y.doc.contents ?? undefined) as Node | undefined;
  const n = y.doc.getIn(path as (string | number)[], true);
  return isNode(n) ? n : undefined;
}

/** Position of the key of a mapping entry at `path` (the last element is the key). */
export function keyPosition(y: YamlDoc, path: YamlPath): SourcePos {
  const parent = nodeAt(y, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent && isMap(parent)) {
    for (const item of parent.items) {
      if (isPair(item) && isScalar(item.key) && item.key.value === key) return posOfNode(y, item.key as ParsedNode);
    }
  }
  return positionAt(y, path);
}

/** Position of the value at `path`, falling back to the nearest ancestor. */
export function positionAt(y: YamlDoc, path: YamlPath): SourcePos {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(y, path.slice(0, n));
    if (node && node.range) return posOfNode(y, node as ParsedNode);
  }
  return { file: y.file, line: 1, col: 1 };
}

export function posOfNode(y: YamlDoc, node: ParsedNode | Node): SourcePos {
  const offset = node.range?.[0] ?? 0;
  const p = y.lc.linePos(offset);
  return { file: y.file, line: p.line, col: p.col };
}

/** A vars file (group_vars, vars_files, defaults/main.yml): a mapping or empty. */
export async function readVarsFile(file: string): Promise<VarsMap> {
  const y = await readYamlFile(file);
  if (y.value === null || y.value === undefined) return {};
  if (typeof y.value !== 'object' || Array.isArray(y.value)) {
    throw new TsplayError('TSPLAY_SCHEMA', `a vars file must hold a mapping of variable names to values, found ${Array.isArray(y.value) ? 'a list' : typeof y.value}`, {
      source: positionAt(y, []),
    });
  }
  return y.value as VarsMap;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function lineAt(text: string, line: number): string | undefined {
  return text.split('\n')[line - 1];
}
