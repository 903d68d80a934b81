/** The connection handed to controllerOnly modules: it is never opened. */
import type { Connection } from '../connection/types.js';
import { TsplayError } from '../errors.js';

export function controllerOnlyConnection(host: string): Connection {
  const refuse = (): never => {
    throw new TsplayError('TSPLAY_INTERNAL', 'a controller-only module tried to use the host connection', { host });
  };
  return {
    host,
    connect: async () => refuse(),
    run: async () => refuse(),
    put: async () => refuse(),
    get: async () => refuse(),
    close: async () => undefined,
    stats: () => ({ connections: 0, channels: 0, commands: 0, bytesSent: 0 }),
  };
}
