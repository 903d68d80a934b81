/** Day-to-day lab operations: status, exec, stop/start, cut/heal. */
import { TsplayError } from '../errors.js';
import { hostInit, nsenterExec, powerOff, sshExec } from './hosts.js';
import { linkIsUp, setLink } from './network.js';
import { DEFAULT_LAB, labPaths } from './paths.js';
import type { RunResult } from './sh.js';
import { readState, type HostRecord, type LabState } from './state.js';
import { startHost, unknownHost } from './up.js';

/** Services the cluster roles run; status lists those active on each host. */
export const WATCHED_SERVICES = ['etcd', 'patroni', 'postgresql@15-main', 'haproxy', 'ufw', 'firewalld', 'ssh'];

export function loadLab(name: string): LabState {
  const state = readState(name);
  if (!state) throw new TsplayError('TSPLAY_LAB', `no lab named "${name}" is up`, { hint: name === DEFAULT_LAB ? 'tsplay lab up' : `tsplay lab up --name ${name}` });
  return state;
}

export function findHost(state: LabState, host: string): HostRecord {
  const h = state.hosts.find((x) => x.name === host || x.address === host);
  if (!h) throw unknownHost(state, host);
  return h;
}

export interface HostStatus {
  name: string;
  address: string;
  groups: string[];
  /** running | degraded | starting | stopped | ... */
  state: string;
  link: 'up' | 'cut' | 'absent';
  services: string[];
}

async function hostStatus(state: LabState, h: HostRecord): Promise<HostStatus> {
  const base = { name: h.name, address: h.address, groups: h.groups };
  if (hostInit(state.name, h.name) === undefined) return { ...base, state: 'stopped', link: 'absent', services: [] };
  const up = await linkIsUp(h.veth);
  const script = `systemctl is-system-running; for s in ${WATCHED_SERVICES.join(' ')}; do systemctl is-active --quiet "$s" && echo "svc $s"; done; true`;
  const r = await nsenterExec(state.name, h.name, script, 15_000);
  const lines = r.stdout.trim().split('\n');
  const services = lines.filter((l) => l.startsWith('svc ')).map((l) => l.slice(4));
  return { ...base, state: lines[0] || 'unknown', link: up === undefined ? 'absent' : up ? 'up' : 'cut', services };
}

export async function labStatus(name: string): Promise<{ state: LabState; hosts: HostStatus[] }> {
  const state = loadLab(name);
  return { state, hosts: await Promise.all(state.hosts.map((h) => hostStatus(state, h))) };
}

export function formatStatus(state: LabState, hosts: HostStatus[]): string {
  const rows = [['HOST', 'ADDRESS', 'STATE', 'LINK', 'GROUPS', 'SERVICES']];
  for (const h of hosts) rows.push([h.name, h.address, h.state, h.link, h.groups.join(',') || '-', h.services.join(',') || '-']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  return [`lab ${state.name}: bridge ${state.bridge} ${state.subnet} (controller ${state.controller})`, ...table].join('\n');
}

export type ExecVia = 'ssh' | 'nsenter';

export async function execOn(name: string, host: string, cmd: string, via: ExecVia = 'ssh', timeoutMs?: number): Promise<RunResult> {
  const state = loadLab(name);
  const h = findHost(state, host);
  if (via === 'nsenter') return nsenterExec(name, h.name, cmd, timeoutMs);
  return sshExec(h.address, labPaths(name).knownHosts, cmd, timeoutMs);
}

export async function stopLabHost(name: string, host: string): Promise<void> {
  const state = loadLab(name);
  await powerOff(name, findHost(state, host).name);
}

export async function startLabHost(name: string, host: string): Promise<void> {
  const state = loadLab(name);
  await startHost(state, findHost(state, host).name);
}

/** Cuts (or heals) the host's link on the bridge: `ip link set vb-NODE down|up`. */
export async function setHostLink(name: string, host: string, up: boolean): Promise<string> {
  const state = loadLab(name);
  const h = findHost(state, host);
  if (hostInit(name, h.name) === undefined) {
    throw new TsplayError('TSPLAY_LAB', `${h.name} is not running, it has no link to ${up ? 'heal' : 'cut'}`, { hint: `tsplay lab start ${h.name}` });
  }
  await setLink(h.veth, up);
  return h.veth;
}
