import type { AnyModule } from '../../engine/module-api.js';

/** Packages, services, firewalls, SELinux, kernel. */
export const systemModules: AnyModule[] = [];
