/** The machine and versions a result was measured with. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './tools.js';
import type { Environment } from './types.js';

function firstLine(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]!.trim();
  } catch (e) {
    const err = e as { stderr?: string };
    return err.stderr?.split('\n')[0]?.trim() || 'unavailable';
  }
}

export function describeEnvironment(command: string): Environment {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
  const ssh = execFileSync('ssh', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadBefore: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    tsplay: pkg.version,
    ansible: firstLine('ansible-playbook', ['--version']),
    openssh: ssh.trim() || firstLine('sh', ['-c', 'ssh -V 2>&1']),
    command,
  };
}
