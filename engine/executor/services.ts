/**
 * The real collaborators (inventory, vars, playbook loader, connections,
 * modules), loaded on first use so the executor's unit tests run with fakes.
 */
import type { ConnectionConfig } from '../connection/index.js';
import type { ExecutorServices, TemplarLike } from './types.js';

const DEFAULT_CONNECTION: ConnectionConfig = { hostKeyChecking: true, connectTimeoutMs: 10_000 };

export async function loadDefaultServices(templar?: TemplarLike): Promise<ExecutorServices> {
  const [inventory, vars, playbook, connection, registry, yaml] = await Promise.all([
    import('../inventory/index.js'),
    import('../vars/index.js'),
    import('../playbook/index.js'),
    import('../connection/index.js'),
    import('../../modules/registry.js'),
    import('../yaml.js'),
  ]);
  return {
    templar: templar ?? new vars.Templar(),
    inventory,
    buildTaskVars: vars.buildTaskVars,
    becomeFromVars: connection.becomeFromVars,
    getModule: registry.getModule,
    coerceModuleArgs: playbook.coerceModuleArgs,
    validateModuleArgs: playbook.validateModuleArgs,
    loadTaskFile: (file, parent) => playbook.loadTaskFile(file, parent),
    includeRole: (req) => playbook.loadRole(req.name, req),
    readVarsFile: yaml.readVarsFile,
    createPool: (config) => new connection.ConnectionPool({ ...DEFAULT_CONNECTION, ...(config as Partial<ConnectionConfig> | undefined) }),
  };
}
