/**
 * OpenSSH known_hosts lookup: plain and hashed (`|1|salt|hash`) host
 * patterns, `[host]:port` for ports other than 22, wildcards and negation,
 * `@revoked` lines. `@cert-authority` lines are ignored (no certificates).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownKey {
  keyType: string;
  /** the raw public key blob */
  blob: Buffer;
  revoked: boolean;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'unknown' }
  | { kind: 'revoked'; fingerprint: string; file: string; line: number }
  | { kind: 'mismatch'; presented: string; expected: string; file: string; line: number };

/** `host` for port 22, `[host]:port` otherwise: the name known_hosts stores */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (string at offset 0). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const parts = pattern.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = parts[3] ?? '';
  return createHmac('sha1', salt).update(name).digest('base64') === want;
}

/** Does a host pattern list (comma separated) match name? Negation wins. */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pat = negated ? raw.slice(1) : raw;
    if (globToRegExp(pat).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function parseKnownHosts(text: string, file: string, names: readonly string[]): KnownKey[] {
  const keys: KnownKey[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker = '';
    if (fields[0]?.startsWith('@')) marker = fields.shift() ?? '';
    if (marker === '@cert-authority' || fields.length < 3) return;
    const [patterns, keyType, b64] = fields as [string, string, string];
    if (!names.some((n) => patternsMatch(patterns, n))) return;
    keys.push({ keyType, blob: Buffer.from(b64, 'base64'), revoked: marker === '@revoked', file, line: i + 1 });
  });
  return keys;
}

/** All entries for this host (by `[host]:port` name, and plain host on port 22) in the given files. */
export function loadKnownKeys(files: readonly string[], host: string, port: number): KnownKey[] {
  const names = [knownHostsName(host, port)];
  const keys: KnownKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // a missing known_hosts file is simply empty
    }
    keys.push(...parseKnownHosts(text, file, names));
  }
  return keys;
}

/** Compare the key a server presented with what known_hosts says. */
export function verifyHostKey(known: readonly KnownKey[], presented: Buffer): HostKeyVerdict {
  const revoked = known.find((k) => k.revoked && k.blob.equals(presented));
  if (revoked) return { kind: 'revoked', fingerprint: fingerprint(presented), file: revoked.file, line: revoked.line };
  const live = known.filter((k) => !k.revoked);
  if (live.some((k) => k.blob.equals(presented))) return { kind: 'match' };
  const type = blobKeyType(presented);
  const sameType = live.find((k) => k.keyType === type) ?? live[0];
  if (!sameType) return { kind: 'unknown' };
  return {
    kind: 'mismatch',
    presented: fingerprint(presented),
    expected: fingerprint(sameType.blob),
    file: sameType.file,
    line: sameType.line,
  };
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms with the types already known for this host first, so a
 * host known by its RSA key is not reported as changed when it also offers
 * ed25519 (what OpenSSH does too).
 */
export function preferredHostKeyAlgorithms(known: readonly KnownKey[]): string[] {
  const first: string[] = [];
  for (const k of known) {
    const algos = k.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k.keyType];
    for (const a of algos) if (DEFAULT_HOST_KEY_ALGOS.includes(a) && !first.includes(a)) first.push(a);
  }
  return [...first, ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !first.includes(a))];
}
