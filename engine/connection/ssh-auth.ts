/**
 * Authentication methods for one SSH connection: private key (configured, or
 * OpenSSH's default identities), ssh-agent, password, in that order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { TsplayError } from '../errors.js';

export interface AuthInput {
  host: string;
  username: string;
  privateKeyFile?: string;
  password?: string;
  /** SSH_AUTH_SOCK by default */
  agentSocket?: string;
}

export type AuthStep =
  | { type: 'publickey'; username: string; key: Buffer }
  | { type: 'agent'; username: string; agent: string }
  | { type: 'password'; username: string; password: string };

export interface AuthPlan {
  steps: AuthStep[];
  /** for error messages: "publickey (/root/.ssh/id), agent" */
  described: string[];
}

function encryptedKeyError(host: string, file: string): TsplayError {
  return new TsplayError('TSPLAY_AUTH', `private key ${file} for ${host} is protected by a passphrase`, {
    host,
    hint: 'load it into ssh-agent (ssh-add) and set SSH_AUTH_SOCK, or use a key without a passphrase',
  });
}

/** Reads and checks a key; returns undefined for an encrypted default identity (skipped, like ssh does with BatchMode). */
function readKey(host: string, file: string, explicit: boolean): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    if (!explicit) return undefined;
    throw new TsplayError('TSPLAY_AUTH', `private key file ${file} for ${host} cannot be read: ${(e as Error).message}`, { host });
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    if (/passphrase|encrypted/i.test(parsed.message)) {
      if (explicit) throw encryptedKeyError(host, file);
      return undefined;
    }
    if (!explicit) return undefined;
    throw new TsplayError('TSPLAY_AUTH', `private key file ${file} for ${host} is not a usable key: ${parsed.message}`, { host });
  }
  return data;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function planAuth(input: AuthInput): AuthPlan {
  const steps: AuthStep[] = [];
  const described: string[] = [];
  const { host, username } = input;
  const keyFiles = input.privateKeyFile
    ? [input.privateKeyFile]
    : DEFAULT_IDENTITIES.map((n) => join(homedir(), '.ssh', n)).filter((f) => existsSync(f));
  for (const file of keyFiles) {
    const key = readKey(host, file, Boolean(input.privateKeyFile));
    if (!key) continue;
    steps.push({ type: 'publickey', username, key });
    described.push(`publickey (${file})`);
  }
  const agent = input.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (agent) {
    steps.push({ type: 'agent', username, agent });
    described.push('agent');
  }
  if (input.password !== undefined) {
    steps.push({ type: 'password', username, password: input.password });
    described.push('password');
  }
  if (steps.length === 0) {
    throw new TsplayError('TSPLAY_AUTH', `no way to authenticate to ${host} as ${username}`, {
      host,
      hint: 'set ansible_ssh_private_key_file (or --private-key), ansible_password, or run an ssh-agent (SSH_AUTH_SOCK)',
    });
  }
  return { steps, described };
}
