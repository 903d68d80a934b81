/**
 * Helpers of the HA cluster end-to-end tests: run site.yml through the real
 * CLI (`--output json`), read its recap and failures, and talk to the cluster
 * with its own clients (psql from the controller, patronictl and etcdctl on
 * the hosts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../../engine/lab/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The playbook under test; TSPLAY_CLUSTER_PLAYBOOK points elsewhere (a scratch copy). */
export const sitePlaybook = process.env.TSPLAY_CLUSTER_PLAYBOOK ?? join(repo, 'playbooks/site.yml');

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

export interface FailedTask {
  host: string;
  task: string;
  msg: string;
  text: string;
}

export interface SiteRun {
  exitCode: number;
  recap: Record<string, HostStats>;
  failures: FailedTask[];
  /** host -> names of the tasks that reported changed */
  changedTasks: Record<string, string[]>;
  stderr: string;
  seconds: number;
}

export interface SiteRunOptions {
  extraVars?: Record<string, unknown>;
  limit?: string;
  tags?: string;
}

interface RunEventLine {
  type: string;
  host?: string;
  task?: { name?: string };
  result?: { status?: string; msg?: string };
  stats?: Record<string, HostStats>;
}

/** Runs site.yml on the lab with the real CLI and parses its NDJSON events. */
export async function runSite(lab: Lab, opts: SiteRunOptions = {}): Promise<SiteRun> {
  const args = [join(repo, 'bin/tsplay.js'), 'run', sitePlaybook, '-i', lab.inventoryPath, '-o', 'json'];
  if (opts.extraVars) args.push('-e', JSON.stringify(opts.extraVars));
  if (opts.limit) args.push('-l', opts.limit);
  if (opts.tags) args.push('-t', opts.tags);
  const started = Date.now();
  const { code, stdout, stderr } = await spawnCollect('node', args, { cwd: repo });
  keepEvents(lab.name, stdout);
  return { ...parseEvents(stdout), exitCode: code, stderr, seconds: (Date.now() - started) / 1000 };
}

let runCounter = 0;

/** TSPLAY_CLUSTER_LOG_DIR: keep each run's NDJSON events there (to look at timings and failures). */
function keepEvents(labName: string, ndjson: string): void {
  const dir = process.env.TSPLAY_CLUSTER_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${labName}-run${++runCounter}.ndjson`), ndjson);
}

/** Parses the `--output json` stream: the recap, failed tasks and changed tasks. */
export function parseEvents(ndjson: string): Pick<SiteRun, 'recap' | 'failures' | 'changedTasks'> {
  const out: Pick<SiteRun, 'recap' | 'failures' | 'changedTasks'> = { recap: {}, failures: [], changedTasks: {} };
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as RunEventLine;
    if (e.type === 'recap' && e.stats) out.recap = e.stats;
    if (e.type !== 'host_result' || !e.host) continue;
    const task = e.task?.name ?? '?';
    if (e.result?.status === 'failed') out.failures.push({ host: e.host, task, msg: e.result.msg ?? '', text: line });
    if (e.result?.status === 'changed') (out.changedTasks[e.host] ??= []).push(task);
  }
  return out;
}

/** A readable summary for assertion messages. */
export function describeRun(r: SiteRun): string {
  const fails = r.failures.map((f) => `  ${f.host} | ${f.task}: ${f.text.slice(0, 1500)}`).join('\n');
  return `exit ${r.exitCode} in ${r.seconds}s\nrecap ${JSON.stringify(r.recap)}\nchanged ${JSON.stringify(r.changedTasks)}\n${fails}\n${r.stderr.slice(-2000)}`;
}

/** The superuser password the playbook generated (lookup('password') next to the repository). */
export function superuserPassword(): string {
  const file = join(dirname(sitePlaybook), '../.tsplay/credentials/patroni_superuser_password');
  return readFileSync(file, 'utf8').trim().split(/\s+/)[0] ?? '';
}

export interface PsqlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** psql from the controller (postgresql-client) as the cluster superuser. */
export async function psql(host: string, port: number, sql: string, timeoutMs = 25_000): Promise<PsqlResult> {
  const env = { ...process.env, PGPASSWORD: superuserPassword(), PGCONNECT_TIMEOUT: '10' };
  const args = ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql];
  const r = await spawnCollect('psql', args, { env, timeoutMs });
  return { code: r.code, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

export interface PatroniMember {
  Member: string;
  Host: string;
  Role: string;
  State: string;
}

/** `patronictl list -f json` on a host. */
export async function patroniMembers(lab: Lab, host: string): Promise<PatroniMember[]> {
  const r = await lab.exec(host, 'patronictl -c /etc/patroni/config.yml list -f json');
  if (r.rc !== 0) throw new Error(`patronictl list on ${host}: rc ${r.rc}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PatroniMember[];
}

export function leaderOf(members: PatroniMember[]): string | undefined {
  return members.find((m) => m.Role === 'Leader')?.Member;
}

/**
 * Replicas Patroni reports running (3.0.2 says `running`, 3.1+ `streaming`).
 * 3.0.2 says `running` before the WAL receiver streams: see walReceiverStatus.
 */
export function runningReplicas(members: PatroniMember[]): string[] {
  return members.filter((m) => m.Role !== 'Leader' && ['running', 'streaming'].includes(m.State)).map((m) => m.Member);
}

/** Polls `check` every `intervalMs` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function spawnCollect(cmd: string, args: string[], opts: SpawnOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}
