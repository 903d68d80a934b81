export { SshConnection, type SshConnectionOptions } from './ssh.js';
export { LocalConnection } from './local.js';
export { ConnectionPool, createConnection, becomeFromVars, connectionNotes, IGNORED_CONNECTION_VARS, type ConnectionConfig } from './pool.js';
export * from './types.js';
