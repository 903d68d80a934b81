import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../engine/inventory/index.js';
import { TsplayError } from '../../../engine/errors.js';
import { tmpTree } from './helpers.js';

const noEnv = {};

function configError(fn: () => unknown): TsplayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('loadConfig', () => {
  it('has defaults without any file or env', () => {
    const empty = tmpTree({});
    const c = loadConfig({ cwd: empty, home: empty, env: noEnv });
    expect(c).toMatchObject({ inventory: [], forks: 50, hostKeyChecking: true, timeout: 10, strategy: 'linear', rolesPath: [], modulesPath: [] });
    expect(c.configFile).toBeUndefined();
  });

  it('reads [defaults] of ./tsplay.cfg, resolving paths against the file', () => {
    const dir = tmpTree({
      'proj/tsplay.cfg': `# comment
[defaults]
inventory = inventories/lab.ini, /etc/hosts.yml
forks: 20
roles_path = roles:~/shared/roles
remote_user = 'deploy'
private_key_file = ~/.ssh/id_ed25519
host_key_checking = False ; inline comment
timeout = 30
strategy = free
vault_password_file = .vault-pass
modules_path = mods

[other]
anything = goes
`,
    });
    const c = loadConfig({ cwd: join(dir, 'proj'), home: '/home/u', env: noEnv });
    expect(c).toMatchObject({
      configFile: join(dir, 'proj/tsplay.cfg'),
      inventory: [join(dir, 'proj/inventories/lab.ini'), '/etc/hosts.yml'],
      forks: 20,
      rolesPath: [join(dir, 'proj/roles'), '/home/u/shared/roles'],
      remoteUser: 'deploy',
      privateKeyFile: '/home/u/.ssh/id_ed25519',
      hostKeyChecking: false,
      timeout: 30,
      strategy: 'free',
      vaultPasswordFile: join(dir, 'proj/.vault-pass'),
      modulesPath: [join(dir, 'proj/mods')],
    });
    expect(c.origins.forks).toBe('file');
  });

  it('falls back to ~/.tsplay.cfg; ./tsplay.cfg wins over it; TSPLAY_CONFIG over both', () => {
    const dir = tmpTree({ 'home/.tsplay.cfg': '[defaults]\nforks=3\n', 'cwd/tsplay.cfg': '[defaults]\nforks=4\n', 'other.cfg': '[defaults]\nforks=5\n' });
    expect(loadConfig({ cwd: join(dir, 'home'), home: join(dir, 'home'), env: noEnv }).forks).toBe(3);
    expect(loadConfig({ cwd: join(dir, 'cwd'), home: join(dir, 'home'), env: noEnv }).forks).toBe(4);
    expect(loadConfig({ cwd: join(dir, 'cwd'), home: join(dir, 'home'), env: { TSPLAY_CONFIG: join(dir, 'other.cfg') } }).forks).toBe(5);
  });

  it('environment variables override the file', () => {
    const dir = tmpTree({ 'tsplay.cfg': '[defaults]\nforks=4\nstrategy=free\ntimeout=5\n' });
    const c = loadConfig({
      cwd: dir,
      home: dir,
      env: {
        TSPLAY_FORKS: '8',
        TSPLAY_STRATEGY: 'linear',
        TSPLAY_INVENTORY: 'a.ini,b.yml',
        TSPLAY_HOST_KEY_CHECKING: 'no',
        TSPLAY_ROLES_PATH: '/r1:/r2',
        TSPLAY_REMOTE_USER: 'ops',
        TSPLAY_TIMEOUT: '12',
        TSPLAY_PRIVATE_KEY_FILE: '/k',
        TSPLAY_VAULT_PASSWORD_FILE: '/v',
        TSPLAY_MODULES_PATH: '/m',
      },
    });
    expect(c).toMatchObject({
      forks: 8,
      strategy: 'linear',
      timeout: 12,
      inventory: [join(dir, 'a.ini'), join(dir, 'b.yml')],
      hostKeyChecking: false,
      rolesPath: ['/r1', '/r2'],
      remoteUser: 'ops',
      privateKeyFile: '/k',
      vaultPasswordFile: '/v',
      modulesPath: ['/m'],
    });
    expect(c.origins).toMatchObject({ forks: 'env', strategy: 'env' });
  });

  const BAD: [string, number, number, RegExp][] = [
    ['[defaults]\nforks = many\n', 2, 9, /bad value for forks: 'many'/],
    ['[defaults]\n\nhost_key_checking = maybe\n', 3, 21, /expected a boolean/],
    ['[defaults]\nstrategy = random\n', 2, 12, /linear or free/],
    ['[defaults]\ntimeout = 0\n', 2, 11, /at least 1/],
    ['forks = 3\n', 1, 1, /before any \[section\]/],
    ['[defaults]\nforkz = 3\n', 2, 1, /unknown setting 'forkz'/],
    ['[defaults]\nforks = 3\nforks = 4\n', 3, 1, /appears twice/],
    ['[defaults]\njust words\n', 2, 1, /expected 'key = value'/],
  ];
  for (const [text, line, col, message] of BAD) {
    it(`TSPLAY_CONFIG at ${line}:${col} for ${JSON.stringify(text)}`, () => {
      const dir = tmpTree({ 'tsplay.cfg': text });
      const e = configError(() => loadConfig({ cwd: dir, home: dir, env: noEnv }));
      expect(e.code).toBe('TSPLAY_CONFIG');
      expect(e.source).toEqual({ file: join(dir, 'tsplay.cfg'), line, col });
      expect(e.message).toMatch(message);
    });
  }

  it('a bad environment value names the variable', () => {
    const dir = tmpTree({});
    const e = configError(() => loadConfig({ cwd: dir, home: dir, env: { TSPLAY_FORKS: '-1' } }));
    expect(e.code).toBe('TSPLAY_CONFIG');
    expect(e.message).toMatch(/TSPLAY_FORKS/);
  });

  it('TSPLAY_CONFIG naming a missing file is an error', () => {
    const dir = tmpTree({});
    expect(() => loadConfig({ cwd: dir, home: dir, env: { TSPLAY_CONFIG: 'nope.cfg' } })).toThrow(/does not exist/);
  });
});
