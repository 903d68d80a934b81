/**
 * The tsplay vault format, version 1.0 (documented in docs/security.md):
 *
 *   $TSPLAY_VAULT;1.0;AES256-GCM;scrypt
 *   <base64 of salt(16) | nonce(12) | tag(16) | ciphertext>, wrapped at 80
 *
 * The key is scrypt(password, salt, N=2^15, r=8, p=1, 32 bytes); salt and
 * nonce are random per encryption. The header line is the GCM additional
 * data, so a changed header fails authentication like a changed payload.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { TsplayError } from '../errors.js';

export const VAULT_HEADER = '$TSPLAY_VAULT;1.0;AES256-GCM;scrypt';
const SALT_LEN = 16;
const NONCE_LEN = 12;
const TAG_LEN = 16;
const LINE_WIDTH = 80;
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** scrypt is deliberately slow (~0.2 s): the same password and salt derive once per process. */
const keyCache = new Map<string, Buffer>();

function deriveKey(password: string, salt: Buffer): Buffer {
  const id = `${salt.toString('hex')}:${password}`;
  let key = keyCache.get(id);
  if (!key) {
    key = scryptSync(password.normalize('NFC'), salt, 32, SCRYPT);
    keyCache.set(id, key);
  }
  return key;
}

export function isTsplayVault(text: string): boolean {
  return text.trimStart().startsWith('$TSPLAY_VAULT;');
}

export function encryptTsplay(plaintext: string, password: string): string {
  if (password.length === 0) throw new TsplayError('TSPLAY_VAULT', 'the vault password is empty');
  const salt = randomBytes(SALT_LEN);
  const nonce = randomBytes(NONCE_LEN);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(password, salt), nonce);
  cipher.setAAD(Buffer.from(VAULT_HEADER, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const payload = Buffer.concat([salt, nonce, cipher.getAuthTag(), body]).toString('base64');
  const lines = [VAULT_HEADER];
  for (let i = 0; i < payload.length; i += LINE_WIDTH) lines.push(payload.slice(i, i + LINE_WIDTH));
  return `${lines.join('\n')}\n`;
}

export interface DecryptOptions {
  /** where the vault text came from, for messages */
  where: string;
}

/** Thrown inside decryption when the password does not open the vault (other passwords may). */
export class WrongPassword extends Error {}

export function decryptTsplay(text: string, password: string, opts: DecryptOptions): string {
  const [header, ...rest] = text.trim().split(/\r?\n/);
  const fields = (header ?? '').trim().split(';');
  if (fields[0] !== '$TSPLAY_VAULT') throw formatError(opts.where, 'not a tsplay vault (no $TSPLAY_VAULT header)');
  if (fields[1] !== '1.0') throw formatError(opts.where, `unsupported tsplay vault version '${fields[1] ?? ''}' (this tsplay reads 1.0)`);
  if (fields[2] !== 'AES256-GCM' || fields[3] !== 'scrypt') throw formatError(opts.where, `unsupported cipher '${fields.slice(2).join(';')}'`);
  const b64 = rest.map((l) => l.trim()).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw formatError(opts.where, 'the vault body is not base64');
  const raw = Buffer.from(b64, 'base64');
  if (raw.length < SALT_LEN + NONCE_LEN + TAG_LEN) throw formatError(opts.where, 'the vault body is truncated');
  const salt = raw.subarray(0, SALT_LEN);
  const nonce = raw.subarray(SALT_LEN, SALT_LEN + NONCE_LEN);
  const tag = raw.subarray(SALT_LEN + NONCE_LEN, SALT_LEN + NONCE_LEN + TAG_LEN);
  const body = raw.subarray(SALT_LEN + NONCE_LEN + TAG_LEN);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(password, salt), nonce);
  decipher.setAAD(Buffer.from(VAULT_HEADER, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new WrongPassword();
  }
}

export function formatError(where: string, message: string): TsplayError {
  return new TsplayError('TSPLAY_VAULT', `${where}: ${message}`);
}
