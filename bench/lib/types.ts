import type { RecapTotals, ToolName } from './tools.js';

export type Phase = 'converge' | 'noop' | 'drift';
export const PHASES: readonly Phase[] = ['converge', 'noop', 'drift'];

export interface Sample {
  tool: ToolName;
  hosts: number;
  phase: Phase;
  rep: number;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number;
  recap?: RecapTotals;
  error?: string;
  /** server-side, from sshd's logs: max and mean over hosts */
  connectionsMax: number;
  connectionsMean: number;
  sessionsMax: number;
  sessionsMean: number;
  sessionKinds: Record<string, number>;
  /** files changed by the drift step before this run */
  driftedFiles?: number;
}

export interface BytesSample {
  tool: ToolName;
  phase: Phase;
  sentBytes: number;
  receivedBytes: number;
  connections: number;
  sessions: number;
}

export interface StartupResult {
  versionMs: number[];
  checkMs: number[];
  checkCommand: string;
}

export interface Environment {
  date: string;
  nproc: number;
  memoryGb: number;
  kernel: string;
  cpuModel: string;
  loadBefore: number[];
  loadAfter?: number[];
  node: string;
  tsplay: string;
  ansible: string;
  openssh: string;
  command: string;
}

export interface BenchResults {
  env: Environment;
  options: { hosts: number[]; reps: number; defaultsReps: number; ansibleMaxHosts: number; defaultsMaxHosts: number; tools: ToolName[]; loginRc?: boolean };
  samples: Sample[];
  bytes: BytesSample[];
  startup?: StartupResult;
  durationS?: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
