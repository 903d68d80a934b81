import type { AnyModule } from '../../engine/module-api.js';
import { etcdMember } from './etcd-member.js';
import { patroniBootstrap } from './patroni-bootstrap.js';

/** etcd_member, patroni_bootstrap. */
export const haModules: AnyModule[] = [etcdMember, patroniBootstrap];
