/**
 * One timed run of a controller command under GNU time: wall clock, CPU time
 * (user + system of the process and every child it waited for: Ansible's
 * workers and ssh clients count) and peak RSS (the largest single process).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** GNU time's -o file: `%e %U %S %M` (seconds, seconds, seconds, KB) */
export function parseTimeLine(text: string): { cpuS: number; peakRssMb: number } {
  const line = text.trim().split('\n').pop() ?? '';
  const [, user, sys, rssKb] = line.split(' ').map(Number);
  if ([user, sys, rssKb].some((n) => n === undefined || Number.isNaN(n))) throw new Error(`unexpected GNU time output: ${text}`);
  return { cpuS: user! + sys!, peakRssMb: rssKb! / 1024 };
}

export async function measure(opts: MeasureOptions): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-time-'));
  const timeFile = join(dir, 'time');
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, opts.command, ...opts.args], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    return { wallS, ...parseTimeLine(readFileSync(timeFile, 'utf8')), exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
