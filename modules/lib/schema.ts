/** JSON Schema pieces shared by the file modules, and alias resolution. */
import type { SchemaObject } from 'ajv';
import { ModuleFailure } from '../../engine/module-api.js';

export const modeProp: SchemaObject = {
  description: "Permissions: octal string '0644', a number (YAML 1.1 reads unquoted 0644 as 420, taken as 0644), symbolic 'u=rw,g=r,o=r', or 'preserve' (copy/template).",
  type: ['string', 'integer'],
};
export const ownerProp: SchemaObject = { description: 'Name (or uid) of the user that should own the file.', type: ['string', 'integer'] };
export const groupProp: SchemaObject = { description: 'Name (or gid) of the group that should own the file.', type: ['string', 'integer'] };
export const backupProp: SchemaObject = {
  description: 'Keep a copy of the previous file as PATH.PID.YYYY-MM-DD@HH:MM:SS~ before changing it; returned as backup_file.',
  type: 'boolean',
  default: false,
};
export const validateProp: SchemaObject = {
  description: "Command run on the new temporary file before it replaces the destination; %s is the file's path (e.g. 'visudo -cf %s').",
  type: 'string',
};

export const attrProps: Record<string, SchemaObject> = { mode: modeProp, owner: ownerProp, group: groupProp };

/** Properties for a path parameter and its aliases. */
export function pathProps(main: string, aliases: string[], description: string): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = { [main]: { description, type: 'string' } };
  for (const a of aliases) out[a] = { description: `Alias of ${main}.`, type: 'string' };
  return out;
}

/** anyOf clause requiring the parameter under one of its names. */
export function requireOneOf(names: string[]): SchemaObject {
  return { anyOf: names.map((n) => ({ required: [n] })) };
}

/** The value of a parameter given under its name or one of its aliases. */
export function aliased(p: object, names: string[]): string {
  for (const n of names) {
    const v = (p as Record<string, unknown>)[n];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  throw new ModuleFailure(`missing required argument: ${names[0]}`);
}

/** Ansible booleans given as strings ('yes', 'no') are accepted by schemas as booleans only; this tolerates both. */
export function bool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  return ['yes', 'true', 'on', '1'].includes(String(v).toLowerCase());
}
