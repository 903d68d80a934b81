/**
 * Pure parsers of the hardware sections of the setup script's output (CPU,
 * memory, mounts, DMI, uptime, load), following ansible-core 2.14's
 * LinuxHardware collector (module_utils/facts/hardware/linux.py).
 */
import type { Facts } from './setup-facts.js';

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l.trim() !== '');
}

const CPU_LIST_KEYS = new Set(['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor']);

interface CpuScan {
  processor: string[];
  sockets: Map<string, number>;
  cores: Map<string, number>;
  counts: { listed: number; vendor: number; model: number; processor: number };
  declaredCores?: number;
}

function scanCpuinfo(text: string): CpuScan {
  const scan: CpuScan = { processor: [], sockets: new Map(), cores: new Map(), counts: { listed: 0, vendor: 0, model: 0, processor: 0 } };
  let physid = '0';
  let coreid = '0';
  for (const line of lines(text)) {
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (CPU_LIST_KEYS.has(key)) {
      scan.processor.push(val);
      scan.counts.listed++;
      if (key === 'vendor_id') scan.counts.vendor++;
      if (key === 'model name') scan.counts.model++;
      if (key === 'processor') scan.counts.processor++;
    } else if (key === 'physical id') {
      physid = val;
      if (!scan.sockets.has(physid)) scan.sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // ansible-core 2.14 tests `coreid not in sockets` here (sic): kept for identical counts
      if (!scan.sockets.has(coreid)) scan.cores.set(coreid, 1);
    } else if (key === 'cpu cores') scan.sockets.set(physid, Number(val));
    else if (key === 'siblings') scan.cores.set(coreid, Number(val));
    else if (key === '# processors') scan.declaredCores = Number(val);
    else if (key === 'ncpus active') scan.counts.listed = Number(val);
  }
  return scan;
}

/**
 * processor, processor_count/cores/threads_per_core/vcpus/nproc from
 * /proc/cpuinfo lines, `nproc` (the affinity count) and the xen probe.
 */
export function cpuFacts(cpuinfo: string, opts: { architecture: string; nproc?: number; xenParavirt?: boolean }): Facts {
  if (cpuinfo.trim() === '') return {};
  const scan = scanCpuinfo(cpuinfo);
  let i = scan.counts.listed;
  if (scan.counts.vendor > 0 && scan.counts.vendor === scan.counts.model) i = scan.counts.vendor;
  if (/^(armv|aarch|ppc)/.test(opts.architecture)) i = scan.counts.processor;
  const facts: Facts = { processor: scan.processor };
  if (scan.declaredCores !== undefined) facts.processor_cores = scan.declaredCores;
  if (opts.architecture === 's390x') return facts;
  const nproc = opts.nproc || scan.counts.processor;
  if (opts.xenParavirt) {
    return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i, processor_nproc: nproc };
  }
  const count = scan.sockets.size > 0 ? scan.sockets.size : i;
  const firstSocket = [...scan.sockets.values()][0];
  const cores = firstSocket ? firstSocket : 1;
  const firstCore = [...scan.cores.values()][0];
  const threads = firstCore !== undefined ? Math.floor(firstCore / cores) : Math.floor(1 / cores);
  return {
    ...facts,
    processor_count: count,
    processor_cores: cores,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * cores,
    processor_nproc: nproc,
  };
}

/** memtotal_mb & co. and memory_mb ({real, nocache, swap}) as Ansible computes them (each value floored to MB first). */
export function memoryFacts(text: string): Facts {
  const mb: Record<string, number> = {};
  for (const l of lines(text)) {
    const m = /^(\w+):\s+(\d+)/.exec(l.trim());
    if (m) mb[m[1]!] = Math.floor(Number(m[2]) / 1024);
  }
  if (Object.keys(mb).length === 0) return {};
  const sub = (a?: number, b?: number) => (a === undefined || b === undefined ? null : a - b);
  const { MemTotal: total, MemFree: free, SwapTotal: swapTotal, SwapFree: swapFree, Buffers: buffers, Cached: cached } = mb;
  const nocacheFree = cached === undefined || free === undefined || buffers === undefined ? undefined : cached + free + buffers;
  const facts: Facts = {};
  for (const k of ['MemTotal', 'MemFree', 'SwapTotal', 'SwapFree']) if (mb[k] !== undefined) facts[`${k.toLowerCase()}_mb`] = mb[k];
  facts.memory_mb = {
    real: { total: total ?? null, used: sub(total, free), free: free ?? null },
    nocache: { free: nocacheFree ?? null, used: sub(total, nocacheFree) },
    swap: { total: swapTotal ?? null, free: swapFree ?? null, used: sub(swapTotal, swapFree), cached: mb.SwapCached ?? null },
  };
  return facts;
}

