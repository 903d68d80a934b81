/**
 * devices and device_links from the setup script's `blockdev` and
 * `disklinks` sections, following ansible-core 2.14's LinuxHardware
 * get_device_facts (without sg_inq: serials come from device/serial).
 * Section lines: "DISK FILE VALUE" and "DISK part:NAME FILE VALUE" for sysfs
 * files read, "DISK holder DM NAME", `ls -l` of /sys/block and /dev/disk/by-*,
 * "/sys/block/D/slaves/S" paths and `lspci -D` (host names).
 */
import type { Facts } from './setup-facts.js';

type Links = Record<string, string[]>;
interface DiskRaw {
  files: Record<string, string>;
  holders: string[];
  parts: Map<string, { files: Record<string, string>; holders: string[] }>;
}

const SIZE_UNITS: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

/** Ansible's bytes_to_human: "256.00 GB", "0.00 Bytes". */
export function bytesToHuman(size: number): string {
  const [suffix, limit] = SIZE_UNITS.find(([, l]) => size >= l) ?? SIZE_UNITS[SIZE_UNITS.length - 1]!;
  return `${(size / limit).toFixed(2)} ${limit === 1 ? 'Bytes' : `${suffix}B`}`;
}

function disk(raw: Map<string, DiskRaw>, name: string): DiskRaw {
  let d = raw.get(name);
  if (!d) raw.set(name, (d = { files: {}, holders: [], parts: new Map() }));
  return d;
}

/** `ls -l` lines "... NAME -> TARGET" under a "/dir:" header (or one listing without header). */
function lsLinks(text: string): Map<string, Map<string, string>> {
  const byDir = new Map<string, Map<string, string>>();
  let dir = '';
  for (const line of text.split('\n')) {
    const header = /^(\/\S+):$/.exec(line.trim());
    if (header) dir = header[1]!;
    const m = / (\S+) -> (\S+)$/.exec(line);
    if (!m) continue;
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)!.set(m[1]!, m[2]!);
  }
  return byDir;
}

function linksByTarget(entries: Map<string, string> | undefined): Links {
  const out: Links = {};
  for (const [entry, target] of entries ?? []) (out[target.split('/').pop()!] ??= []).push(entry);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

export function deviceLinks(disklinks: string): Record<'ids' | 'uuids' | 'labels' | 'masters', Links> {
  const ls = lsLinks(disklinks);
  const masters: Links = {};
  for (const m of disklinks.matchAll(/^\/sys\/block\/([^/]+)\/slaves\/([^/\s]+)$/gm)) (masters[m[2]!] ??= []).push(m[1]!);
  for (const k of Object.keys(masters)) masters[k]!.sort();
  return {
    ids: linksByTarget(ls.get('/dev/disk/by-id')), uuids: linksByTarget(ls.get('/dev/disk/by-uuid')),
    labels: linksByTarget(ls.get('/dev/disk/by-label')), masters,
  };
}

function parseBlockdev(text: string): Map<string, DiskRaw> {
  const raw = new Map<string, DiskRaw>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    const [, name, key, value] = m as unknown as [string, string, string, string];
    const part = /^part:(\S+)$/.exec(key);
    // Ansible's partition pattern: the disk's name, an optional p, digits
    if (part && !(part[1]!.startsWith(name) && /^p?\d+$/.test(part[1]!.slice(name.length)))) continue;
    if (part) {
      const [file, ...rest] = value.split(' ');
      const d = disk(raw, name);
      if (!d.parts.has(part[1]!)) d.parts.set(part[1]!, { files: {}, holders: [] });
      const p = d.parts.get(part[1]!)!;
      if (file === 'holder') p.holders.push(rest.slice(1).join(' ') || rest[0]!);
      else if (file) p.files[file] = rest.join(' ').trim();
    } else if (key === 'holder') {
      const [dm = '', dmName = ''] = value.split(' ');
      disk(raw, name).holders.push(dmName || dm);
    } else disk(raw, name).files[key] = value.trim();
  }
  return raw;
}

const nullable = (v: string | undefined) => (v === undefined || v === '' ? null : v);

function sectorSize(files: Record<string, string>): string {
  return files['queue/logical_block_size'] || files['queue/hw_sector_size'] || '512';
}

function pciHost(sysPath: string | undefined, lspci: string): string {
  const id = /.+\/([a-f0-9]{4}:[a-f0-9]{2}:[01][a-f0-9]\.[0-7])\//.exec(`/sys/block/${sysPath ?? ''}`)?.[1];
  if (!id) return '';
  return lspci.split('\n').find((l) => l.startsWith(`${id} `))?.slice(id.length + 1) ?? '';
}

export function deviceFacts(s: { blockdev?: string; blocklinks?: string; disklinks?: string; lspci?: string }): Facts {
  if (!s.blockdev?.trim()) return {};
  const links = deviceLinks(s.disklinks ?? '');
  const linksOf = (name: string) => Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v[name] ?? []]));
  const uuidOf = (name: string) => Object.entries(links.uuids).find(([target]) => target === name)?.[1][0] ?? null;
  const wwns = Object.fromEntries([...(lsLinks(s.disklinks ?? '').get('/dev/disk/by-id') ?? [])]
    .filter(([e]) => e.startsWith('wwn-')).map(([e, t]) => [t.split('/').pop()!, e.slice(4)]));
  const raw = parseBlockdev(s.blockdev);
  const sysPaths = lsLinks(s.blocklinks ?? '').get('') ?? new Map<string, string>();
  const devices: Facts = {};
  for (const [name, d] of raw) {
    const f = d.files;
    const partitions: Facts = {};
    for (const [pname, p] of d.parts) {
      const sectors = p.files.size || '0';
      partitions[pname] = {
        links: linksOf(pname), start: p.files.start || '0', sectors, sectorsize: sectorSize(p.files),
        size: bytesToHuman(Number(sectors) * 512), uuid: uuidOf(pname), holders: p.holders,
      };
    }
    const sectors = f.size || '0';
    const dev: Facts = {
      virtual: 1, links: linksOf(name), vendor: nullable(f['device/vendor']), model: nullable(f['device/model']),
      sas_address: nullable(f['device/sas_address']), sas_device_handle: nullable(f['device/sas_device_handle']),
      removable: nullable(f.removable), support_discard: nullable(f['queue/discard_granularity']), partitions,
      rotational: nullable(f['queue/rotational']), scheduler_mode: /\[(.*)\]/.exec(f['queue/scheduler'] ?? '')?.[1] ?? '',
      sectors, sectorsize: sectorSize(f), size: bytesToHuman(Number(sectors) * 512), host: pciHost(sysPaths.get(name), s.lspci ?? ''),
      holders: d.holders,
    };
    if (f['device/serial']) dev.serial = f['device/serial'];
    if (wwns[name]) dev.wwn = wwns[name];
    devices[name] = dev;
  }
  return { devices, device_links: links };
}
