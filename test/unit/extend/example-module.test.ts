/**
 * Runs the documented example module's own tests
 * (docs/examples/custom-module/test). The module imports 'tsplay'; here that
 * name is the engine's source (a user's project resolves it to the installed
 * package), so the tests do not depend on a build.
 */
import { vi } from 'vitest';

vi.mock('tsplay', async () => await import('../../../engine/index.js'));

await import('../../../docs/examples/custom-module/test/env_file.test.js');
