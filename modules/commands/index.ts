import type { AnyModule } from '../../engine/module-api.js';
import { command } from './command.js';
import { shell } from './shell.js';
import { raw } from './raw.js';
import { script } from './script.js';

/** Modules that run commands on the host. */
export const commandModules: AnyModule[] = [command, shell, raw, script];
