/** getent's parser on recorded output, and its plan for each exit code (Ansible 2.14's messages). */
import { describe, expect, it } from 'vitest';
import { getent, getentArgv, parseGetent, planGetent } from '../../../../modules/system/getent.js';

// recorded on Debian bookworm
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:104:110:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';
const HOSTS = '127.0.0.1       localhost\n::1             localhost ip6-localhost ip6-loopback\n';
const pc = { host: 'h', check: true, diff: false, noLog: false };

describe('getent', () => {
  it("splits passwd-like databases on ':' and keeps empty fields", () => {
    expect(parseGetent(PASSWD, 'passwd')).toEqual({
      root: ['x', '0', '0', 'root', '/root', '/bin/bash'],
      postgres: ['x', '104', '110', 'PostgreSQL administrator,,,', '/var/lib/postgresql', '/bin/bash'],
    });
    expect(parseGetent('adm:x:4:syslog,pg\n', 'group')).toEqual({ adm: ['x', '4', 'syslog,pg'] });
  });

  it('splits other databases on whitespace runs; a repeated key becomes a list of lists', () => {
    expect(parseGetent(HOSTS, 'hosts')).toEqual({ '127.0.0.1': ['localhost'], '::1': ['localhost', 'ip6-localhost', 'ip6-loopback'] });
    expect(parseGetent('h 1\nh 2\nh 3\n', 'x')).toEqual({ h: [['1'], ['2'], ['3']] });
    expect(parseGetent('a|b|c\n', 'hosts', '|')).toEqual({ a: ['b', 'c'] });
  });

  it('plans facts, or fails with Ansible\'s message per exit code', () => {
    expect(planGetent({ database: 'passwd' }, { rc: 0, stdout: PASSWD })).toMatchObject({ ansible_facts: { getent_passwd: { root: expect.any(Array) } } });
    expect(() => planGetent({ database: 'passwd', key: 'nobody2' }, { rc: 2, stdout: '' })).toThrow('One or more supplied key could not be found in the database.');
    expect(planGetent({ database: 'passwd', key: 'nobody2', fail_key: false }, { rc: 2, stdout: '' })).toEqual({
      ansible_facts: { getent_passwd: { nobody2: null } }, msg: 'One or more supplied key could not be found in the database.',
    });
    expect(() => planGetent({ database: 'x' }, { rc: 1, stdout: '' })).toThrow('Missing arguments, or database unknown.');
    expect(() => planGetent({ database: 'shadow' }, { rc: 3, stdout: '' })).toThrow('Enumeration not supported on this database.');
    expect(() => planGetent({ database: 'x' }, { rc: 64, stdout: '' })).toThrow('Unexpected failure!');
  });

  it('argv, no shell; -- so that a key starting with - is looked up, not taken as an option (Ansible passes it bare)', () => {
    expect(getentArgv({ database: 'passwd', key: '-x', service: 'files' })).toEqual(['getent', '-s', 'files', '--', 'passwd', '-x']);
    expect(getentArgv({ database: 'group' })).toEqual(['getent', '--', 'group']);
  });

  it('is read-only (no changes, so check mode runs it)', () => {
    expect(getent.plan({ database: 'hosts' }, { rc: 0, stdout: HOSTS }, pc).changes).toEqual([]);
  });
});
