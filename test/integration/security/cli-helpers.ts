/** Runs the built CLI (dist/, `npm run build`) as a user would, capturing everything it prints. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPO, 'bin/tsplay.js');

/**
 * A generous connect timeout: on a machine loaded by other suites the SSH
 * handshake sometimes takes longer than 10 s (the default). (The remote
 * shell's start has its own deadline, shellStartTimeoutMs, at least 30 s.)
 */
const BASE_ENV = { NO_COLOR: '1', TSPLAY_TIMEOUT: '45' };

export function cliBuilt(): boolean {
  return existsSync(join(REPO, 'dist/engine/cli/main.js'));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

export function tsplay(args: string[], opts: CliOptions): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...BASE_ENV, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Same, but asynchronous, so the test can act while it runs (signals, killing sshd). */
export function tsplayAsync(args: string[], opts: CliOptions & { onStdout?: (all: string, child: ReturnType<typeof spawn>) => void }): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...BASE_ENV, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    opts.onStdout?.(stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  return new Promise((resolvePromise) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** The tty renderer: the CLI under `script`, which gives it a pseudo-terminal. */
export function tsplayTty(args: string[], opts: CliOptions): CliResult {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    cwd: opts.cwd,
    env: { ...process.env, ...BASE_ENV, TERM: 'xterm-256color', COLUMNS: '120', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
