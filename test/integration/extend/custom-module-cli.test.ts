/**
 * Custom modules through the built CLI, as a user runs them: the documented
 * example module (docs/examples/custom-module/library/env_file.ts) from a
 * library/ beside a playbook, on real sshd hosts and on localhost (local
 * connection); bad arguments caught by `tsplay check` at file:line:col; a
 * broken module named with its file; TSPLAY_MODULES_PATH; `tsplay doc` and
 * `tsplay schema` seeing custom modules; `tsplay role init` output passing
 * `tsplay check`. The CLI calls are slow on a loaded machine: 120 s per case.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshdHosts, type SshdHarness } from '../../helpers/sshd.js';
import { cliBuilt, REPO, tsplay, type CliResult } from '../security/cli-helpers.js';

const EXAMPLE = join(REPO, 'docs/examples/custom-module');

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: app settings
      env_file:
        path: "{{ workdir }}/app.env"
        entries: { PORT: 8080, GREETING: hello world }
      register: env
    - name: what it returned
      copy: { content: "{{ env['keys'] | join(',') }}\\n", dest: "{{ workdir }}/keys.txt" }
`;

let root: string;
let cacheDir: string;

/** A project directory: the example's library/ beside a playbook and an inventory. */
function project(name: string, inventory: string, playbook = PLAYBOOK): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  cpSync(join(EXAMPLE, 'library'), join(dir, 'library'), { recursive: true });
  writeFileSync(join(dir, 'site.yml'), playbook);
  writeFileSync(join(dir, 'hosts.ini'), inventory);
  return dir;
}

const run = (dir: string, args: string[], env: Record<string, string> = {}): CliResult =>
  tsplay(args, { cwd: dir, env: { TSPLAY_CACHE_DIR: cacheDir, ...env }, timeoutMs: 60_000 });

