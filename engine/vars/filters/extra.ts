/** Less common Ansible filters: paths, math, sizes, uuids, subelements, shuffle. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pyStr, pyTruthy, tuple } from '../pyvalues.js';
import { filter, type FilterDef } from './types.js';
import { asList, fail, getAttr } from './util.js';
import { seededRandom } from './data.js';

const SIZE_RANGES: [string, number][] = [
  ['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1],
];

/** Ansible's bytes_to_human. */
function humanReadable(size: number, isbits: boolean, unit: unknown): string {
  const base = isbits ? 'bits' : 'Bytes';
  let [suffix, limit] = SIZE_RANGES.at(-1)!;
  for ([suffix, limit] of SIZE_RANGES) {
    if (unit === undefined || unit === null ? size >= limit : pyStr(unit).toUpperCase() === suffix[0]) break;
  }
  const label = limit !== 1 ? suffix + base[0] : base;
  return `${(size / limit).toFixed(2)} ${label}`;
}

/** Ansible's human_to_bytes. */
function humanToBytes(v: unknown, defaultUnit: unknown, isbits: boolean): number {
  const text = pyStr(v);
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  const num = Number.parseFloat(m?.[1] ?? '');
  if (!m || Number.isNaN(num)) fail(`human_to_bytes() can't interpret following string: ${text}`);
  const unit = m[2] ?? (defaultUnit === undefined || defaultUnit === null ? undefined : pyStr(defaultUnit));
  if (unit === undefined) return Math.round(num);
  const key = unit[0]!.toUpperCase();
  const limit = SIZE_RANGES.find(([s]) => s === key)?.[1];
  if (limit === undefined) fail(`human_to_bytes() failed to convert ${text} (unit = ${unit}). The suffix must be one of ${SIZE_RANGES.map(([s]) => s).reverse().join(', ')}`);
  const [cls, clsName] = isbits ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(clsName) && unit[1] !== cls) {
    fail(`human_to_bytes() failed to convert ${text}. Value is not a valid string (expect ${key === 'B' ? `${cls} or ${clsName}` : `${key}${cls} or ${key}`})`);
  }
  return Math.round(num * limit);
}

/** uuid5 in Ansible's namespace, as its `to_uuid` filter. */
function toUuid(name: string, namespace = '361E6D51-FAEC-444A-9079-341386DA8E2E'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** posixpath.splitext: the dot of a leading-dot name is not an extension. */
function splitext(p: string): [string, string] {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
  const cut = p.length - base.length + dot;
  return [p.slice(0, cut), p.slice(cut)];
}

function subelements(v: unknown, [key, skip]: unknown[], kw: Record<string, unknown>): unknown[] {
  const skipMissing = pyTruthy(kw.skip_missing ?? skip);
  const out: unknown[] = [];
  for (const item of asList(v, 'subelements')) {
    const sub = getAttr(item, key);
    if (sub === undefined) {
      if (skipMissing) continue;
      fail(`could not find '${pyStr(key)}' key in iterated item '${pyStr(item)}'`);
    }
    if (!Array.isArray(sub)) fail(`the key ${pyStr(key)} should point to a list, got '${pyStr(sub)}'`);
    for (const s of sub) out.push(tuple([item, s]));
  }
  return out;
}

function shuffle(v: unknown, seed: unknown): unknown[] {
  const items = [...asList(v, 'shuffle')];
  const rnd = seededRandom(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export const extraFilters: Record<string, FilterDef> = {
  splitext: filter((v) => tuple(splitext(pyStr(v)))),
  relpath: filter((v, [start]) => path.relative(path.resolve(pyStr(start ?? process.cwd())), path.resolve(pyStr(v))) || '.'),
  to_uuid: filter((v, [ns], kw) => toUuid(pyStr(v), ns === undefined && kw.namespace === undefined ? undefined : pyStr(kw.namespace ?? ns))),
  human_readable: filter((v, [isbits, unit], kw) => humanReadable(Number(v), pyTruthy(kw.isbits ?? isbits), kw.unit ?? unit)),
  human_to_bytes: filter((v, [dflt, isbits], kw) => humanToBytes(v, kw.default_unit ?? dflt, pyTruthy(kw.isbits ?? isbits))),
  subelements: filter(subelements),
  shuffle: filter((v, _a, kw) => shuffle(v, kw.seed)),
  log: filter((v, [base]) => (base === undefined ? Math.log(Number(v)) : Math.log(Number(v)) / Math.log(Number(base)))),
  pow: filter((v, [x]) => Number(v) ** Number(x)),
  root: filter((v, [base = 2]) => (Number(base) === 2 ? Math.sqrt(Number(v)) : Number(v) ** (1 / Number(base)))),
};
