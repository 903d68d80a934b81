/**
 * Validators of the built-in modules' argument schemas, generated at build
 * time as ajv standalone code (dist/engine/playbook/validators/KEY.cjs, see
 * build-validators.ts): loading one is far cheaper than ajv compiling the
 * schema at every start of `tsplay check` / `tsplay run`. KEY is a digest of
 * the schema, so an out-of-date file is never used for a changed schema;
 * custom modules, and a build without the files, compile at run time.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

export const VALIDATORS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'validators');

/** The options every module validator is built with, at build time and at run time alike. */
export const AJV_OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false } as const;

const require = createRequire(import.meta.url);

export function schemaKey(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

export function prebuiltValidator(schema: unknown): ValidateFunction | undefined {
  const file = join(VALIDATORS_DIR, `${schemaKey(schema)}.cjs`);
  if (!existsSync(file)) return undefined;
  try {
    return require(file) as ValidateFunction;
  } catch {
    return undefined; // a damaged file: compile instead
  }
}
