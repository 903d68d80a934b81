/**
 * `tsplay lab down`: power the hosts off, unmount, remove the bridge. Works
 * from what is really there (nspawn processes whose -D is under the lab dir,
 * mounts under it, links of its bridge) so it also cleans after a crash, and
 * touches nothing that is not the lab's.
 */
import { existsSync, readdirSync } from 'node:fs';
import { cgroupPids, labCgroups, removeCgroup } from './cgroup.js';
import { containerInit as initOf } from './state.js';
import { killAfter } from './hosts.js';
import { removeRepoCopy } from './inventory.js';
import { bridgePorts, deleteLink, linkExists } from './network.js';
import { bridgeName, LABS_DIR, labPaths } from './paths.js';
import { run, sleep } from './sh.js';
import { mountsUnder, nspawnProcessesUnder, readState } from './state.js';
import { destroyCache } from './template.js';

export interface DownReport {
  found: boolean;
  stopped: number;
  unmounted: number;
  links: string[];
}

async function stopProcesses(dir: string): Promise<number> {
  const procs = nspawnProcessesUnder(dir);
  await Promise.all(
    procs.map(async (p) => {
      const init = initOf(p.pid);
      if (init !== undefined) await run(['nsenter', '-t', String(init), '-a', 'systemctl', 'poweroff'], { timeoutMs: 10_000 });
      await killAfter(p.pid, 30_000);
    }),
  );
  return procs.length;
}

/** Kills whatever is left in the lab's cgroups (a crashed nspawn's payload), then removes them. */
async function killLeftovers(lab: string): Promise<number> {
  let killed = 0;
  for (const dir of labCgroups(lab)) {
    for (const pid of cgroupPids(dir)) {
      killed++;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const until = Date.now() + 5000;
    while (cgroupPids(dir).length > 0 && Date.now() < until) await sleep(100);
    removeCgroup(dir);
  }
  return killed;
}

async function unmountAll(dir: string): Promise<number> {
  const mounts = mountsUnder(dir);
  for (const m of mounts) {
    if ((await run(['umount', m])).rc !== 0) {
      await sleep(300);
      if ((await run(['umount', m])).rc !== 0) await run(['umount', '-l', m]);
    }
  }
  return mounts.length;
}

/** Links that are the lab's: its bridge, the bridge's ports, and veths named in its record. */
async function removeLinks(lab: string, veths: string[]): Promise<string[]> {
  const bridge = bridgeName(lab);
  const names = new Set<string>(veths);
  for (const port of await bridgePorts(bridge)) names.add(port);
  const removed: string[] = [];
  for (const name of names) {
    if (await linkExists(name)) {
      await deleteLink(name);
      removed.push(name);
    }
  }
  if (await linkExists(bridge)) {
    await deleteLink(bridge);
    removed.push(bridge);
  }
  return removed;
}

export async function downLab(lab: string): Promise<DownReport> {
  const p = labPaths(lab);
  const state = readState(lab);
  const stopped = await stopProcesses(p.dir);
  await killLeftovers(lab);
  const unmounted = await unmountAll(p.dir);
  // veths disappear with their namespace; only leftovers of a killed nspawn remain
  const links = await removeLinks(lab, state?.hosts.map((h) => h.veth) ?? []);
  const found = !!state || stopped + unmounted + links.length > 0 || existsSync(p.dir);
  if (mountsUnder(p.dir).length === 0) await run(['rm', '-rf', '--one-file-system', p.dir]);
  removeRepoCopy(lab, state?.repoInventory);
  return { found, stopped, unmounted, links };
}

export function labNames(): string[] {
  try {
    return readdirSync(LABS_DIR);
  } catch {
    return [];
  }
}

/** Every lab down, then the cache (template, repository, key) removed. */
export async function destroyAll(): Promise<string[]> {
  const labs = labNames();
  for (const lab of labs) await downLab(lab);
  await destroyCache();
  return labs;
}
