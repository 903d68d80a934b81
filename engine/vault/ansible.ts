/**
 * Read support for Ansible's own vault: `$ANSIBLE_VAULT;1.1;AES256` (and 1.2
 * with a vault-id label). Body: hex of `hex(salt) \n hex(hmac) \n hex(ciphertext)`;
 * PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes) gives the
 * AES-256-CTR key, the HMAC-SHA256 key and the counter; the plaintext is
 * PKCS#7 padded.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { formatError, WrongPassword, type DecryptOptions } from './format.js';

export function isAnsibleVault(text: string): boolean {
  return text.trimStart().startsWith('$ANSIBLE_VAULT;');
}

interface AnsibleParts {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

function parseAnsible(text: string, where: string): AnsibleParts {
  const [header, ...rest] = text.trim().split(/\r?\n/);
  const fields = (header ?? '').trim().split(';');
  if (fields[1] !== '1.1' && fields[1] !== '1.2') throw formatError(where, `unsupported Ansible vault version '${fields[1] ?? ''}'`);
  if (fields[2] !== 'AES256') throw formatError(where, `unsupported Ansible vault cipher '${fields[2] ?? ''}'`);
  const outerHex = rest.map((l) => l.trim()).join('');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(outerHex)) throw formatError(where, 'the vault body is not hexadecimal');
  const inner = Buffer.from(outerHex, 'hex').toString('latin1').split('\n');
  if (inner.length !== 3 || !inner.every((p) => /^(?:[0-9a-fA-F]{2})+$/.test(p))) throw formatError(where, 'the vault body is malformed');
  const [salt, hmac, ciphertext] = inner.map((p) => Buffer.from(p, 'hex')) as [Buffer, Buffer, Buffer];
  return { salt, hmac, ciphertext };
}

export function decryptAnsible(text: string, password: string, opts: DecryptOptions): string {
  const { salt, hmac, ciphertext } = parseAnsible(text, opts.where);
  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10000, 80, 'sha256');
  const cipherKey = derived.subarray(0, 32);
  const hmacKey = derived.subarray(32, 64);
  const counter = derived.subarray(64, 80);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (expected.length !== hmac.length || !timingSafeEqual(expected, hmac)) throw new WrongPassword();
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, counter);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length) throw formatError(opts.where, 'bad padding in the decrypted vault');
  return padded.subarray(0, padded.length - pad).toString('utf8');
}