/** The recap of a `-o json` run. */
function recap(r: CliResult): Record<string, { ok: number; changed: number; failed: number; ignored: number }> {
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; stats?: Record<string, { ok: number; changed: number; failed: number; ignored: number }> });
  const found = events.find((e) => e.type === 'recap');
  if (!found?.stats) throw new Error(`no recap in output:\n${r.stdout}\n${r.stderr}`);
  return found.stats;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsplay-extend-cli-'));
  cacheDir = join(root, 'cache');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!cliBuilt())('custom modules through the CLI', { timeout: 120_000 }, () => {
  it('run on localhost (local connection): changed, then idempotent, check mode changes nothing', () => {
    const dir = project('local', `localhost ansible_connection=local workdir=${join(root, 'local-work')}\n`);
    mkdirSync(join(root, 'local-work'));
    const first = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(recap(first).localhost).toMatchObject({ changed: 2, failed: 0 });
    expect(readFileSync(join(root, 'local-work', 'app.env'), 'utf8')).toBe('PORT=8080\nGREETING="hello world"\n');
    expect(readFileSync(join(root, 'local-work', 'keys.txt'), 'utf8')).toBe('PORT,GREETING\n');
    const again = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json']);
    expect(recap(again).localhost).toMatchObject({ changed: 0, failed: 0 });
    writeFileSync(join(root, 'local-work', 'app.env'), 'PORT=80\n');
    const check = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json', '--check']);
    expect(recap(check).localhost.changed).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(root, 'local-work', 'app.env'), 'utf8')).toBe('PORT=80\n');
  });

  it("a ModuleFailure thrown by a custom module is the engine's: the task fails with its message and data", () => {
    const work = join(root, 'failure-work');
    mkdirSync(work);
    const pb = `- hosts: all
  gather_facts: false
  tasks:
    - name: refuses
      fails_politely: { why: not today }
      register: r
      ignore_errors: true
    - copy: { content: "{{ r.msg }} {{ r.marker }} {{ r.failed }}\\n", dest: "{{ workdir }}/seen.txt" }
`;
    const dir = project('failure', `localhost ansible_connection=local workdir=${work}\n`, pb);
    writeFileSync(join(dir, 'library', 'fails_politely.ts'), `import { defineModule, ModuleFailure } from 'tsplay';
export default defineModule<{ why: string }>({
  name: 'fails_politely',
  doc: { short: 'always fails' },
  params: { type: 'object', properties: { why: { type: 'string', description: 'the reason' } } },
  plan(p) { throw new ModuleFailure(\`refused: \${p.why}\`, { data: { marker: 42 } }); },
});
`);
    const r = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(recap(r).localhost).toMatchObject({ ignored: 1 });
    expect(readFileSync(join(work, 'seen.txt'), 'utf8')).toBe('refused: not today 42 True\n');
  });

  it('bad arguments are caught by tsplay check with file:line:col, before any host', () => {
    const bad = PLAYBOOK.replace('entries: { PORT: 8080, GREETING: hello world }', 'entires: { PORT: 8080 }\n        state: gone');
    const dir = project('badargs', 'localhost ansible_connection=local workdir=/nonexistent\n', bad);
    const r = run(dir, ['check', 'site.yml', '-i', 'hosts.ini']);
    expect(r.code).toBe(4);
    const file = join(dir, 'site.yml');
    expect(r.stderr).toContain(`${file}:7:9: module 'env_file': unknown argument 'entires' (did you mean 'entries'?)`);
    expect(r.stderr).toContain(`${file}:8:16: module 'env_file': argument 'state' must be one of "present", "absent", found "gone"`);
    expect(r.stderr).toMatch(/missing required argument 'entries'/);
  });

  it('a module that does not compile is reported with its file and line; nothing runs', () => {
    const dir = project('broken', 'localhost ansible_connection=local workdir=/nonexistent\n');
    writeFileSync(join(dir, 'library', 'broken.ts'), "import { defineModule } from 'tsplay';\nexport default defineModule({\n  name: 'broken',,\n});\n");
    const r = run(dir, ['run', 'site.yml', '-i', 'hosts.ini']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${join(dir, 'library', 'broken.ts')}:3:`);
    expect(r.stderr).toMatch(/custom module does not compile.*TSPLAY_MODULE_LOAD/);
  });

  it('modules from TSPLAY_MODULES_PATH (and modules_path in tsplay.cfg)', () => {
    const dir = project('modpath', 'localhost ansible_connection=local workdir=/nonexistent\n');
    const elsewhere = join(root, 'shared-modules');
    cpSync(join(dir, 'library'), elsewhere, { recursive: true });
    rmSync(join(dir, 'library'), { recursive: true });
    expect(run(dir, ['check', 'site.yml', '-i', 'hosts.ini']).stderr).toMatch(/unknown module 'env_file'/);
    const viaEnv = run(dir, ['check', 'site.yml', '-i', 'hosts.ini'], { TSPLAY_MODULES_PATH: `/nonexistent:${elsewhere}` });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    writeFileSync(join(dir, 'tsplay.cfg'), `[defaults]\nmodules_path = ${elsewhere}\n`);
    const viaCfg = run(dir, ['check', 'site.yml', '-i', 'hosts.ini']);
    expect(viaCfg.code, viaCfg.stderr).toBe(0);
  });

  it('tsplay doc and tsplay schema include the custom module', () => {
    const dir = project('doc', 'localhost\n');
    const doc = run(dir, ['doc', 'env_file']);
    expect(doc.code, doc.stderr).toBe(0);
    expect(doc.stdout).toContain('env_file: Set or remove KEY=VALUE entries in a dotenv-style file');
    expect(doc.stdout).toContain(`custom module: ${join(dir, 'library', 'env_file.ts')}`);
    expect(doc.stdout).toContain('  state (string) [default "present"]');
    const list = JSON.parse(run(dir, ['doc', '--list', '--json']).stdout) as { name: string; file?: string }[];
    expect(list.find((m) => m.name === 'env_file')?.file).toBe(join(dir, 'library', 'env_file.ts'));
    expect(list.some((m) => m.name === 'copy')).toBe(true);
    const schema = JSON.parse(run(dir, ['schema']).stdout) as { definitions: { task: { properties: Record<string, unknown> } } };
    expect(schema.definitions.task.properties.env_file).toBeDefined();
  });

  it('tsplay role init: a role that passes tsplay check and runs idempotently; never overwritten', () => {
    const dir = join(root, 'roleinit');
    mkdirSync(dir);
    const init = run(dir, ['role', 'init', 'webapp']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('role webapp created in roles/webapp');
    const check = run(dir, ['check', 'roles/webapp/tests/test.yml', '-i', 'roles/webapp/tests/inventory']);
    expect(check.code, check.stderr).toBe(0);
    // and it runs: changed, then nothing to do
    const args = ['run', 'roles/webapp/tests/test.yml', '-i', 'roles/webapp/tests/inventory', '-o', 'json', '-e', `webapp_config_dir=${join(dir, 'etc')}`];
    const first = run(dir, args);
    expect(first.code, first.stderr).toBe(0);
    expect(recap(first).localhost).toMatchObject({ changed: 2, failed: 0 });
    expect(readFileSync(join(dir, 'etc', 'webapp.conf'), 'utf8')).toContain('greeting = hello\n');
    expect(recap(run(dir, args)).localhost).toMatchObject({ changed: 0, failed: 0 });
    const again = run(dir, ['role', 'init', 'webapp']);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/already exists; nothing was written/);
    const elsewhere = run(dir, ['role', 'init', 'db', '--path', 'other/roles']);
    expect(elsewhere.code).toBe(0);
    expect(existsSync(join(dir, 'other/roles/db/meta/argument_specs.yml'))).toBe(true);
  });
});

describe.skipIf(!cliBuilt() || !sshdAvailable())('custom module on real sshd hosts', { timeout: 120_000 }, () => {
  let h: SshdHarness;
  beforeAll(async () => {
    h = await startSshdHosts(2);
  });
  afterAll(() => h?.stop());

  it('runs on every host, then reports no change', () => {
    const dir = project('sshd', h.inventoryIni('hosts', `ansible_ssh_known_hosts_file=${h.knownHostsPath}`));
    const first = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    for (const host of h.hosts) {
      expect(recap(first)[host.name]).toMatchObject({ changed: 2, failed: 0 });
      expect(readFileSync(join(host.dir, 'app.env'), 'utf8')).toBe('PORT=8080\nGREETING="hello world"\n');
    }
    const again = run(dir, ['run', 'site.yml', '-i', 'hosts.ini', '-o', 'json']);
    for (const host of h.hosts) expect(recap(again)[host.name]).toMatchObject({ changed: 0, failed: 0 });
  });
});
