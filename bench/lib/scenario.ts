/**
 * One host count: start N sshd hosts, then per repetition each tool in turn
 * converges fresh directories, reruns (no-op), and runs again after drift.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countSince, logMarks, settle } from './accounting.js';
import { measure } from './measure.js';
import { startRelay } from './relay.js';
import { startBenchSshd, type BenchSshd } from './sshd.js';
import { makeTool, type Tool, type ToolName, type ToolSetup } from './tools.js';
import { PHASES, type BytesSample, type Phase, type Sample } from './types.js';
import { applyDrift, preparePlaybook, resetHosts } from './workload.js';

export interface ScenarioOptions {
  hosts: number;
  reps: number;
  /** how many repetitions each tool gets at this host count (0: not run) */
  repsFor: (tool: ToolName) => number;
  tools: readonly ToolName[];
  log: (line: string) => void;
  /** also run the untimed byte-accounting pass through a relay (first host) */
  accountBytes: boolean;
  /** the hosts' login shell reads ~/.bashrc (see BenchSshdOptions.loginRc) */
  loginRc?: boolean;
}

export interface ScenarioResult {
  samples: Sample[];
  bytes: BytesSample[];
}

async function runPhase(tool: Tool, sshd: BenchSshd, phase: Phase, ctx: { hosts: number; rep: number }): Promise<Sample> {
  const driftedFiles = phase === 'drift' ? applyDrift(sshd.hosts.map((h) => h.dir)) : undefined;
  const marks = logMarks(sshd.hosts);
  const m = await measure(tool.invocation());
  await tool.afterRun();
  await settle();
  const counts = countSince(sshd.hosts, marks);
  const sample: Sample = { tool: tool.name, hosts: ctx.hosts, phase, rep: ctx.rep, wallS: m.wallS, cpuS: m.cpuS, peakRssMb: m.peakRssMb, exitCode: m.exitCode, driftedFiles, ...counts };
  try {
    sample.recap = tool.recap(m.stdout);
  } catch (e) {
    sample.error = `${(e as Error).message.slice(0, 300)} ${m.stderr.slice(-300)}`;
  }
  if (m.exitCode !== 0 && !sample.error) sample.error = `exit ${m.exitCode}: ${m.stderr.slice(-300)}`;
  return sample;
}

function setupFor(sshd: BenchSshd, runDir: string, playbook: string, inventoryText: string): ToolSetup {
  const inventory = join(runDir, `hosts-${Math.random().toString(36).slice(2, 8)}.ini`);
  writeFileSync(inventory, inventoryText);
  return { runDir, playbook, inventory, knownHosts: sshd.knownHostsPath, hosts: sshd.hosts.length };
}

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioResult> {
  const sshd = await startBenchSshd(opts.hosts, { loginRc: opts.loginRc });
  const runDir = mkdtempSync(join(tmpdir(), 'tsplay-bench-run-'));
  // an interrupted bench must not leave N sshd processes behind
  const onSignal = (sig: NodeJS.Signals) => {
    sshd.stop();
    rmSync(runDir, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const samples: Sample[] = [];
  let bytes: BytesSample[] = [];
  try {
    const playbook = preparePlaybook(runDir);
    const setup = setupFor(sshd, runDir, playbook, sshd.inventoryIni('bench'));
    for (let rep = 1; rep <= opts.reps; rep++) {
      for (const name of opts.tools) {
        if (rep > opts.repsFor(name)) continue;
        const tool = makeTool(name, setup);
        resetHosts(sshd.hosts.map((h) => h.dir));
        for (const phase of PHASES) {
          const s = await runPhase(tool, sshd, phase, { hosts: opts.hosts, rep });
          samples.push(s);
          opts.log(`  N=${opts.hosts} rep ${rep} ${name.padEnd(16)} ${phase.padEnd(8)} ${s.wallS.toFixed(2)} s  cpu ${s.cpuS.toFixed(2)} s  rss ${s.peakRssMb.toFixed(0)} MB  sessions/host ${s.sessionsMean.toFixed(1)}  conns/host ${s.connectionsMax}${s.recap ? `  changed ${s.recap.changed}` : ''}${s.error ? `  ERROR ${s.error}` : ''}`);
        }
      }
    }
    if (opts.accountBytes) bytes = await accountBytes(sshd, runDir, playbook, opts);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    sshd.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
  return { samples, bytes };
}

/** Untimed: the first host behind a counting relay, each tool once. */
async function accountBytes(sshd: BenchSshd, runDir: string, playbook: string, opts: ScenarioOptions): Promise<BytesSample[]> {
  const host = sshd.hosts[0]!;
  const relay = await startRelay(host.port);
  const out: BytesSample[] = [];
  try {
    const hostKey = readFileSync(sshd.knownHostsPath, 'utf8').split('\n')[0]!.split(' ').slice(1).join(' ');
    appendFileSync(sshd.knownHostsPath, `[127.0.0.1]:${relay.port} ${hostKey}\n`);
    const inv = sshd.inventoryIni('bench').split('\n').slice(0, 2).join('\n').replace(`ansible_port=${host.port}`, `ansible_port=${relay.port}`);
    const setup = { ...setupFor(sshd, runDir, playbook, `${inv}\n`), hosts: 1 };
    const only = { ...sshd, hosts: [host] };
    for (const name of opts.tools) {
      if (opts.repsFor(name) === 0) continue;
      const tool = makeTool(name, setup);
      resetHosts([host.dir]);
      for (const phase of PHASES) {
        relay.reset();
        const s = await runPhase(tool, only, phase, { hosts: 1, rep: 0 });
        out.push({ tool: name, phase, sentBytes: relay.sent, receivedBytes: relay.received, connections: s.connectionsMax, sessions: s.sessionsMax });
        opts.log(`  bytes ${name.padEnd(16)} ${phase.padEnd(8)} sent ${relay.sent} received ${relay.received}${s.error ? `  ERROR ${s.error}` : ''}`);
      }
    }
  } finally {
    await relay.close();
  }
  return out;
}
