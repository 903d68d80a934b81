/**
 * The keyword matrix harness: one playbook, run by ansible-playbook and by the
 * built tsplay CLI (`node bin/tsplay.js run -o json`) against the same real
 * sshd hosts, each tool on fresh directories of its own (the `workdir` host
 * var points at HOSTDIR/CASE/TOOL). Each run returns the per-host recap, the
 * files left under every host's workdir (content with the workdir paths
 * normalised, and mode), the debug messages and the diffs reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../../helpers/sshd.js';
import type { SshdHarness } from '../../helpers/sshd.js';
import { ansibleSshdEnv } from './ansible-ref.js';

export const ansibleAvailable = existsSync('/usr/bin/ansible-playbook');
export const keywordsRunnable = sshdAvailable() && ansibleAvailable;

export type Tool = 'ansible' | 'tsplay';
export interface Counts { ok: number; changed: number; failed: number; skipped: number; rescued: number; ignored: number; unreachable: number }

export interface KwCase {
  playbook: string;
  /** more files beside the playbook (templates, roles/..., vars files) */
  files?: Record<string, string>;
  /** arguments given to both tools */
  args?: string[];
  /** inventory text after the [hosts] group (more groups, localhost) */
  inventoryExtra?: string;
  /** more vars on every sshd host's inventory line */
  hostVars?: string;
  /** also run tsplay with these arguments only (not given to ansible-playbook) */
  tsplayArgs?: string[];
}

export interface KwOutcome {
  exitCode: number;
  stats: Record<string, Counts>;
  /** host -> relative path -> "mode content" (or "dir") */
  files: Record<string, Record<string, string>>;
  /** "task|host|msg", sorted */
  debug: string[];
  /** "task|host" of results that carried a diff, sorted */
  diffs: string[];
  raw: string;
}

const ROOT = resolve(import.meta.dirname, '../../..');

export class KeywordHarness {
  private cases = 0;
  private constructor(readonly sshd: SshdHarness, readonly work: string) {}

  static async start(count = 3): Promise<KeywordHarness> {
    const sshd = await startSshdHosts(count);
    return new KeywordHarness(sshd, mkdtempSync(join(tmpdir(), 'tsplay-kw-')));
  }

  get hosts(): string[] {
    return this.sshd.hosts.map((h) => h.name);
  }

  stop(): void {
    this.sshd.stop();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** A fresh case: each tool gets its own playbook directory and host workdirs. */
  newCase(c: KwCase): { run: (tool: Tool, extraArgs?: string[]) => Promise<KwOutcome> } {
    const id = `case${++this.cases}`;
    const dirs = {} as Record<Tool, string>;
    for (const tool of ['ansible', 'tsplay'] as const) {
      dirs[tool] = join(this.work, id, tool);
      this.writeCase(dirs[tool], tool, id, c);
      for (const h of this.sshd.hosts) mkdirSync(this.workdir(h.dir, id, tool), { recursive: true });
    }
    return {
      run: async (tool, extraArgs = []) => {
        const args = [...(c.args ?? []), ...(tool === 'tsplay' ? (c.tsplayArgs ?? []) : []), ...extraArgs];
        const out = tool === 'ansible' ? await runAnsible(dirs.ansible, args, this.sshd) : await runTsplayCli(dirs.tsplay, args);
        out.files = this.trees(id, tool);
        return out;
      },
    };
  }

  /** the workdir the given tool's runs use on one host (sshd hosts share this filesystem) */
  hostWorkdir(host: string, caseNumber: number, tool: Tool): string {
    const h = this.sshd.hosts.find((x) => x.name === host)!;
    return this.workdir(h.dir, `case${caseNumber}`, tool);
  }

  get lastCase(): number {
    return this.cases;
  }

  private workdir(hostDir: string, id: string, tool: Tool): string {
    return join(hostDir, id, tool);
  }

  private writeCase(dir: string, tool: Tool, id: string, c: KwCase): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'site.yml'), c.playbook);
    for (const [name, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const lines = this.sshd.hosts.map(
      (h) =>
        `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${this.sshd.keyPath} ` +
        `ansible_ssh_known_hosts_file=${this.sshd.knownHostsPath} ansible_python_interpreter=/usr/bin/python3 workdir=${this.workdir(h.dir, id, tool)}` +
        (c.hostVars ? ` ${c.hostVars}` : ''),
    );
    writeFileSync(join(dir, 'hosts.ini'), `[hosts]\n${lines.join('\n')}\n\n${c.inventoryExtra ?? ''}\n`);
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nretry_files_enabled = False\ninterpreter_python = /usr/bin/python3\n\n[ssh_connection]\npipelining = True\n');
  }

  private trees(id: string, tool: Tool): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    const norm = (text: string): string => {
      let t = text;
      for (const h of this.sshd.hosts) t = t.split(this.workdir(h.dir, id, tool)).join(`<WD:${h.name}>`);
      return t;
    };
    for (const h of this.sshd.hosts) out[h.name] = tree(this.workdir(h.dir, id, tool), '', norm);
    return out;
  }
}

