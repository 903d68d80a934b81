import type { AnyModule } from '../engine/module-api.js';

/** Everyday modules: files, commands, utilities. */
export const coreModules: AnyModule[] = [];
