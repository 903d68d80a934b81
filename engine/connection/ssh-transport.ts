/**
 * Opens one authenticated SSH transport: TCP socket with TCP_NODELAY (about
 * half the latency of a default socket), host key verification against
 * known_hosts, retries on transient network failures only.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NodeSSH, type Config } from 'node-ssh';
import type { AuthMethod, ServerHostKeyAlgorithm } from 'ssh2';
import { TsplayError } from '../errors.js';
import { planAuth, type AuthPlan } from './ssh-auth.js';
import { loadKnownKeys, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

export interface TransportTarget {
  /** inventory name, used in messages */
  host: string;
  address: string;
  port: number;
  username: string;
  /** ansible_ssh_private_key_file / --private-key */
  privateKeyFile?: string;
  /** ansible_password / --ask-pass; never logged */
  password?: string;
  /** false: accept any host key (host_key_checking = false) */
  hostKeyChecking: boolean;
  /** default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts */
  knownHostsFiles?: string[];
  /** TCP connect + SSH handshake + authentication, per attempt */
  connectTimeoutMs: number;
  /** default 2 */
  retries?: number;
  /** default [500, 1000] */
  backoffMs?: number[];
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** transient failures worth another attempt (kept out of the error's public shape) */
const retryableErrors = new WeakSet<TsplayError>();

function unreachable(t: TransportTarget, reason: string, code?: string): TsplayError {
  const err = new TsplayError('TSPLAY_CONNECTION', `cannot reach ${t.host} at ${t.address}:${t.port}: ${reason}`, {
    host: t.host,
  });
  if (code && RETRYABLE.has(code)) retryableErrors.add(err);
  return err;
}

function describeNetError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'EHOSTUNREACH': return 'no route to host';
    case 'ENETUNREACH': return 'network unreachable';
    case 'ECONNRESET': return 'connection reset';
    case 'ENOTFOUND': return 'name not found';
    default: return e.message;
  }
}

function openSocket(t: TransportTarget, deadline: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host: t.address, port: t.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(unreachable(t, `timed out after ${t.connectTimeoutMs} ms`, 'ETIMEDOUT'));
    }, Math.max(1, deadline - Date.now()));
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(unreachable(t, describeNetError(e), e.code));
    });
  });
}

function hostKeyError(t: TransportTarget, v: HostKeyVerdict): TsplayError {
  const name = t.port === 22 ? t.address : `[${t.address}]:${t.port}`;
  if (v.kind === 'unknown') {
    return new TsplayError(
      'TSPLAY_HOST_KEY',
      `host key for ${t.host} is not known; add it with: ssh-keyscan -p ${t.port} ${t.address} >> ~/.ssh/known_hosts, or set host_key_checking = false`,
      { host: t.host },
    );
  }
  if (v.kind === 'revoked') {
    return new TsplayError('TSPLAY_HOST_KEY', `host key ${v.fingerprint} of ${t.host} is marked @revoked in ${v.file}:${v.line}`, { host: t.host });
  }
  if (v.kind === 'mismatch') {
    return new TsplayError(
      'TSPLAY_HOST_KEY',
      `host key for ${t.host} (${name}) has changed: it presented ${v.presented} but ${v.file}:${v.line} expects ${v.expected}; ` +
        `if the change is expected, remove the old key with ssh-keygen -R '${name}' -f ${v.file} and connect again`,
      { host: t.host, hint: 'a changed host key can also mean someone is intercepting the connection' },
    );
  }
  return new TsplayError('TSPLAY_INTERNAL', 'host key verdict was a match', { host: t.host });
}

interface AttemptState {
  verdict?: HostKeyVerdict;
}

function sshOptions(t: TransportTarget, sock: Socket, auth: AuthPlan, state: AttemptState, deadline: number): Config {
  const files = t.knownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
  const known = t.hostKeyChecking ? loadKnownKeys(files, t.address, t.port) : [];
  return {
    sock,
    username: t.username,
    authHandler: auth.steps as AuthMethod[],
    readyTimeout: Math.max(1, deadline - Date.now()),
    keepaliveInterval: t.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: t.keepaliveCountMax ?? 3,
    algorithms: known.length ? { serverHostKey: preferredHostKeyAlgorithms(known) as ServerHostKeyAlgorithm[] } : undefined,
    hostVerifier: (key: Buffer): boolean => {
      if (!t.hostKeyChecking) return true;
      state.verdict = verifyHostKey(known, key);
      return state.verdict.kind === 'match';
    },
  };
}

function mapSshError(t: TransportTarget, e: unknown, state: AttemptState, auth: AuthPlan): TsplayError {
  if (state.verdict && state.verdict.kind !== 'match') return hostKeyError(t, state.verdict);
  const err = e as Error & { level?: string; code?: string };
  if (err.level === 'client-authentication') {
    return new TsplayError('TSPLAY_AUTH', `authentication failed for ${t.username}@${t.host} (${t.address}:${t.port}); tried: ${auth.described.join(', ')}`, {
      host: t.host,
      hint: 'check ansible_user, the private key (ansible_ssh_private_key_file / --private-key) or ansible_password',
    });
  }
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return unreachable(t, `SSH handshake timed out after ${t.connectTimeoutMs} ms`, 'ETIMEDOUT');
  }
  const code = err.code ?? (/ECONNRESET|reset/i.test(err.message) ? 'ECONNRESET' : undefined);
  return unreachable(t, `SSH handshake failed: ${err.message}`, code);
}

async function attempt(t: TransportTarget, auth: AuthPlan): Promise<NodeSSH> {
  const deadline = Date.now() + t.connectTimeoutMs;
  const sock = await openSocket(t, deadline);
  const state: AttemptState = {};
  const ssh = new NodeSSH();
  try {
    await ssh.connect(sshOptions(t, sock, auth, state, deadline));
    return ssh;
  } catch (e) {
    sock.destroy();
    ssh.dispose();
    throw mapSshError(t, e, state, auth);
  }
}

export function isRetryable(e: unknown): boolean {
  return e instanceof TsplayError && retryableErrors.has(e);
}

/** Connects, retrying only refused / timed out / reset (never auth or host key failures). */
export async function openTransport(t: TransportTarget): Promise<NodeSSH> {
  const auth = planAuth({ host: t.host, username: t.username, privateKeyFile: t.privateKeyFile, password: t.password });
  const backoff = t.backoffMs ?? [500, 1000];
  const retries = t.retries ?? 2;
  for (let i = 0; ; i++) {
    try {
      return await attempt(t, auth);
    } catch (e) {
      if (!isRetryable(e) || i >= retries) throw e;
      await new Promise((r) => setTimeout(r, backoff[Math.min(i, backoff.length - 1)] ?? 1000));
    }
  }
}