function tree(dir: string, prefix: string, norm: (t: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    const rel = prefix ? `${prefix}/${f}` : f;
    const st = statSync(p);
    if (st.isDirectory()) {
      out[rel] = `dir ${(st.mode & 0o777).toString(8)}`;
      Object.assign(out, tree(p, rel, norm));
    } else out[rel] = `${(st.mode & 0o777).toString(8)} ${norm(readFileSync(p, 'utf8'))}`;
  }
  return out;
}

interface AnsibleHostResult {
  msg?: unknown;
  action?: string;
  diff?: unknown;
  results?: { msg?: unknown; skipped?: boolean; diff?: unknown }[];
}
interface AnsibleJson {
  plays: { tasks: { task: { name: string }; hosts: Record<string, AnsibleHostResult> }[] }[];
  stats: Record<string, Record<string, number>>;
}

function hasDiff(d: unknown): boolean {
  if (Array.isArray(d)) return d.some(hasDiff);
  if (!d || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  return ['before', 'after', 'prepared'].some((k) => o[k] !== undefined && o[k] !== '') || Object.keys(o).length > 0;
}

async function runAnsible(dir: string, args: string[], sshd: SshdHarness): Promise<KwOutcome> {
  const r = await spawnText('ansible-playbook', ['-i', 'hosts.ini', 'site.yml', ...args], {
    cwd: dir,
    env: ansibleSshdEnv(dir, sshd.knownHostsPath, { ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_DEPRECATION_WARNINGS: '0' }),
  });
  const start = r.stdout.indexOf('{\n');
  if (start < 0) throw new Error(`ansible-playbook exited ${r.code} without JSON: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  const json = JSON.parse(r.stdout.slice(start)) as AnsibleJson;
  const debug: string[] = [];
  const diffs: string[] = [];
  for (const play of json.plays) {
    for (const t of play.tasks) {
      const name = t.task.name.replace(/^[\w.-]+ : /, '');
      for (const [host, res] of Object.entries(t.hosts)) {
        if (hasDiff(res.diff) || res.results?.some((x) => hasDiff(x.diff))) diffs.push(`${name}|${host}`);
        if (res.action !== 'debug' && res.action !== 'ansible.builtin.debug') continue;
        if (res.results) for (const x of res.results) debug.push(...(x.skipped ? [] : [`${name}|${host}|${show(x.msg)}`]));
        else if (res.msg !== undefined) debug.push(`${name}|${host}|${show(res.msg)}`);
      }
    }
  }
  const stats: Record<string, Counts> = {};
  for (const [h, s] of Object.entries(json.stats)) {
    stats[h] = { ok: s.ok!, changed: s.changed!, failed: s.failures!, skipped: s.skipped!, rescued: s.rescued!, ignored: s.ignored!, unreachable: s.unreachable! };
  }
  return { exitCode: r.code, stats, files: {}, debug: debug.sort(), diffs: [...new Set(diffs)].sort(), raw: r.stdout + r.stderr };
}

interface TsplayEvent {
  type: string;
  task?: { name: string; module: string };
  host?: string;
  result?: { status: string; diff?: unknown; results?: unknown[]; data?: { msg?: unknown } };
  stats?: Record<string, Counts>;
}

interface SpawnOut { code: number; stdout: string; stderr: string }

/** async, so both tools' runs can overlap */
async function spawnText(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<SpawnOut> {
  return new Promise((done) => {
    const p = spawn(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

async function runCliOnce(dir: string, args: string[]): Promise<SpawnOut> {
  const cli = [join(ROOT, 'bin/tsplay.js'), 'run', 'site.yml', '-i', 'hosts.ini', '-o', 'json', ...args];
  return spawnText(process.execPath, cli, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
}

async function runTsplayCli(dir: string, args: string[]): Promise<KwOutcome> {
  let r = await runCliOnce(dir, args);
  // dist/ is shared and rebuilt by others: a run that crashed on import is retried once
  if (!r.stdout.includes('"type":"run_start"') && /Cannot find module|SyntaxError|ERR_MODULE_NOT_FOUND/.test(r.stderr)) {
    await new Promise((s) => setTimeout(s, 3000));
    r = await runCliOnce(dir, args);
  }
  const debug: string[] = [];
  const diffs = new Set<string>();
  let stats: Record<string, Counts> | undefined;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as TsplayEvent;
    if (e.type === 'recap') stats = e.stats;
    if ((e.type !== 'host_result' && e.type !== 'item_result') || !e.result || !e.task) continue;
    if (e.type === 'host_result' && hasDiff(e.result.diff)) diffs.add(`${e.task.name}|${e.host}`);
    if (e.task.module !== 'debug' || e.result.status === 'skipped') continue;
    if (e.type === 'item_result' || !e.result.results) debug.push(`${e.task.name}|${e.host}|${show(e.result.data?.msg)}`);
  }
  if (!stats) throw new Error(`tsplay exited ${r.code} without a recap: ${r.stderr}\n${r.stdout.slice(-3000)}`);
  return { exitCode: r.code, stats, files: {}, debug: debug.sort(), diffs: [...diffs].sort(), raw: r.stdout + r.stderr };
}

function show(msg: unknown): string {
  return typeof msg === 'string' ? msg : JSON.stringify(msg);
}

export interface ParityOptions {
  /** a second run on the same directories must report changed=0 for both (default true) */
  rerun?: boolean;
  /** compare debug messages too (default true) */
  debug?: boolean;
  /** compare which task|host results carried a diff (loosely: not the diff text) */
  diffs?: boolean;
  /** extra arguments for the second run only */
  rerunArgs?: string[];
  /** changed count every host reports on the rerun (default 0; ignored failures count changed in Ansible) */
  rerunChanged?: number | 'any';
  /** run the tools one after the other (default: both at once, on their own directories) */
  sequential?: boolean;
}

/** Runs the case with both tools (and again when rerun), asserting the same recap, files and debug output. */
export async function expectParity(h: KeywordHarness, c: KwCase, opts: ParityOptions = {}): Promise<{ ansible: KwOutcome; tsplay: KwOutcome }> {
  const run = h.newCase(c);
  const both = async (args?: string[]): Promise<[KwOutcome, KwOutcome]> =>
    opts.sequential ? [await run.run('ansible', args), await run.run('tsplay', args)] : Promise.all([run.run('ansible', args), run.run('tsplay', args)]);
  const [ansible, tsplay] = await both();
  compare(ansible, tsplay, 'first run', opts.debug ?? true);
  if (opts.diffs) expect({ diffs: tsplay.diffs }).toEqual({ diffs: ansible.diffs });
  if (opts.rerun ?? true) {
    const [a2, t2] = await both(opts.rerunArgs);
    compare(a2, t2, 'rerun', opts.debug ?? true);
    const want = opts.rerunChanged ?? 0;
    if (want !== 'any') for (const [host, s] of Object.entries(t2.stats)) expect({ rerun: host, changed: s.changed }).toEqual({ rerun: host, changed: want });
  }
  return { ansible, tsplay };
}

export function compare(a: KwOutcome, t: KwOutcome, round: string, withDebug = true): void {
  expect({ round, stats: t.stats }).toEqual({ round, stats: a.stats });
  expect({ round, files: t.files }).toEqual({ round, files: a.files });
  if (withDebug) expect({ round, debug: t.debug }).toEqual({ round, debug: a.debug });
}
