/**
 * Build step (`npm run build`): writes the built-in modules' argument
 * validators as ajv standalone code (see prebuilt-validators.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { listModules } from '../../modules/registry.js';
import { moduleSchema } from './module-args.js';
import { AJV_OPTIONS, schemaKey, VALIDATORS_DIR } from './prebuilt-validators.js';

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, optimize: false } });
rmSync(VALIDATORS_DIR, { recursive: true, force: true });
mkdirSync(VALIDATORS_DIR, { recursive: true });
let written = 0;
for (const mod of listModules()) {
  const schema = moduleSchema(mod);
  const file = join(VALIDATORS_DIR, `${schemaKey(schema)}.cjs`);
  writeFileSync(file, standaloneCode.default(ajv, ajv.compile(schema)));
  written++;
}
process.stdout.write(`module validators: ${written} written to ${VALIDATORS_DIR}\n`);
