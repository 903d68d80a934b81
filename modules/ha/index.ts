import type { AnyModule } from '../../engine/module-api.js';

/** etcd_member, patroni_bootstrap. */
export const haModules: AnyModule[] = [];
