/**
 * The lab as a TypeScript API for tests: real Debian bookworm hosts with
 * systemd, booted with systemd-nspawn over overlays of a cached template.
 */
import { downLab, type DownReport } from './down.js';
import { execOn, setHostLink, startLabHost, stopLabHost, type ExecVia } from './ops.js';
import { labKeyPath, labPaths } from './paths.js';
import type { ProgressMode } from './progress.js';
import { defaultTopology, loadTopology, type Topology } from './topology.js';
import { upLab } from './up.js';

export { labAvailable } from './preflight.js';
export type { Topology, TopologyHost } from './topology.js';
export { labStatus, formatStatus } from './ops.js';
export { downLab } from './down.js';

export interface LabHost {
  name: string;
  address: string;
  groups: string[];
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  name: string;
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  /** controller address on the lab bridge */
  controller: string;
  bridge: string;
  hosts: LabHost[];
  /** the lab was already up (startLab reused it) */
  reused: boolean;
  /** seconds to a ready lab */
  seconds: number;
  builtTemplate: boolean;
  /** runs `cmd` with /bin/sh on the host, over SSH (default) or nsenter */
  exec(host: string, cmd: string, opts?: { via?: ExecVia; timeoutMs?: number }): Promise<ExecResult>;
  stop(host: string): Promise<void>;
  start(host: string): Promise<void>;
  cut(host: string): Promise<void>;
  heal(host: string): Promise<void>;
  down(): Promise<DownReport>;
}

export interface StartLabOptions {
  name: string;
  hosts?: number;
  /** a topology, or the path of a topology YAML file */
  topology?: Topology | string;
  subnet?: string;
  progress?: ProgressMode;
}

export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const topology =
    typeof opts.topology === 'string' ? await loadTopology(opts.topology) : (opts.topology ?? defaultTopology(opts.hosts ?? 3, opts.name));
  const r = await upLab({ name: opts.name, topology, subnet: opts.subnet, progress: opts.progress ?? 'silent' });
  const name = opts.name;
  const p = labPaths(name);
  return {
    name,
    inventoryPath: p.inventory,
    knownHostsPath: p.knownHosts,
    keyPath: labKeyPath(),
    controller: r.state.controller,
    bridge: r.state.bridge,
    hosts: r.state.hosts.map((h) => ({ name: h.name, address: h.address, groups: [...h.groups] })),
    reused: r.reused,
    seconds: r.seconds,
    builtTemplate: r.builtTemplate,
    exec: (host, cmd, o = {}) => execOn(name, host, cmd, o.via ?? 'ssh', o.timeoutMs),
    stop: (host) => stopLabHost(name, host),
    start: (host) => startLabHost(name, host),
    cut: async (host) => void (await setHostLink(name, host, false)),
    heal: async (host) => void (await setHostLink(name, host, true)),
    down: () => downLab(name),
  };
}
