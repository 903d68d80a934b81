/**
 * Runs the documented example module's own tests
 * (docs/examples/custom-module/test). The module imports 'tsplay', which
 * resolves through package.json `exports` to the built dist/: without a build
 * they are skipped, and say so.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'vitest';

const built = existsSync(resolve(import.meta.dirname, '../../../dist/engine/index.js'));
if (built) await import('../../../docs/examples/custom-module/test/env_file.test.js');
else it.skip('example module tests need `npm run build` (the module imports tsplay from dist/)', () => undefined);
