/**
 * Small process helpers for the lab: run a program (never through a shell
 * unless asked), collect its output, turn failures into TsplayError TSPLAY_LAB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { TsplayError } from '../errors.js';

export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface RunOpts {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `argv` and resolves with its exit code and output (never rejects on rc != 0). */
export function run(argv: readonly string[], opts: RunOpts = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ rc: 127, stdout, stderr: stderr + String(e.message) });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ rc: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run() but throws TSPLAY_LAB with the command, its stderr tail and a hint. */
export async function runOk(argv: readonly string[], what: string, opts: RunOpts & { hint?: string } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.rc !== 0) {
    throw new TsplayError('TSPLAY_LAB', `${what} failed (exit ${r.rc}): ${argv.join(' ')}`, {
      excerpt: tail(r.stderr || r.stdout, 12),
      hint: opts.hint,
    });
  }
  return r.stdout;
}

export function runSync(argv: readonly string[]): RunResult {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { rc: r.status ?? 127, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n    ');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
