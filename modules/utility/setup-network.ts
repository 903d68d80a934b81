/** Pure parsers of `ip -o link`, `ip -o -4 addr` and `ip route` output into Ansible's network facts. */
import type { Facts } from './setup-facts.js';

interface Link {
  device: string;
  active: boolean;
  promisc: boolean;
  mtu: number;
  type: string;
  macaddress?: string;
}

interface Ipv4 {
  address: string;
  prefix: string;
  netmask: string;
  network: string;
  broadcast: string;
  label: string;
}

export function prefixToNetmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

export function networkOf(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((x, i) => x & m[i]!).join('.');
}

export function parseLinks(text: string): Link[] {
  const out: Link[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>\s+mtu\s+(\d+)/.exec(line);
    if (!m) continue;
    const flags = m[2]!.split(',');
    const link = /link\/(\w+)(?:\s+([0-9a-f:]{17}))?/.exec(line);
    const type = link?.[1] ?? 'unknown';
    const l: Link = { device: m[1]!, active: flags.includes('UP'), promisc: flags.includes('PROMISC'), mtu: Number(m[3]), type };
    if (link?.[2] && type !== 'loopback') l.macaddress = link[2];
    out.push(l);
  }
  return out;
}

export function parseAddrs(text: string): Map<string, Ipv4[]> {
  const byDev = new Map<string, Ipv4[]>();
  for (const line of text.split('\n')) {
    const words = (line.split('\\')[0] ?? '').trim().split(/\s+/);
    const inet = words.indexOf('inet');
    const m = /^([\d.]+)\/(\d+)$/.exec(words[inet + 1] ?? '');
    if (inet < 0 || !m || words.length < 3) continue;
    const dev = words[1]!;
    const brd = words.indexOf('brd');
    const netmask = prefixToNetmask(Number(m[2]));
    const addr: Ipv4 = {
      address: m[1]!, prefix: m[2]!, netmask, network: networkOf(m[1]!, netmask),
      broadcast: brd > 0 ? (words[brd + 1] ?? '') : '', label: words[words.length - 1]!,
    };
    byDev.set(dev, [...(byDev.get(dev) ?? []), addr]);
  }
  return byDev;
}

export interface Ipv6 {
  address: string;
  prefix: string;
  scope: string;
}

/** `ip -o -6 addr show` lines: "N: dev    inet6 ADDR/PREFIX [peer P/N] scope S ...". */
export function parseAddrs6(text: string): Map<string, Ipv6[]> {
  const byDev = new Map<string, Ipv6[]>();
  for (const line of text.split('\n')) {
    const words = (line.split('\\')[0] ?? '').trim().split(/\s+/);
    const at = words.indexOf('inet6');
    if (at < 0 || words.length < at + 4) continue;
    const w = words.slice(at);
    const peer = w[2] === 'peer';
    const [address = '', ownPrefix = ''] = w[1]!.split('/');
    const prefix = peer ? (w[3]!.split('/')[1] ?? '') : ownPrefix;
    const scope = (peer ? w[5] : w[3]) ?? '';
    const dev = words[1]!;
    byDev.set(dev, [...(byDev.get(dev) ?? []), { address, prefix, scope }]);
  }
  return byDev;
}

/** "8.8.8.8 via G dev D src A" (route get) or "default via G dev D" (route show). */
export function parseRoute(getText: string, defaultText: string): { gateway?: string; interface?: string; address?: string } | undefined {
  for (const text of [getText, defaultText]) {
    const line = text.split('\n')[0] ?? '';
    const dev = /\bdev\s+(\S+)/.exec(line)?.[1];
    if (!dev) continue;
    return { gateway: /\bvia\s+(\S+)/.exec(line)?.[1], interface: dev, address: /\bsrc\s+(\S+)/.exec(line)?.[1] };
  }
  return undefined;
}

export function factKey(device: string): string {
  return device.replace(/[-:.]/g, '_');
}

export function networkFacts(s: Record<string, string>): Facts {
  const links = parseLinks(s.links ?? '');
  const addrs = parseAddrs(s.addrs ?? '');
  const facts: Facts = {
    interfaces: links.map((l) => l.device),
    all_ipv4_addresses: [...addrs.values()].flat().map((a) => a.address).filter((a) => !a.startsWith('127.')),
  };
  for (const link of links) {
    const [first, ...secondaries] = addrs.get(link.device) ?? [];
    const dev: Facts = { device: link.device, active: link.active, promisc: link.promisc, mtu: link.mtu, type: link.type };
    if (link.macaddress) dev.macaddress = link.macaddress;
    if (first) dev.ipv4 = ipv4Fact(first);
    if (secondaries.length) dev.ipv4_secondaries = secondaries.map(ipv4Fact);
    facts[factKey(link.device)] = dev;
  }
  facts.default_ipv4 = defaultIpv4(s, links, addrs);
  addSysfsDetails(facts, s.sysnet ?? '');
  Object.assign(facts, ipv6Facts(s, links));
  addInterfaceIpv6(facts, s);
  return facts;
}

