/** Where the lab keeps things, and how its names are derived. */
import { join } from 'node:path';
import { TsplayError } from '../errors.js';

export const CACHE_DIR = process.env.TSPLAY_LAB_CACHE ?? '/var/cache/tsplay';
export const LABS_DIR = process.env.TSPLAY_LAB_STATE ?? '/var/lib/tsplay/labs';
export const DEFAULT_LAB = 'lab';
export const DEFAULT_SUBNET = '10.213.0.0/24';

export const templateDir = (): string => join(CACHE_DIR, 'rootfs');
export const templateStamp = (): string => join(CACHE_DIR, 'rootfs.ready.json');
export const labKeyPath = (): string => join(CACHE_DIR, 'lab_key');

export interface LabPaths {
  dir: string;
  state: string;
  inventory: string;
  knownHosts: string;
  hostDir(host: string): string;
  merged(host: string): string;
  console(host: string): string;
}

export function labPaths(name: string): LabPaths {
  const dir = join(LABS_DIR, name);
  const hostDir = (host: string): string => join(dir, 'hosts', host);
  return {
    dir,
    state: join(dir, 'lab.json'),
    inventory: join(dir, 'inventory.ini'),
    knownHosts: join(dir, 'known_hosts'),
    hostDir,
    merged: (host) => join(hostDir(host), 'merged'),
    console: (host) => join(hostDir(host), 'console.log'),
  };
}

/** Interface names are at most 15 characters (IFNAMSIZ - 1). */
export const IFNAMSIZ_MAX = 15;

export function bridgeName(lab: string): string {
  return `tsplay-${lab}`;
}

/**
 * nspawn names the host side of a bridged veth "vb-" + machine name; names
 * longer than 15 characters get shortened (with a hash from systemd 251 on).
 * Host names are kept short enough that the name is exactly vb-NAME, and the
 * real name is checked after boot (see hosts.ts findVeth).
 */
export function vethName(machine: string): string {
  return `vb-${machine}`.slice(0, IFNAMSIZ_MAX);
}

const LAB_NAME = /^[a-z][a-z0-9]{0,7}$/;
const HOST_NAME = /^[a-z][a-z0-9-]{0,11}$/;

export function checkLabName(name: string): void {
  if (!LAB_NAME.test(name)) {
    throw new TsplayError('TSPLAY_LAB', `invalid lab name "${name}"`, {
      hint: `use 1-8 lowercase letters or digits, starting with a letter (the bridge is ${bridgeName('NAME')}, at most 15 characters)`,
    });
  }
}

export function isValidHostName(name: string): boolean {
  return HOST_NAME.test(name) && !name.endsWith('-');
}
