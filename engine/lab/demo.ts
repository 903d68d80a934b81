/**
 * `tsplay lab demo`: the README's main job. Brings up a 3-node lab, deploys
 * the HA cluster with playbooks/site.yml, then shows it with Patroni's own
 * client and a psql connection through HAProxy's primary port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, TsplayError } from '../errors.js';
import { execOn, loadLab } from './ops.js';
import { labPaths } from './paths.js';

export interface DemoOptions {
  name: string;
  installDeps: boolean;
  up: (args: string[]) => Promise<number>;
}

/** The repository root: dist/engine/lab or engine/lab, three or two levels up. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'playbooks', 'site.yml'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new TsplayError('TSPLAY_LAB', 'cannot find playbooks/site.yml: run the demo from a tsplay checkout');
}

function step(title: string): void {
  process.stdout.write(`\n=== ${title}\n`);
}

export async function demoCommand(opts: DemoOptions): Promise<number> {
  const root = repoRoot();
  step(`lab up: 3 Debian bookworm hosts (lab "${opts.name}")`);
  // the default shape: node1..3, each in etcd, patroni and haproxy (the seeds' all-in-one layout)
  const upArgs = ['up', '--name', opts.name, '--hosts', '3', ...(opts.installDeps ? ['--install-deps'] : [])];
  let code = await opts.up(upArgs);
  if (code !== 0) return code;
  const inventory = labPaths(opts.name).inventory;
  step(`tsplay run playbooks/site.yml -i ${inventory}`);
  const { runCommand } = await import('../cli/run.js');
  process.chdir(root);
  code = await runCommand([join(root, 'playbooks/site.yml'), '-i', inventory]);
  if (code !== 0) {
    process.stderr.write(`\nsite.yml failed (exit ${code}); the lab is still up: tsplay lab status --name ${opts.name}\n`);
    return code;
  }
  return showCluster(opts.name, root, opts.installDeps);
}

function ensurePsql(installDeps: boolean): boolean {
  if (spawnSync('psql', ['--version']).status === 0) return true;
  if (!installDeps) return false;
  process.stdout.write('installing postgresql-client (psql) on this machine\n');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql-client'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

async function showCluster(name: string, root: string, installDeps: boolean): Promise<number> {
  const state = loadLab(name);
  const patroniHost = state.hosts.find((h) => h.groups.includes('patroni')) ?? state.hosts[0]!;
  const haproxyHost = state.hosts.find((h) => h.groups.includes('haproxy')) ?? state.hosts[0]!;
  step(`patronictl list (on ${patroniHost.name})`);
  const list = await execOn(name, patroniHost.name, 'patronictl -c /etc/patroni/config.yml list');
  process.stdout.write(list.stdout || list.stderr);
  step(`psql through HAProxy: ${haproxyHost.address}:5000 (the leader)`);
  const password = readFileSync(join(root, '.tsplay/credentials/patroni_superuser_password'), 'utf8').trim();
  const sql = "select inet_server_addr() as leader_address, pg_is_in_recovery() as in_recovery, version()";
  const conninfo = `host=${haproxyHost.address} port=5000 user=postgres dbname=postgres connect_timeout=10`;
  if (!ensurePsql(installDeps)) {
    process.stderr.write('psql is not installed on this machine: apt-get install postgresql-client (or run the demo with --install-deps)\n');
    return ExitCode.error;
  }
  // the password goes through the environment of psql only: never on a command line
  const psql = spawnSync('psql', [conninfo, '-c', sql], { env: { ...process.env, PGPASSWORD: password }, encoding: 'utf8' });
  process.stdout.write(psql.stdout);
  if (psql.status !== 0) {
    process.stderr.write(psql.stderr);
    return ExitCode.error;
  }
  process.stdout.write(`\nThe cluster is up. Connect: PGPASSWORD=$(cat .tsplay/credentials/patroni_superuser_password) psql "${conninfo}"\n`);
  process.stdout.write(`Stats: http://${haproxyHost.address}:7000/   Remove: tsplay lab down --name ${name}\n`);
  return ExitCode.ok;
}
