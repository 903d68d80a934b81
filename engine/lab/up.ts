/** `tsplay lab up`: template (cached), bridge, overlays, boot, wait, inventory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { TsplayError } from '../errors.js';
import { bootHost, findVeth, prepareHost, waitReady, type HostEnv } from './hosts.js';
import { inventoryIni, knownHostsText, writeRepoCopy } from './inventory.js';
import { assertSubnetFree, controllerAddress, controllerRoutes, createBridge, hostAddress, linkExists, parseSubnet, pickFreeSubnet, type Subnet } from './network.js';
import { bridgeName, checkLabName, DEFAULT_SUBNET, labPaths, vethName } from './paths.js';
import { checkController } from './preflight.js';
import { runSteps, type ProgressMode } from './progress.js';
import { alive, mountsUnder, nspawnFor, nspawnProcessesUnder, readState, writeState, type LabState } from './state.js';
import { ensureTemplate, templateReady } from './template.js';
import { validateTopology, type Topology } from './topology.js';
import { downLab } from './down.js';

export interface UpOptions {
  name: string;
  topology: Topology;
  subnet?: string;
  installDeps?: boolean;
  progress?: ProgressMode;
  /** also write inventories/lab.ini when run inside the repository */
  copyInventory?: boolean;
}

export interface UpResult {
  state: LabState;
  /** the lab was already up: nothing was done */
  reused: boolean;
  builtTemplate: boolean;
  repoInventory?: string;
  seconds: number;
}

/** Running hosts of an existing lab, or a clear error when it is half up. */
function existingLab(name: string): LabState | undefined {
  const state = readState(name);
  const p = labPaths(name);
  if (!state) {
    if (nspawnProcessesUnder(p.dir).length > 0 || mountsUnder(p.dir).length > 0) {
      throw new TsplayError('TSPLAY_LAB', `lab ${name} has leftovers from an interrupted run`, { hint: `tsplay lab down --name ${name}` });
    }
    return undefined;
  }
  const stopped = state.hosts.filter((h) => nspawnFor(p.merged(h.name)) === undefined).map((h) => h.name);
  if (stopped.length > 0) {
    throw new TsplayError('TSPLAY_LAB', `lab ${name} exists but ${stopped.join(', ')} ${stopped.length > 1 ? 'are' : 'is'} not running`, {
      hint: `tsplay lab start HOST --name ${name}, or tsplay lab down --name ${name} and up again`,
    });
  }
  return state;
}

async function planLab(opts: UpOptions): Promise<LabState> {
  const bridge = bridgeName(opts.name);
  const routes = await controllerRoutes();
  let subnet: Subnet;
  if (opts.subnet) {
    subnet = parseSubnet(opts.subnet);
    assertSubnetFree(subnet, routes, bridge);
  } else subnet = pickFreeSubnet(routes, bridge, parseSubnet(DEFAULT_SUBNET));
  const hosts = opts.topology.hosts.map((h, i) => ({ name: h.name, groups: [...h.groups], address: hostAddress(subnet, i), machine: h.name, veth: vethName(h.name) }));
  for (const h of hosts) {
    if (await linkExists(h.veth)) {
      throw new TsplayError('TSPLAY_LAB', `link ${h.veth} already exists: another lab has a host named ${h.name}`, {
        hint: 'host names must be unique across the labs that are up; rename the host in the topology or bring the other lab down',
      });
    }
  }
  return { name: opts.name, subnet: subnet.cidr, bridge, controller: controllerAddress(subnet), hosts, createdAt: new Date().toISOString() };
}

export async function upLab(opts: UpOptions): Promise<UpResult> {
  const started = Date.now();
  checkLabName(opts.name);
  validateTopology(opts.topology);
  await checkController({ installDeps: opts.installDeps });
  const existing = existingLab(opts.name);
  if (existing) return { state: existing, reused: true, builtTemplate: false, seconds: 0 };
  let builtTemplate = false;
  let state: LabState | undefined;
  let repoInventory: string | undefined;
  try {
    await runSteps(
      [
        {
          title: 'Build the template (Debian bookworm + offline repository, cached)',
          skip: () => (templateReady() ? 'template cached' : false),
          run: async (note) => {
            builtTemplate = await ensureTemplate(note);
          },
        },
        { title: 'Plan addresses and the bridge', run: async () => void (state = await planLab(opts)) },
        { title: 'Create the bridge and the host overlays', run: async () => createHosts(state!) },
        { title: `Boot ${opts.topology.hosts.length} hosts and wait for SSH and systemd`, run: async (note) => bootAll(state!, note) },
        {
          title: 'Write the inventory',
          run: async () => {
            const text = inventoryIni(state!, labPaths(opts.name).knownHosts);
            writeFileSync(labPaths(opts.name).inventory, text);
            if (opts.copyInventory) repoInventory = writeRepoCopy(opts.name, text);
            if (repoInventory) writeState({ ...state!, repoInventory });
          },
        },
      ],
      opts.progress ?? 'silent',
    );
  } catch (e) {
    if (state && !process.env.TSPLAY_LAB_KEEP_FAILED) await downLab(opts.name).catch(() => undefined);
    throw e;
  }
  return { state: state!, reused: false, builtTemplate, repoInventory, seconds: (Date.now() - started) / 1000 };
}

function hostEnv(state: LabState): HostEnv {
  return { lab: state.name, bridge: state.bridge, prefix: parseSubnet(state.subnet).prefix, all: state.hosts };
}

async function createHosts(state: LabState): Promise<void> {
  const p = labPaths(state.name);
  mkdirSync(p.dir, { recursive: true });
  // recorded before anything is made, so `down` can clean up after a crash
  writeState(state);
  await createBridge(state.bridge, parseSubnet(state.subnet));
  const env = hostEnv(state);
  const keys = new Map<string, string>();
  for (const h of state.hosts) keys.set(h.name, await prepareHost(h, env));
  writeFileSync(p.knownHosts, knownHostsText(state, keys));
}

async function bootAll(state: LabState, note: (t: string) => void): Promise<void> {
  const env = { ...hostEnv(state), knownHosts: labPaths(state.name).knownHosts };
  await Promise.all(state.hosts.map((h) => bootHost(h, env)));
  let ready = 0;
  note(`0/${state.hosts.length} ready`);
  await Promise.all(
    state.hosts.map(async (h) => {
      await waitReady(h, env);
      h.veth = (await findVeth(state.name, h.name)) ?? h.veth;
      note(`${++ready}/${state.hosts.length} ready (${h.name})`);
    }),
  );
  writeState(state);
}

/** Brings one stopped host back (same overlay, so same identity and data). */
export async function startHost(state: LabState, host: string): Promise<void> {
  const h = state.hosts.find((x) => x.name === host);
  if (!h) throw unknownHost(state, host);
  const merged = labPaths(state.name).merged(host);
  const pid = nspawnFor(merged);
  if (pid !== undefined && alive(pid)) return;
  const env = { ...hostEnv(state), knownHosts: labPaths(state.name).knownHosts };
  // after a reboot of the controller the bridge and the overlay are gone: both are idempotent
  await createBridge(state.bridge, parseSubnet(state.subnet));
  await prepareHost(h, env);
  await bootHost(h, env);
  await waitReady(h, env);
}

export function unknownHost(state: LabState, host: string): TsplayError {
  return new TsplayError('TSPLAY_LAB', `no host "${host}" in lab ${state.name}`, { hint: `hosts: ${state.hosts.map((h) => h.name).join(', ')}` });
}
