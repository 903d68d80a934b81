/**
 * A module's documentation as data, built from its `doc` and its `params`
 * JSON Schema: what `tsplay doc` prints (text or --json). Argument aliases are
 * recognised in both forms modules use: a property `aliases: [...]`, or a
 * separate property described as "Alias of NAME.".
 */
import type { AnyModule } from '../module-api.js';

export interface ArgumentDoc {
  name: string;
  /** "string", "integer | string", "list of string", "object" */
  type: string;
  /** true, or the names of which one is required ("one of") */
  required: boolean | string[];
  default?: unknown;
  choices?: unknown[];
  aliases: string[];
  description: string;
}

export interface ModuleDocData {
  name: string;
  aliases: string[];
  short: string;
  description?: string;
  /** custom modules: the file it was loaded from */
  file?: string;
  arguments: ArgumentDoc[];
  examples?: string;
  returns: Record<string, string>;
  /** how it behaves with --check */
  checkMode: string;
  /** runs on the controller only (no connection) */
  controllerOnly: boolean;
}

interface PropSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  items?: PropSchema;
  oneOf?: PropSchema[];
  anyOf?: PropSchema[];
  aliases?: unknown;
}

export function typeOf(p: PropSchema): string {
  const alts = p.oneOf ?? p.anyOf;
  if (alts && !p.type) return [...new Set(alts.map(typeOf))].join(' | ');
  if (p.enum && !p.type) return [...new Set(p.enum.map((v) => (v === null ? 'null' : typeof v)))].join(' | ');
  if (p.const !== undefined) return JSON.stringify(p.const);
  const t = Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any');
  return t === 'array' && p.items ? `list of ${typeOf(p.items)}` : t;
}

const ALIAS_OF = /^alias (?:of|for) ['`"]?([A-Za-z0-9_]+)['`"]?\.?$/i;

/** "Alias of dest." properties folded into their main argument. */
function aliasTable(props: Record<string, PropSchema>): Map<string, string> {
  const aliasToMain = new Map<string, string>();
  for (const [k, p] of Object.entries(props)) {
    const m = ALIAS_OF.exec((p?.description ?? '').trim());
    if (m && m[1] !== k && m[1]! in props) aliasToMain.set(k, m[1]!);
  }
  return aliasToMain;
}

/** Names that `anyOf: [{required: [a]}, {required: [b]}]` requires one of. */
function requiredGroups(schema: Record<string, unknown>): string[][] {
  const groups: string[][] = [];
  const unions = [schema.anyOf, schema.oneOf, ...((schema.allOf as Record<string, unknown>[] | undefined) ?? []).flatMap((s) => [s.anyOf, s.oneOf])];
  for (const u of unions) {
    if (!Array.isArray(u)) continue;
    const names = u.flatMap((b: { required?: string[] }) => (b && Array.isArray(b.required) && Object.keys(b).length === 1 ? b.required : []));
    if (names.length && names.length >= u.length) groups.push(names);
  }
  return groups;
}

export function argumentDocs(mod: AnyModule): ArgumentDoc[] {
  const schema = mod.params as Record<string, unknown>;
  const props = (schema.properties ?? {}) as Record<string, PropSchema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  const aliasToMain = aliasTable(props);
  const groups = requiredGroups(schema);
  const out: ArgumentDoc[] = [];
  for (const [name, p] of Object.entries(props)) {
    if (aliasToMain.has(name)) continue;
    const declared = Array.isArray(p.aliases) ? p.aliases.filter((a): a is string => typeof a === 'string') : [];
    const aliases = [...declared, ...[...aliasToMain].filter(([, main]) => main === name).map(([a]) => a)];
    const names = [name, ...aliases];
    const group = groups.find((g) => names.some((n) => g.includes(n)));
    const oneOf = group ? [...new Set(group.map((n) => aliasToMain.get(n) ?? n))] : undefined;
    const arg: ArgumentDoc = {
      name,
      type: typeOf(p),
      required: required.has(name) ? true : oneOf && oneOf.length > 1 ? oneOf : !!oneOf,
      aliases,
      description: (p.description ?? '').trim(),
    };
    if (p.default !== undefined) arg.default = p.default;
    const choices = p.enum ?? p.items?.enum;
    if (choices) arg.choices = choices;
    out.push(arg);
  }
  return out;
}

export function moduleDocData(mod: AnyModule, file?: string): ModuleDocData {
  const data: ModuleDocData = {
    name: mod.name,
    aliases: mod.aliases ?? [],
    short: mod.doc.short,
    arguments: argumentDocs(mod),
    returns: mod.doc.returns ?? {},
    checkMode: mod.apply ? 'supported: probe and plan run, apply does not' : 'supported: the module changes nothing',
    controllerOnly: !!mod.controllerOnly,
  };
  if (mod.doc.description) data.description = mod.doc.description.trim();
  if (mod.doc.examples) data.examples = mod.doc.examples.trimEnd();
  if (file) data.file = file;
  return data;
}
