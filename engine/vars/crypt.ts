/**
 * SHA-crypt ($5$ / $6$), as specified by Ulrich Drepper
 * (https://www.akkadia.org/drepper/SHA-crypt.txt) and implemented by glibc's
 * crypt(3): the hashes PostgreSQL's tooling, /etc/shadow and Ansible's
 * `password_hash('sha512')` produce.
 */
import { createHash, randomInt } from 'node:crypto';

const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

type Algo = 'sha256' | 'sha512';

const ORDER: Record<Algo, number[][]> = {
  sha512: [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
    [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
    [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
  ],
  sha256: [
    [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
    [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
  ],
};

function b64(w: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += B64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

/** `len` bytes made of `block` repeated. */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
  return out;
}

function digest(algo: Algo, ...parts: Buffer[]): Buffer {
  const h = createHash(algo);
  for (const p of parts) h.update(p);
  return h.digest();
}

function shaCryptDigest(algo: Algo, pw: Buffer, salt: Buffer, rounds: number): Buffer {
  const b = digest(algo, pw, salt, pw);
  const a = createHash(algo).update(pw).update(salt).update(repeatTo(b, pw.length));
  for (let n = pw.length; n > 0; n >>= 1) a.update(n & 1 ? b : pw);
  let c = a.digest();
  const dp = createHash(algo);
  for (let i = 0; i < pw.length; i++) dp.update(pw);
  const p = repeatTo(dp.digest(), pw.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);
  for (let i = 0; i < rounds; i++) {
    const h = createHash(algo);
    h.update(i & 1 ? p : c);
    if (i % 3) h.update(s);
    if (i % 7) h.update(p);
    h.update(i & 1 ? c : p);
    c = h.digest();
  }
  return c;
}

export interface ShaCryptOptions {
  algo?: Algo;
  /** at most 16 characters are used */
  salt?: string;
  /** default 5000 (then not written in the hash) */
  rounds?: number;
}

export function randomSalt(len = 16): string {
  let s = '';
  for (let i = 0; i < len; i++) s += B64[randomInt(64)];
  return s;
}

export function shaCrypt(password: string, opts: ShaCryptOptions = {}): string {
  const algo = opts.algo ?? 'sha512';
  const salt = (opts.salt ?? randomSalt()).slice(0, 16);
  const custom = opts.rounds !== undefined;
  const rounds = Math.min(999_999_999, Math.max(1000, opts.rounds ?? 5000));
  const c = shaCryptDigest(algo, Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), rounds);
  let out = '';
  for (const [i, j, k] of ORDER[algo]) out += b64((c[i]! << 16) | (c[j]! << 8) | c[k]!, 4);
  out += algo === 'sha512' ? b64(c[63]!, 2) : b64((c[31]! << 8) | c[30]!, 3);
  const id = algo === 'sha512' ? '6' : '5';
  return `$${id}$${custom ? `rounds=${rounds}$` : ''}${salt}$${out}`;
}