/** /proc/mounts escapes space, tab, newline and backslash as \040 \011 \012 \134. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

interface MountSize {
  size_total: number;
  size_available: number;
  block_size: number;
  block_total: number;
  block_available: number;
  block_used: number;
  inode_total: number;
  inode_available: number;
  inode_used: number;
}

/** `stat -f -c '%S %s %b %a %c %d %n'` lines (f_frsize f_bsize f_blocks f_bavail f_files f_ffree name). */
export function parseStatfs(text: string): Map<string, MountSize> {
  const out = new Map<string, MountSize>();
  for (const line of lines(text)) {
    const m = /^(\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (.+)$/.exec(line);
    if (!m) continue;
    const [frsize, bsize, blocks, bavail, files, ffree] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    out.set(m[7]!, {
      size_total: frsize * blocks, size_available: frsize * bavail,
      block_size: bsize, block_total: blocks, block_available: bavail, block_used: blocks - bavail,
      inode_total: files, inode_available: ffree, inode_used: files - ffree,
    });
  }
  return out;
}

/** Targets whose findmnt SOURCE has a [/dir] suffix (bind mounts). */
function bindMounts(findmnt: string): Set<string> {
  const out = new Set<string>();
  for (const line of lines(findmnt)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && f[1]!.includes(']')) out.add(f[0]!);
  }
  return out;
}

function lsblkUuids(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(text)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && !out.has(f[0]!)) out.set(f[0]!, f[f.length - 1]!);
  }
  return out;
}

/** mounts: Ansible keeps devices that are paths or host:/path, one entry per mount point (the last wins). */
export function mountFacts(s: { mtab?: string; statfs?: string; findmnt?: string; lsblk?: string }): Facts {
  if (!s.mtab?.trim()) return { mounts: [] };
  const sizes = parseStatfs(s.statfs ?? '');
  const binds = bindMounts(s.findmnt ?? '');
  const uuids = lsblkUuids(s.lsblk ?? '');
  const byMount = new Map<string, Facts>();
  for (const line of lines(s.mtab)) {
    const fields = line.trim().split(/\s+/).map(unescapeOctal);
    if (fields.length < 4) continue;
    const [device, mount, fstype, options] = fields as [string, string, string, string];
    if ((!device.startsWith('/') && !device.startsWith('\\') && !device.includes(':/')) || fstype === 'none') continue;
    const info: Facts = { mount, device, fstype, options: binds.has(mount) && !options.includes('bind') ? `${options},bind` : options };
    byMount.delete(mount);
    byMount.set(mount, { ...info, ...sizes.get(mount), uuid: uuids.get(device) ?? 'N/A' });
  }
  return { mounts: [...byMount.values()] };
}

const FORM_FACTOR = [
  'Unknown', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop',
  'Notebook', 'Hand Held', 'Docking Station', 'All In One', 'Sub Notebook', 'Space-saving', 'Lunch Box', 'Main Server Chassis',
  'Expansion Chassis', 'Sub Chassis', 'Bus Expansion Chassis', 'Peripheral Chassis', 'RAID Chassis', 'Rack Mount Chassis',
  'Sealed-case PC', 'Multi-system', 'CompactPCI', 'AdvancedTCA', 'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable',
  'IoT Gateway', 'Embedded PC', 'Mini PC', 'Stick PC',
];

const DMI_FACTS: Record<string, string> = {
  bios_date: 'bios_date', bios_vendor: 'bios_vendor', bios_version: 'bios_version', board_asset_tag: 'board_asset_tag',
  board_name: 'board_name', board_serial: 'board_serial', board_vendor: 'board_vendor', board_version: 'board_version',
  chassis_asset_tag: 'chassis_asset_tag', chassis_serial: 'chassis_serial', chassis_vendor: 'chassis_vendor',
  chassis_version: 'chassis_version', form_factor: 'chassis_type', product_name: 'product_name', product_serial: 'product_serial',
  product_uuid: 'product_uuid', product_version: 'product_version', system_vendor: 'sys_vendor',
};

/** The raw name=value pairs of /sys/devices/virtual/dmi/id (also used by the virtualization facts). */
export function parseDmi(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return out;
}

/** DMI facts; unreadable files (serials for non-root users, no DMI at all) are 'NA' as with Ansible. */
export function dmiFacts(dmi: Record<string, string>): Facts {
  const facts: Facts = {};
  for (const [fact, file] of Object.entries(DMI_FACTS)) {
    const v = dmi[file];
    if (v === undefined) facts[fact] = 'NA';
    else if (fact === 'form_factor') facts[fact] = FORM_FACTOR[Number(v)] ?? `unknown (${v})`;
    else facts[fact] = v;
  }
  return facts;
}

export function uptimeLoadFacts(uptime: string, loadavg: string): Facts {
  const facts: Facts = {};
  const up = Number((uptime.trim().split(' ')[0]) || NaN);
  if (Number.isFinite(up)) facts.uptime_seconds = Math.trunc(up);
  const [l1, l5, l15] = loadavg.trim().split(/\s+/).map(Number);
  if (l15 !== undefined && Number.isFinite(l15)) facts.loadavg = { '1m': l1, '5m': l5, '15m': l15 };
  return facts;
}
