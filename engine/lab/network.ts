/**
 * The lab's network: one Linux bridge with a private subnet, the controller at
 * .1, hosts from .11 on. No NAT and no forwarding rules are ever added: hosts
 * have no gateway and reach only the bridge.
 */
import { TsplayError } from '../errors.js';
import { run, runOk } from './sh.js';

export interface Subnet {
  /** network address as a 32-bit number */
  base: number;
  prefix: number;
  cidr: string;
}

const FIRST_HOST_OFFSET = 11;

export function ipToNum(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function numToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses A.B.C.D/P; the address must be the network address. */
export function parseSubnet(cidr: string): Subnet {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  const ip = m ? ipToNum(m[1]!) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 16 && prefix <= 26)) {
    throw new TsplayError('TSPLAY_LAB', `invalid subnet "${cidr}"`, { hint: 'give a private network address with a prefix from /16 to /26, e.g. 10.213.0.0/24' });
  }
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) {
    throw new TsplayError('TSPLAY_LAB', `"${cidr}" is not a network address`, { hint: `did you mean ${numToIp(ip - (ip % size))}/${prefix}?` });
  }
  return { base: ip, prefix, cidr: `${numToIp(ip)}/${prefix}` };
}

export const controllerAddress = (s: Subnet): string => numToIp(s.base + 1);

export function hostAddress(s: Subnet, index: number): string {
  const n = s.base + FIRST_HOST_OFFSET + index;
  if (n >= s.base + 2 ** (32 - s.prefix) - 1) {
    throw new TsplayError('TSPLAY_LAB', `subnet ${s.cidr} is too small for ${index + 1} hosts`, { hint: 'use a /24' });
  }
  return numToIp(n);
}

export interface Route {
  dst: string;
  dev?: string;
}

/** Routes from `ip -j route` (recorded output is parsed in the unit tests). */
export function parseRoutes(json: string): Route[] {
  const list = JSON.parse(json || '[]') as { dst?: string; dev?: string }[];
  return list.filter((r) => typeof r.dst === 'string').map((r) => ({ dst: r.dst!, dev: r.dev }));
}

function routeRange(dst: string): [number, number] | undefined {
  if (dst === 'default') return undefined;
  const [addr, p] = dst.split('/');
  const ip = ipToNum(addr ?? '');
  if (ip === undefined) return undefined;
  const size = 2 ** (32 - (p === undefined ? 32 : Number(p)));
  const start = ip - (ip % size);
  return [start, start + size - 1];
}

/** The routes whose destination overlaps the subnet (the default route never counts). */
export function overlappingRoutes(s: Subnet, routes: Route[], ignoreDev?: string): Route[] {
  const lo = s.base;
  const hi = s.base + 2 ** (32 - s.prefix) - 1;
  return routes.filter((r) => {
    if (ignoreDev && r.dev === ignoreDev) return false;
    const range = routeRange(r.dst);
    return range !== undefined && range[0] <= hi && lo <= range[1];
  });
}

export async function controllerRoutes(): Promise<Route[]> {
  return parseRoutes(await runOk(['ip', '-j', 'route'], 'listing routes'));
}

export function assertSubnetFree(s: Subnet, routes: Route[], bridge: string): void {
  const clash = overlappingRoutes(s, routes, bridge);
  if (clash.length === 0) return;
  const list = clash.map((r) => `${r.dst}${r.dev ? ` dev ${r.dev}` : ''}`).join(', ');
  throw new TsplayError('TSPLAY_LAB', `subnet ${s.cidr} overlaps a network this machine already routes: ${list}`, {
    hint: 'the lab would shadow or hijack that network; choose another with --subnet 10.X.Y.0/24 (or bring down the lab using it: tsplay lab down --name NAME)',
  });
}

/** The first free 10.213.k.0/24, for a lab whose subnet was not given. */
export function pickFreeSubnet(routes: Route[], bridge: string, preferred: Subnet): Subnet {
  if (overlappingRoutes(preferred, routes, bridge).length === 0) return preferred;
  for (let k = 1; k < 255; k++) {
    const s = parseSubnet(`10.213.${k}.0/24`);
    if (overlappingRoutes(s, routes, bridge).length === 0) return s;
  }
  throw new TsplayError('TSPLAY_LAB', 'no free 10.213.k.0/24 subnet', { hint: 'give one with --subnet' });
}

export async function linkExists(name: string): Promise<boolean> {
  return (await run(['ip', 'link', 'show', 'dev', name])).rc === 0;
}

export async function createBridge(name: string, s: Subnet): Promise<void> {
  if (!(await linkExists(name))) {
    await runOk(['ip', 'link', 'add', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'], `creating bridge ${name}`);
  }
  await run(['ip', 'addr', 'add', `${controllerAddress(s)}/${s.prefix}`, 'dev', name]);
  await runOk(['ip', 'link', 'set', name, 'up'], `bringing bridge ${name} up`);
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await run(['ip', 'link', 'del', name]);
}

/** Names of the links enslaved to a bridge. */
export async function bridgePorts(bridge: string): Promise<string[]> {
  const r = await run(['ip', '-j', 'link', 'show', 'master', bridge]);
  if (r.rc !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname);
}

export async function setLink(name: string, up: boolean): Promise<void> {
  await runOk(['ip', 'link', 'set', name, up ? 'up' : 'down'], `setting ${name} ${up ? 'up' : 'down'}`);
}

/** Whether the link is administratively up. */
export async function linkIsUp(name: string): Promise<boolean | undefined> {
  const r = await run(['ip', '-j', 'link', 'show', 'dev', name]);
  if (r.rc !== 0) return undefined;
  const [l] = JSON.parse(r.stdout) as { flags?: string[] }[];
  return (l?.flags ?? []).includes('UP');
}