const V6_TARGET = '2404:6800:400a:800::1012';

/** all_ipv6_addresses, default_ipv6 and each interface's ipv6 list (facts of the interfaces already built). */
function ipv6Facts(s: Record<string, string>, links: Link[]): Facts {
  const addrs = parseAddrs6(s.addrs6 ?? '');
  const out: Facts = { all_ipv6_addresses: [...addrs.values()].flat().map((a) => a.address).filter((a) => a !== '::1') };
  const words = (s.route6_get ?? '').split('\n')[0]!.trim().split(/\s+/);
  const route: Facts = {};
  if (words[0] === V6_TARGET) {
    for (let i = 0; i < words.length - 1; i++) {
      if (words[i] === 'dev') route.interface = words[i + 1];
      else if (words[i] === 'src') route.address = words[i + 1];
      else if (words[i] === 'via' && words[i + 1] !== V6_TARGET) route.gateway = words[i + 1];
    }
  }
  for (const [dev, list] of addrs) {
    const hit = list.find((a) => a.address === route.address);
    const link = links.find((l) => l.device === dev);
    if (!hit || !link) continue;
    Object.assign(route, { prefix: hit.prefix, scope: hit.scope, macaddress: link.macaddress ?? 'unknown', mtu: link.mtu, type: link.type });
  }
  out.default_ipv6 = route;
  return out;
}

/** Adds each interface's ipv6 list to its fact (Ansible's interface facts carry both families). */
function addInterfaceIpv6(facts: Facts, s: Record<string, string>): void {
  for (const [dev, list] of parseAddrs6(s.addrs6 ?? '')) {
    const fact = facts[factKey(dev)] as Facts | undefined;
    if (fact) fact.ipv6 = list.map((a) => ({ address: a.address, prefix: a.prefix, scope: a.scope }));
  }
}

function ipv4Fact(a: Ipv4): Facts {
  return { address: a.address, broadcast: a.broadcast, netmask: a.netmask, network: a.network, prefix: a.prefix };
}

function defaultIpv4(s: Record<string, string>, links: Link[], addrs: Map<string, Ipv4[]>): Facts {
  const route = parseRoute(s.route_get ?? '', s.route_default ?? '');
  if (!route?.interface) return {};
  const list = addrs.get(route.interface) ?? [];
  const addr = list.find((a) => a.address === route.address) ?? list[0];
  const link = links.find((l) => l.device === route.interface);
  const out: Facts = { interface: route.interface, address: route.address ?? addr?.address ?? '' };
  if (route.gateway) out.gateway = route.gateway;
  if (addr) Object.assign(out, { alias: addr.label, broadcast: addr.broadcast, netmask: addr.netmask, network: addr.network, prefix: addr.prefix });
  if (link) Object.assign(out, { macaddress: link.macaddress ?? 'unknown', mtu: link.mtu, type: link.type });
  return out;
}

/**
 * /sys/class/net details as Ansible reads them: active from operstate, promisc
 * from the flags (IFF_PROMISC, also set on bridge ports), speed, pciid and the
 * bridge id, stp state and ports. Lines "DEV key value" and `ls -ld DEV/device`.
 */
function addSysfsDetails(facts: Facts, text: string): void {
  for (const line of text.split('\n')) {
    const link = /\/sys\/class\/net\/([^/]+)\/device -> .*?([^/]+)$/.exec(line);
    const [dev = '', key = '', value = ''] = link ? [link[1], 'pciid', link[2]] : line.trim().split(/\s+/);
    const fact = facts[factKey(dev)] as Facts | undefined;
    if (!fact || typeof fact !== 'object' || !value) continue;
    if (key === 'operstate') fact.active = value !== 'down';
    else if (key === 'flags') fact.promisc = (parseInt(value, 16) & 0x100) > 0;
    else if (key === 'speed' && /^-?\d+$/.test(value)) fact.speed = Number(value);
    else if (key === 'pciid') fact.pciid = value;
    else if (key === 'bridge_id') Object.assign(fact, { type: 'bridge', id: value, interfaces: (fact.interfaces as string[] | undefined) ?? [] });
    else if (key === 'stp') fact.stp = value === '1';
    else if (key === 'brif') fact.interfaces = [...((fact.interfaces as string[] | undefined) ?? []), value];
  }
}
