/** authorized_key's pure half: key and option parsing, the merge, serialization, probe parsing, plan and idempotence. */
import { describe, expect, it } from 'vitest';
import { authorizedKey, authorizedKeyScript, parseAuthorizedKeyProbe, parsePathInfo, type AuthorizedKeyFacts } from '../../../../modules/system/authorized-key.js';
import { editKeys, parseKey, parseKeyFile, parseOptions, serializeKeys } from '../../../../modules/system/authorized-key-edit.js';

const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaa';
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABbbbb b@host';
const pc = { host: 'h', check: false, diff: true, noLog: false };
const b64 = (s: string) => Buffer.from(s).toString('base64');

function facts(content: string, extra: Partial<AuthorizedKeyFacts> = {}): AuthorizedKeyFacts {
  return { account: { uid: 0, gid: 0, home: '/root' }, keyfile: '/root/.ssh/authorized_keys', target: '/root/.ssh/authorized_keys', sshDir: '/root/.ssh', content, key: '', ...extra };
}

describe('authorized_key: parsing', () => {
  it('options: quoted commas stay, flags are null, repeated names kept in order', () => {
    expect(parseOptions('no-pty,from="10.0.0.1,10.0.0.2",permitopen="a:1",permitopen="b:2"')).toEqual([
      ['no-pty', null], ['from', '"10.0.0.1,10.0.0.2"'], ['permitopen', '"a:1"'], ['permitopen', '"b:2"'],
    ]);
    expect(parseOptions('')).toEqual([]);
  });

  it('key lines: options before the type, comment after the blob, # lines and non-keys', () => {
    expect(parseKey(`command="echo a b",no-pty ${B} more`, 3)).toEqual({
      blob: 'AAAAB3NzaC1yc2EAAAADAQABbbbb', type: 'ssh-rsa', options: [['command', '"echo a b"'], ['no-pty', null]], comment: 'b@host more', rank: 3,
    });
    expect(parseKey('# x', 0)?.type).toBe('skipped');
    expect(parseKey('hello world', 0)).toBeUndefined();
  });

  it('a file round-trips as Ansible writes it (no comment: a trailing space)', () => {
    const keys = parseKeyFile(`# hand\n${A}\n\n${B}\n`);
    expect(serializeKeys(keys)).toBe(`# hand\n${A} \n\n${B}\n`);
  });
});

describe('authorized_key: the merge', () => {
  it('adds at the end, leaves an equal key alone, replaces one with another comment at the end', () => {
    expect(editKeys('', { key: A })).toBe(`${A} \n`);
    expect(editKeys(`${A} \n`, { key: A })).toBeUndefined();
    expect(editKeys(`${A} old\n${B}\n`, { key: A, comment: 'new' })).toBe(`${B}\n${A} new\n`);
  });

  it('key_options replace the key\'s own; absent and exclusive', () => {
    expect(editKeys(`${B}\n`, { key: B, key_options: 'no-pty' })).toBe(`no-pty ${B}\n`);
    expect(editKeys(`no-pty ${B}\n`, { key: B, key_options: 'no-pty' })).toBeUndefined();
    expect(editKeys(`# c\n${A} \n${B}\n`, { key: A, state: 'absent' })).toBe(`# c\n${B}\n`);
    expect(editKeys(`${B}\n`, { key: A, state: 'absent' })).toBeUndefined();
    expect(editKeys(`# c\n${A} \n${B}\n`, { key: B, exclusive: true })).toBe(`${B}\n`);
  });

  it('an invalid key fails', () => {
    expect(() => editKeys('', { key: 'nope AAAA' })).toThrow('invalid key specified: nope AAAA');
  });
});

describe('authorized_key: probe and plan', () => {
  it('parses recorded probe output (default path from the passwd entry)', () => {
    const out = `U postgres:x:104:110:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\nP ${b64('/var/lib/postgresql/.ssh/authorized_keys')}\nR ${b64('/var/lib/postgresql/.ssh/authorized_keys')}\nB ${b64(`${A} \n`)}\n`;
    const f = parseAuthorizedKeyProbe(out, { user: 'postgres', key: A }, A);
    expect(f).toEqual({ account: { uid: 104, gid: 110, home: '/var/lib/postgresql' }, keyfile: '/var/lib/postgresql/.ssh/authorized_keys', target: '/var/lib/postgresql/.ssh/authorized_keys', sshDir: '/var/lib/postgresql/.ssh', content: `${A} \n`, key: A });
    expect(parsePathInfo('S 0|0|root|UNKNOWN|600|82|1\n')).toEqual({ uid: 0, gid: 0, owner: 'root', group: '0', mode: '0600', state: 'file', size: 82 });
    expect(parsePathInfo('S 0|0|root|root|777|3|1\nT link\n').state).toBe('link');
    expect(parsePathInfo('')).toEqual({ state: 'absent' });
  });

  it('the probe quotes user and path and reads the file once', () => {
    const s = authorizedKeyScript({ user: "u'$(id)", key: A, path: "/k'$(id)" });
    expect(s).toContain(`getent passwd -- 'u'\\''$(id)'`);
    expect(s).toContain(`p='/k'\\''$(id)'`);
    expect(s.match(/base64 -w0 < "\$p"/g)?.length).toBe(1);
  });

  it('plans the diff, and nothing once applied (idempotence)', () => {
    const plan = authorizedKey.plan({ user: 'root', key: B }, facts(`${A} \n`, { key: B }), pc);
    expect(plan.changes).toEqual(['update /root/.ssh/authorized_keys']);
    expect(plan.diff).toEqual([{ path: '/root/.ssh/authorized_keys', before: `${A} \n`, after: `${A} \n${B}\n` }]);
    expect(plan.data).toMatchObject({ user: 'root', state: 'present', keyfile: '/root/.ssh/authorized_keys', path: null });
    const again = authorizedKey.plan({ user: 'root', key: B }, facts(plan.diff![0]!.after, { key: B }), pc);
    expect(again.changes).toEqual([]);
  });

  it('fails as Ansible when the user is missing (check mode with a path goes on)', () => {
    const none = facts('', { account: undefined, key: A });
    expect(() => authorizedKey.plan({ user: 'x', key: A }, none, pc)).toThrow(`Failed to lookup user x: "getpwnam(): name not found: 'x'"`);
    expect(() => authorizedKey.plan({ user: 'x', key: A }, none, { ...pc, check: true })).toThrow('Either user must exist');
    expect(authorizedKey.plan({ user: 'x', key: A, path: '/k' }, none, { ...pc, check: true }).changes.length).toBe(1);
  });
});
