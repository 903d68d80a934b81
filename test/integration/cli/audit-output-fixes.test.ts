/**
 * User audit fixes through the built CLI (npm run build), local connection:
 * §10 `-o json` writes NDJSON (error events, run_end) when the run fails
 * before it starts; §12 `--start-at-task` naming no task is an error, exit 5,
 * nothing run; §3 `tsplay inventory` prints no secret.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, tsplay, type CliResult } from '../security/cli-helpers.js';

const INVENTORY = '[local]\nlocalhost ansible_connection=local\n';
const touch = (name: string): string => `    - name: make ${name}\n      file: { path: "{{ out }}/${name}", state: touch }\n`;
const PLAY = `- hosts: localhost\n  gather_facts: false\n  tasks:\n${touch('one')}${touch('two')}`;
const DYNAMIC = `- hosts: localhost\n  gather_facts: false\n  tasks:\n${touch('one')}    - include_role: { name: r }\n${touch('two')}`;
const BROKEN = `- hosts: localhost\n  gather_facts: false\n  vars: { db_password: Sekret-4242 }\n  tasks:\n    - copy: { dest: /tmp/x, bogus: "{{ db_password }}" }\n`;

let dir: string;
const run = (args: string[]): CliResult => tsplay(['run', '-i', 'hosts.ini', '-e', `out=${dir}/out`, ...args], { cwd: dir, timeoutMs: 60_000 });

function ndjson(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-audit-out-'));
  writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
  writeFileSync(join(dir, 'play.yml'), PLAY);
  writeFileSync(join(dir, 'dynamic.yml'), DYNAMIC);
  writeFileSync(join(dir, 'broken.yml'), BROKEN);
  mkdirSync(join(dir, 'roles/r/tasks'), { recursive: true });
  writeFileSync(join(dir, 'roles/r/tasks/main.yml'), touch('inner').replace(/^ {4}/gm, ''));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fresh = (): void => {
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  mkdirSync(join(dir, 'out'));
};
const made = (name: string): boolean => existsSync(join(dir, 'out', name));

describe.skipIf(!cliBuilt())('-o json when the run fails before it starts', () => {
  it('validation problems: one error event each (file:line:col, secrets masked), then run_end 4; the text on stderr', () => {
    const r = run(['broken.yml', '-o', 'json']);
    expect(r.code).toBe(4);
    const events = ndjson(r.stdout);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, -1).every((e) => e['type'] === 'error' && e['v'] === 1)).toBe(true);
    expect(events[0]).toMatchObject({ code: 'TSPLAY_MODULE_ARGS', source: { file: join(dir, 'broken.yml'), line: 5 } });
    expect(events.at(-1)).toEqual({ type: 'run_end', v: 1, exitCode: 4 });
    expect(r.stderr).toContain('no host was contacted');
    expect(r.stdout + r.stderr).not.toContain('Sekret-4242');
  });

  it('bad options, a missing inventory, a --limit leaving no host: error, run_end with the exit code', () => {
    const cases: [string[], number, string][] = [
      [['play.yml', '--json', '--bogus'], 5, 'TSPLAY_OPTIONS'],
      [['play.yml', '-o', 'json', '--forks', 'x'], 5, 'TSPLAY_OPTIONS'],
      [['play.yml', '-o', 'json', '-i', 'nosuch.ini'], 4, 'TSPLAY_INVENTORY'],
      [['play.yml', '-o', 'json', '-l', 'nohost'], 1, 'TSPLAY_NO_HOSTS'],
    ];
    for (const [args, code, errorCode] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(ndjson(r.stdout), args.join(' ')).toEqual([expect.objectContaining({ type: 'error', code: errorCode }), { type: 'run_end', v: 1, exitCode: code }]);
      expect(r.stderr).toContain(errorCode);
    }
  });

  it('a run that starts ends with the executor run_end only once', () => {
    fresh();
    const events = ndjson(run(['play.yml', '-o', 'json']).stdout);
    expect(events[0]).toMatchObject({ type: 'run_start' });
    expect(events.filter((e) => e['type'] === 'run_end')).toEqual([{ type: 'run_end', v: 1, exitCode: 0 }]);
  });
});

describe.skipIf(!cliBuilt())('--start-at-task naming no task', () => {
  it('is an error before anything runs: exit 5, the message on stderr, nothing made', () => {
    fresh();
    const r = run(['play.yml', '-o', 'plain', '--start-at-task', 'typo']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('No matching task "typo" found');
    expect(r.stdout).not.toContain('PLAY [');
    expect(made('one') || made('two')).toBe(false);
    const json = run(['play.yml', '-o', 'json', '--start-at-task', 'typo']);
    expect(ndjson(json.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'TSPLAY_OPTIONS' }), { type: 'run_end', v: 1, exitCode: 5 }]);
  });

  it('a name or glob that matches starts there', () => {
    fresh();
    expect(run(['play.yml', '-o', 'plain', '--start-at-task', 'make t*']).code).toBe(0);
    expect([made('one'), made('two')]).toEqual([false, true]);
  });

  it('with a dynamic include: found inside it, or an error after a run that ran no task (exit 5)', () => {
    fresh();
    expect(run(['dynamic.yml', '-o', 'plain', '--start-at-task', 'make inner']).code).toBe(0);
    expect([made('one'), made('inner'), made('two')]).toEqual([false, true, true]);
    fresh();
    const r = run(['dynamic.yml', '-o', 'json', '--start-at-task', 'typo']);
    expect(r.code).toBe(5);
    expect(made('one') || made('inner') || made('two')).toBe(false);
    const events = ndjson(r.stdout);
    expect(events.slice(-2)).toEqual([expect.objectContaining({ type: 'error', code: 'TSPLAY_OPTIONS' }), { type: 'run_end', v: 1, exitCode: 5 }]);
    expect(events.filter((e) => e['type'] === 'run_end')).toHaveLength(1);
  });
});

describe.skipIf(!cliBuilt())('tsplay inventory prints no secret', () => {
  it('--host and --list: passwords masked, an inline vault value as its ciphertext, no vault password needed', () => {
    const inv = join(dir, 'inv');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(join(inv, 'hosts.ini'), '[db]\ndb1 ansible_host=10.0.0.5 ansible_password=InvPw777\n[db:vars]\nreplication_secret=ReplSecret999\n');
    const vaulted = '$ANSIBLE_VAULT;1.1;AES256\n6137333530393562';
    writeFileSync(join(inv, 'group_vars/db.yml'), `api_token: !vault |\n  ${vaulted.replace('\n', '\n  ')}\n`);
    for (const args of [['--host', 'db1'], ['--list'], ['--graph', '--vars']]) {
      const r = tsplay(['inventory', '-i', join(inv, 'hosts.ini'), ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).not.toMatch(/InvPw777|ReplSecret999/);
      expect(r.stdout).toContain('********');
    }
    const host = JSON.parse(tsplay(['inventory', '-i', join(inv, 'hosts.ini'), '--host', 'db1'], { cwd: dir }).stdout) as Record<string, unknown>;
    expect(host['api_token']).toEqual({ __ansible_vault: `${vaulted}\n` });
  });
});

const DUMP = `- hosts: db
  gather_facts: false
  tasks:
    - debug: var=hostvars[inventory_hostname]
    - debug: var=vars
    - debug: msg="{{ hostvars[inventory_hostname] | to_nice_json }}"
`;

describe.skipIf(!cliBuilt())('debug idioms that dump variables (audit §9)', () => {
  it('var=hostvars[inventory_hostname], var=vars and to_nice_json print the variables, secrets masked', () => {
    writeFileSync(join(dir, 'dump.ini'), '[db]\nlocalhost ansible_connection=local ansible_password=InvPw777 url="http://{{ inventory_hostname }}:80"\n');
    writeFileSync(join(dir, 'dump.yml'), DUMP);
    const r = tsplay(['run', 'dump.yml', '-i', 'dump.ini', '-o', 'json'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('InvPw777');
    expect(r.stdout).not.toContain('VARIABLE IS NOT DEFINED');
    const data = ndjson(r.stdout)
      .filter((e) => e['type'] === 'host_result')
      .map((e) => (e['result'] as { data: Record<string, unknown> }).data);
    const host = data[0]!['hostvars[inventory_hostname]'] as Record<string, unknown>;
    expect(host).toMatchObject({ ansible_connection: 'local', ansible_password: '********', url: 'http://localhost:80', inventory_hostname: 'localhost', group_names: ['db'] });
    expect(host).not.toHaveProperty('hostvars');
    const vars = data[1]!['vars'] as Record<string, unknown>;
    expect(vars).toMatchObject({ url: 'http://localhost:80', play_hosts: ['localhost'] });
    expect((vars['hostvars'] as Record<string, unknown>)['localhost']).toMatchObject({ url: 'http://localhost:80', ansible_password: '********' });
    expect(JSON.parse(String(data[2]!['msg']))).toMatchObject({ url: 'http://localhost:80', ansible_password: '********' });
  });
});
