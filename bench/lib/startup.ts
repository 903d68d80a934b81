/**
 * Start-up time of the CLI, by repeated spawns (wall clock of each).
 */
import { measure } from './measure.js';
import { repoRoot, tsplayArgv } from './tools.js';
import type { StartupResult } from './types.js';

async function spawnTimes(args: string[], times: number): Promise<number[]> {
  const root = repoRoot();
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const m = await measure({ command: process.execPath, args: tsplayArgv(args), cwd: root });
    if (m.exitCode !== 0) throw new Error(`tsplay ${args.join(' ')} exited ${m.exitCode}: ${m.stderr.slice(-300)}`);
    out.push(m.wallS * 1000);
  }
  return out;
}

export async function measureStartup(times: number): Promise<StartupResult> {
  const checkArgs = ['check', 'playbooks/site.yml', '-i', 'inventories/prod.ini'];
  await spawnTimes(['--version'], 1); // warm the file cache
  return {
    versionMs: await spawnTimes(['--version'], times),
    checkMs: await spawnTimes(checkArgs, times),
    checkCommand: `tsplay ${checkArgs.join(' ')}`,
  };
}
