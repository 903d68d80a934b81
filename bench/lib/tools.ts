/**
 * The controllers compared: tsplay, ansible-playbook tuned fairly (forks >= N,
 * pipelining, ControlPersist, a fixed interpreter) and ansible-playbook with
 * its defaults (forks 5, no pipelining, interpreter discovery; ControlPersist
 * is an Ansible default). Host keys are checked by all three, against the
 * harness's known_hosts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { MeasureOptions } from './measure.js';

export type ToolName = 'tsplay' | 'ansible-tuned' | 'ansible-defaults';
export const TOOL_NAMES: readonly ToolName[] = ['tsplay', 'ansible-tuned', 'ansible-defaults'];

export interface RecapTotals {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

export interface ToolSetup {
  runDir: string;
  playbook: string;
  inventory: string;
  knownHosts: string;
  hosts: number;
}

export interface Tool {
  name: ToolName;
  invocation(): MeasureOptions;
  /** recap totals over all hosts, from the run's stdout */
  recap(stdout: string): RecapTotals;
  /** end what the run left behind (Ansible's ControlPersist masters) */
  afterRun(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Connection timeout for every tool (Ansible's default and tsplay's are 10 s):
 * on a shared, overloaded 2-core machine 100 simultaneous SSH handshakes can
 * take longer than that, and a timeout would measure the machine, not the tool.
 */
export const CONNECT_TIMEOUT_S = 60;

export function repoRoot(): string {
  // set by bench/run.js --dist: the compiled bench then lives outside the repository
  const root = process.env.TSPLAY_BENCH_ROOT;
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'tsplay.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bin/tsplay.js not found above the bench');
    dir = up;
  }
  return dir;
}

function totals(stats: Record<string, Record<string, number>>): RecapTotals {
  const t: RecapTotals = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const s of Object.values(stats)) {
    t.ok += s.ok ?? 0;
    t.changed += s.changed ?? 0;
    t.failed += (s.failed ?? 0) + (s.failures ?? 0);
    t.unreachable += s.unreachable ?? 0;
    t.skipped += s.skipped ?? 0;
  }
  return t;
}

/**
 * node's arguments that start the tsplay CLI: bin/tsplay.js (which loads
 * dist/), or the CLI of the private compile given by bench/run.js --dist.
 */
export function tsplayArgv(args: string[]): string[] {
  const dist = process.env.TSPLAY_BENCH_DIST;
  if (!dist) return [join(repoRoot(), 'bin', 'tsplay.js'), ...args];
  const main = pathToFileURL(join(dist, 'engine', 'cli', 'main.js')).href;
  // `--`: node would take an argument like --version as its own
  return ['--input-type=module', '-e', `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(1)))`, '--', ...args];
}

/** tsplay -o json: NDJSON events, one `recap` */
export function tsplayRecap(stdout: string): RecapTotals {
  for (const line of stdout.split('\n')) {
    if (!line.includes('"recap"')) continue;
    const ev = JSON.parse(line) as { type: string; stats?: Record<string, Record<string, number>> };
    if (ev.type === 'recap' && ev.stats) return totals(ev.stats);
  }
  throw new Error(`no recap event in tsplay output: ${stdout.slice(-500)}`);
}

/** Ansible's json stdout callback: one document with `stats` */
export function ansibleRecap(stdout: string): RecapTotals {
  const start = stdout.indexOf('{');
  if (start < 0) throw new Error(`no JSON in ansible-playbook output: ${stdout.slice(-500)}`);
  const doc = JSON.parse(stdout.slice(start)) as { stats: Record<string, Record<string, number>> };
  return totals(doc.stats);
}

export function tsplayTool(setup: ToolSetup): Tool {
  return {
    name: 'tsplay',
    invocation: () => ({
      command: process.execPath,
      args: tsplayArgv(['run', setup.playbook, '-i', setup.inventory, '-o', 'json', '-f', String(Math.max(setup.hosts, 1)), '-T', String(CONNECT_TIMEOUT_S)]),
      cwd: setup.runDir,
      env: { ...process.env, TSPLAY_CONFIG: '' },
    }),
    recap: tsplayRecap,
    afterRun: async () => undefined,
  };
}

export function ansibleConfig(setup: ToolSetup, tuned: boolean, controlDir: string): string {
  const ssh = `-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${setup.knownHosts} -o StrictHostKeyChecking=yes`;
  const lines = ['[defaults]', 'host_key_checking = True', `timeout = ${CONNECT_TIMEOUT_S}`, `local_tmp = ${join(setup.runDir, 'ansible-local')}`];
  if (tuned) lines.push(`forks = ${Math.max(setup.hosts, 5)}`, 'interpreter_python = /usr/bin/python3');
  lines.push('', '[ssh_connection]', `ssh_args = ${ssh}`, `control_path_dir = ${controlDir}`);
  if (tuned) lines.push('pipelining = True');
  return `${lines.join('\n')}\n`;
}

export function ansibleTool(setup: ToolSetup, tuned: boolean): Tool {
  const name: ToolName = tuned ? 'ansible-tuned' : 'ansible-defaults';
  const controlDir = join(setup.runDir, tuned ? 'cp-t' : 'cp-d');
  const cfg = join(setup.runDir, `${name}.cfg`);
  mkdirSync(controlDir, { recursive: true });
  writeFileSync(cfg, ansibleConfig(setup, tuned, controlDir));
  return {
    name,
    invocation: () => ({
      command: 'ansible-playbook',
      args: ['-i', setup.inventory, setup.playbook],
      cwd: setup.runDir,
      env: { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_DEPRECATION_WARNINGS: 'False' },
    }),
    recap: ansibleRecap,
    // each run starts without a master, as tsplay starts without a connection
    afterRun: async () => {
      const sockets = readdirSync(controlDir).map((f) => join(controlDir, f));
      await Promise.all(sockets.map((s) => run('ssh', ['-O', 'exit', '-o', `ControlPath=${s}`, 'bench-host']).catch(() => undefined)));
    },
  };
}

export function makeTool(name: ToolName, setup: ToolSetup): Tool {
  if (name === 'tsplay') return tsplayTool(setup);
  return ansibleTool(setup, name === 'ansible-tuned');
}
