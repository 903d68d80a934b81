/**
 * Each host gets its own cgroup. Without systemd as PID 1 on the controller,
 * `nspawn --keep-unit` would use the caller's cgroup as every container's
 * root, so the hosts' systemds would share (and fight over) one tree: units
 * fail with "Failed at step CGROUP" and a poweroff in one host can kill
 * processes of another. Also the sure way to find a host's leftover processes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from './state.js';

/** Mount points of the hierarchies nspawn uses: name=systemd (v1) and the unified one. */
function hierarchies(): { mount: string; key: string }[] {
  const out: { mount: string; key: string }[] = [];
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return [{ mount: '/sys/fs/cgroup', key: '0::' }];
  if (existsSync('/sys/fs/cgroup/unified/cgroup.procs')) out.push({ mount: '/sys/fs/cgroup/unified', key: '0::' });
  if (existsSync('/sys/fs/cgroup/systemd/cgroup.procs')) out.push({ mount: '/sys/fs/cgroup/systemd', key: 'name=systemd:' });
  return out;
}

function ownPath(key: string): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.slice(l.indexOf(':') + 1).startsWith(key));
  const path = line ? line.slice(line.indexOf(':') + 1 + key.length) : '/';
  return path === '/' ? '' : path;
}

export const cgroupName = (lab: string, host: string): string => `tsplay-${lab}-${host}`;

/** The host's cgroup directories (one per hierarchy), created. */
export function hostCgroups(lab: string, host: string): string[] {
  return hierarchies().map((h) => {
    const dir = join(h.mount, ownPath(h.key), cgroupName(lab, host));
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

/** Every tsplay-LAB-* cgroup directory of a lab, across hierarchies. */
export function labCgroups(lab: string): string[] {
  const out: string[] = [];
  for (const h of hierarchies()) {
    const base = join(h.mount, ownPath(h.key));
    let names: string[] = [];
    try {
      names = readdirSync(base);
    } catch {
      names = [];
    }
    for (const n of names) if (n.startsWith(`tsplay-${lab}-`)) out.push(join(base, n));
  }
  return out;
}

/** The pids still in a cgroup tree. */
export function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string): void => {
    try {
      pids.push(...readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      /* removed meanwhile */
    }
  };
  walk(dir);
  return pids.filter(alive);
}

/** Removes an empty cgroup tree, deepest first. */
export function removeCgroup(dir: string): void {
  const walk = (d: string): void => {
    try {
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
      rmdirSync(d);
    } catch {
      /* busy or gone */
    }
  };
  walk(dir);
}
