import type { AnyModule } from '../engine/module-api.js';
import { commandModules } from './commands/index.js';
import { fileModules } from './files/index.js';
import { utilityModules } from './utility/index.js';

/** Everyday modules: files, commands, utilities. */
export const coreModules: AnyModule[] = [...fileModules, ...commandModules, ...utilityModules];
