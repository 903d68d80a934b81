/** `tsplay doc MODULE` and `tsplay doc --list`: generated from each module's schema and doc. */
import { stringify } from 'yaml';
import { getModule, listModules } from '../../modules/registry.js';
import type { AnyModule } from '../module-api.js';

interface PropSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: PropSchema;
  oneOf?: PropSchema[];
  anyOf?: PropSchema[];
}

export async function docCommand(argv: string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  if (argv.includes('--list') || argv.includes('-l') || !name) {
    const mods = listModules();
    const width = Math.max(...mods.map((m) => m.name.length));
    for (const m of mods) process.stdout.write(`${m.name.padEnd(width)}  ${m.doc.short}\n`);
    return name || argv.length ? 0 : 0;
  }
  const mod = getModule(name);
  if (!mod) {
    process.stderr.write(`unknown module '${name}' (tsplay doc --list shows them all)\n`);
    return 1;
  }
  process.stdout.write(formatModuleDoc(mod));
  return 0;
}

function typeOf(p: PropSchema): string {
  const alts = p.oneOf ?? p.anyOf;
  if (alts) return alts.map(typeOf).join(' | ');
  if (p.enum) return p.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any');
  return t === 'array' && p.items ? `list of ${typeOf(p.items)}` : t;
}

export function formatModuleDoc(mod: AnyModule): string {
  const lines = [`${mod.name}: ${mod.doc.short}`];
  if (mod.aliases?.length) lines.push(`  also: ${mod.aliases.join(', ')}`);
  if (mod.doc.description) lines.push('', mod.doc.description.trim());
  const props = (mod.params.properties ?? {}) as Record<string, PropSchema>;
  const required = new Set<string>((mod.params.required as string[] | undefined) ?? []);
  lines.push('', 'PARAMETERS');
  for (const [key, p] of Object.entries(props)) {
    const flags = [required.has(key) ? 'required' : undefined, p.default !== undefined ? `default ${JSON.stringify(p.default)}` : undefined]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${key} (${typeOf(p)})${flags ? ` [${flags}]` : ''}`);
    if (p.description) lines.push(`      ${p.description}`);
  }
  if (mod.doc.returns) {
    lines.push('', 'RETURNS');
    for (const [k, v] of Object.entries(mod.doc.returns)) lines.push(`  ${k}: ${v}`);
  }
  if (mod.doc.examples) lines.push('', 'EXAMPLES', mod.doc.examples.trimEnd());
  lines.push('', `check mode: ${mod.apply ? 'yes (probe and plan, no apply)' : 'yes (no changes made)'}`);
  return `${lines.join('\n')}\n`;
}

export { stringify as toYaml };
