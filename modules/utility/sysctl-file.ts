/** Pure helpers of `sysctl`: value normalisation and the edit of a sysctl.conf-style file. */

/** Ansible's normalisation: booleans become 1/0, whitespace is collapsed. */
export function normalizeSysctlValue(v: unknown): string {
  if (v === true) return '1';
  if (v === false) return '0';
  const s = String(v ?? '').trim();
  if (/^(yes|true|on)$/i.test(s)) return '1';
  if (/^(no|false|off)$/i.test(s)) return '0';
  return s;
}

/** Equal when the words are equal (the kernel prints tabs where files have spaces). */
export function sysctlEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');
}

/** "net.ipv4.ip_forward" and "net/ipv4/ip_forward" name the same key. */
export function sysctlKey(name: string): string {
  return name.includes('/') ? name.replace(/\//g, '.') : name;
}

export function procPath(name: string): string {
  return `/proc/sys/${name.includes('/') ? name : name.replace(/\./g, '/')}`;
}

interface ParsedLine {
  key?: string;
  value?: string;
}

function parseLine(line: string): ParsedLine {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return {};
  const eq = t.indexOf('=');
  if (eq < 0) return {};
  return { key: sysctlKey(t.slice(0, eq).trim().replace(/^-/, '')), value: t.slice(eq + 1).trim() };
}

/** How many lines assign the key. */
export function assignmentCount(content: string, name: string): number {
  return content.split('\n').filter((line) => parseLine(line).key === sysctlKey(name)).length;
}

/** The value a file sets for the key (the last assignment wins, as sysctl -p applies them). */
export function fileValue(content: string, name: string): string | undefined {
  let found: string | undefined;
  for (const line of content.split('\n')) {
    const p = parseLine(line);
    if (p.key === sysctlKey(name)) found = p.value;
  }
  return found;
}

/**
 * The file after the edit: the first assignment of the key replaced (or the
 * line appended), later duplicates removed; absent removes every assignment.
 */
export function editSysctlFile(content: string, name: string, value: string | undefined): string {
  const key = sysctlKey(name);
  const out: string[] = [];
  let done = false;
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  for (const line of lines) {
    if (parseLine(line).key !== key) {
      out.push(line);
      continue;
    }
    if (value !== undefined && !done) out.push(`${name}=${value}`);
    done = true;
  }
  if (value !== undefined && !done) out.push(`${name}=${value}`);
  return out.length ? `${out.join('\n')}\n` : '';
}
