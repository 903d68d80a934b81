/**
 * KEY=VALUE files read by systemd's EnvironmentFile= (/etc/default/etcd).
 * Pure edits: a key is set in place (first active line, later duplicates
 * dropped) or appended; comments are kept.
 */

const LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  return v;
}

/** systemd accepts bare words; anything else is double-quoted */
function quote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The active (uncommented) values, the last one winning as systemd reads them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m && !line.trimStart().startsWith('#')) out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

/**
 * Sets `set` (always) and `defaults` (only keys not already set) in the file.
 * Returns the new text (unchanged text when nothing differs).
 */
export function editEnvFile(text: string, set: Record<string, string>, defaults: Record<string, string> = {}): string {
  const current = parseEnvFile(text);
  const wanted: Record<string, string> = { ...set };
  for (const [k, v] of Object.entries(defaults)) if (!(k in current) && !(k in wanted)) wanted[k] = v;
  const seen = new Set<string>();
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const m = LINE.exec(line);
    const key = m && !line.trimStart().startsWith('#') ? m[1]! : undefined;
    if (key === undefined || !(key in wanted)) out.push(line);
    else if (!seen.has(key)) {
      seen.add(key);
      out.push(unquote(m![2]!) === wanted[key] && current[key] === wanted[key] ? line : `${key}=${quote(wanted[key]!)}`);
    }
  }
  for (const [k, v] of Object.entries(wanted)) if (!seen.has(k)) out.push(`${k}=${quote(v)}`);
  return out.length ? `${out.join('\n')}\n` : '';
}
