/**
 * Host addresses and ranges, as Ansible's parsing/utils/addresses.py and
 * plugins/inventory (detect_range, expand_hostname_range): `host:port`,
 * `[ipv6]:port`, and `db[01:03]`, `web[a:c]`, `n[1:10:2]` expansions.
 */

const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alnumRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const ipv6c = `(?:[0-9a-f]{1,4}|${hexRange})`;
const ipv4c = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
const word = String.raw`[\p{L}\p{N}_]`;
const label = `(?:${word}|${alnumRange})(?:${word}|[_-]|${alnumRange})*(?<![_-])`;

const PATTERNS = {
  bracketedHostPort: /^\[(.+)\]:([0-9]+)$/,
  hostPort: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/,
  ipv4: new RegExp(`^(?:${ipv4c}\\.){3}${ipv4c}$`, 'i'),
  ipv6: new RegExp(
    '^(?:' +
      [
        `(?:${ipv6c}:){7}${ipv6c}`,
        `(?:${ipv6c}:){1,6}:`,
        `(?:${ipv6c}:)(?::${ipv6c}){1,6}`,
        `(?:${ipv6c}:){2}(?::${ipv6c}){1,5}`,
        `(?:${ipv6c}:){3}(?::${ipv6c}){1,4}`,
        `(?:${ipv6c}:){4}(?::${ipv6c}){1,3}`,
        `(?:${ipv6c}:){5}(?::${ipv6c}){1,2}`,
        `(?:${ipv6c}:){6}(?::${ipv6c})`,
        `:(?::${ipv6c}){1,6}`,
        `${ipv6c}?::`,
        `(?:0:){6}(?:${ipv6c}\\.){3}${ipv6c}`,
        `::(?:ffff:)?(?:${ipv6c}\\.){3}${ipv6c}`,
        `(?:0:){5}ffff:(?:${ipv6c}\\.){3}${ipv6c}`,
      ].join('|') +
      ')$',
    'i',
  ),
  hostname: new RegExp(`^${label}(?:\\.${label})*$`, 'iu'),
};

export class AddressError extends Error {}

/** parse_address: [host, port]; throws AddressError when it is not a host identifier. */
export function parseAddress(address: string, allowRanges: boolean): [string, number | undefined] {
  let port: number | undefined;
  let addr = address;
  // Ansible tries both forms in turn (the second on what the first left).
  for (const re of [PATTERNS.bracketedHostPort, PATTERNS.hostPort]) {
    const m = re.exec(addr);
    if (m) {
      addr = m[1]!;
      port = Number(m[2]);
    }
  }
  const ok = PATTERNS.ipv4.test(addr) || PATTERNS.ipv6.test(addr) || PATTERNS.hostname.test(addr);
  if (!ok) throw new AddressError(`Not a valid network hostname: ${addr}`);
  if (!allowRanges && addr.includes('[')) throw new AddressError('Detected range in host but was asked to ignore ranges');
  return [addr, port];
}

export function isIpAddress(name: string): boolean {
  return PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name);
}

export class HostRangeError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** expand_hostname_range: every `[beg:end(:step)]` expanded, left to right. */
export function expandHostRange(line: string): string[] {
  if (!line.includes('[')) return [line];
  const open = line.indexOf('[');
  const withoutOpen = line.slice(0, open) + '|' + line.slice(open + 1);
  const close = withoutOpen.indexOf(']');
  const parts = (close < 0 ? withoutOpen : withoutOpen.slice(0, close) + '|' + withoutOpen.slice(close + 1)).split('|');
  if (parts.length !== 3) throw new HostRangeError(`host range in '${line}' must be one [begin:end] or [begin:end:step] expression, closed by ']'`);
  const [head, nrange, tail] = parts as [string, string, string];
  const seq = rangeSequence(nrange);
  // Ansible silently yields no host for [3:1]; that is always a mistake
  if (seq.length === 0) throw new HostRangeError(`host range [${nrange}] is empty (begin after end?)`);
  const out: string[] = [];
  for (const item of seq) out.push(...expandHostRange(head + item + tail));
  return out;
}

function rangeSequence(nrange: string): string[] {
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError('host range must specify end value');
  const step = toInt(stepText);
  if (step === 0) throw new HostRangeError('host range step must not be zero');
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new HostRangeError('host range must have begin <= end');
    return pyRange(iBeg, iEnd + 1, step).map((i) => LETTERS[i]!);
  }
  let width = 0;
  if (beg[0] === '0' && beg.length > 1) {
    width = beg.length;
    if (width !== end.length) throw new HostRangeError('host range must specify equal-length begin and end formats');
  }
  return pyRange(toInt(beg), toInt(end) + 1, step).map((n) => (width ? zfill(n, width) : String(n)));
}

function toInt(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new HostRangeError(`invalid literal for a host range bound: '${text}'`);
  return Number(t);
}

function pyRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

function zfill(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width - (n < 0 ? 1 : 0), '0');
  return n < 0 ? '-' + s : s;
}

/** BaseInventoryPlugin._expand_hostpattern: hostnames and optional port. */
export function expandHostPattern(pattern: string): { hosts: string[]; port?: number } {
  let host = pattern;
  let port: number | undefined;
  try {
    [host, port] = parseAddress(pattern, true);
  } catch {
    host = pattern;
    port = undefined;
  }
  return { hosts: expandHostRange(host), port };
}
