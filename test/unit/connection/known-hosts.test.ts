import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  blobKeyType, fingerprint, knownHostsName, parseKnownHosts, patternsMatch, preferredHostKeyAlgorithms, verifyHostKey,
} from '../../../engine/connection/known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}
const ed = blob('ssh-ed25519', 'key-one');
const ed2 = blob('ssh-ed25519', 'key-two');
const rsa = blob('ssh-rsa', 'rsa-key');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdef0123');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-22 ports as [host]:port', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, wildcard, negated and hashed patterns', () => {
    expect(patternsMatch('db1,10.0.0.1', '10.0.0.1')).toBe(true);
    expect(patternsMatch('10.0.0.*', '10.0.0.9')).toBe(true);
    expect(patternsMatch('10.0.0.*,!10.0.0.9', '10.0.0.9')).toBe(false);
    expect(patternsMatch(hashed('[127.0.0.1]:2200'), '[127.0.0.1]:2200')).toBe(true);
    expect(patternsMatch(hashed('[127.0.0.1]:2200'), '[127.0.0.1]:2201')).toBe(false);
  });

  it('parses lines for the host only, skipping comments and @cert-authority', () => {
    const text = [
      '# comment',
      `[127.0.0.1]:2200 ssh-ed25519 ${ed.toString('base64')} me@there`,
      `127.0.0.1 ssh-ed25519 ${ed2.toString('base64')}`,
      `@cert-authority * ssh-ed25519 ${ed2.toString('base64')}`,
      `@revoked [127.0.0.1]:2200 ssh-rsa ${rsa.toString('base64')}`,
    ].join('\n');
    const keys = parseKnownHosts(text, 'kh', ['[127.0.0.1]:2200']);
    expect(keys.map((k) => [k.keyType, k.revoked, k.line])).toEqual([['ssh-ed25519', false, 2], ['ssh-rsa', true, 5]]);
  });

  it('gives match, unknown, mismatch (with both fingerprints) and revoked', () => {
    const known = parseKnownHosts(`h ssh-ed25519 ${ed.toString('base64')}\n@revoked h ssh-rsa ${rsa.toString('base64')}`, 'kh', ['h']);
    expect(verifyHostKey(known, ed)).toEqual({ kind: 'match' });
    expect(verifyHostKey([], ed)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(known, ed2)).toEqual({ kind: 'mismatch', presented: fingerprint(ed2), expected: fingerprint(ed), file: 'kh', line: 1 });
    expect(verifyHostKey(known, rsa).kind).toBe('revoked');
  });

  it('fingerprints like ssh-keygen -l (SHA256, unpadded base64) and reads blob types', () => {
    expect(fingerprint(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(blobKeyType(rsa)).toBe('ssh-rsa');
  });

  it('prefers host key algorithms already known for the host', () => {
    const known = parseKnownHosts(`h ssh-rsa ${rsa.toString('base64')}`, 'kh', ['h']);
    expect(preferredHostKeyAlgorithms(known).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});
