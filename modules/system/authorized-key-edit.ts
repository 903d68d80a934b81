/**
 * The pure half of authorized_key: ansible.posix 1.5's parsing of key lines
 * and options, its merge of wanted keys into the file (present, absent,
 * exclusive, key_options, comment) and its serialization, byte for byte
 * (a key without a comment is written with a trailing space, as Ansible does).
 */
import { ModuleFailure } from '../../engine/module-api.js';

/** Options in order; a name may repeat (permitopen twice). null: a flag without '='. */
export type KeyOptions = [string, string | null][];

export interface ParsedKey {
  /** the base64 blob, or the raw line of a line kept as is */
  blob: string;
  /** the key type, or 'skipped' for comments and lines that are not keys */
  type: string;
  options: KeyOptions;
  comment: string;
  rank: number;
}

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
]);

/** Ansible's parseoptions: comma-separated, quotes protect commas, name=value or a bare flag. */
export function parseOptions(options: string | undefined): KeyOptions {
  if (!options) return [];
  const parts = options.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  const out: KeyOptions = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq >= 0) out.push([part.slice(0, eq), part.slice(eq + 1)]);
    else if (part !== ',') out.push([part, null]);
  }
  return out;
}

/** shlex with no quotes and no comments, whitespace_split: plain whitespace splitting. */
const words = (line: string): string[] => line.split(/[ \t\r\n]+/).filter((w) => w !== '');

/** Ansible's parsekey: undefined when the line holds no known key type. */
export function parseKey(raw: string, rank: number): ParsedKey | undefined {
  const line = raw.replaceAll('\\#', '#');
  const parts = words(line);
  if (parts[0] === '#') return { blob: line, type: 'skipped', options: [], comment: '', rank };
  const at = parts.findIndex((w) => KEY_TYPES.has(w));
  if (at < 0) return undefined;
  return {
    blob: parts[at + 1] ?? '',
    type: parts[at]!,
    options: parseOptions(at > 0 ? parts.slice(0, at).join(' ') : undefined),
    comment: parts.slice(at + 2).join(' '),
    rank,
  };
}

/** Python's str.splitlines(True): lines with their endings. */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The file's lines by blob (a later duplicate wins, as in a dict); lines that are not keys are kept by their text. */
export function parseKeyFile(content: string): Map<string, ParsedKey> {
  const keys = new Map<string, ParsedKey>();
  linesWithEnds(content).forEach((line, rank) => {
    const k = parseKey(line, rank) ?? { blob: line, type: 'skipped', options: [], comment: '', rank };
    keys.set(k.blob, k);
  });
  return keys;
}

/** keydict equality: the same names with the same values per name, in order per name. */
function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
  const group = (o: KeyOptions) => {
    const m = new Map<string, (string | null)[]>();
    for (const [k, v] of o) m.set(k, [...(m.get(k) ?? []), v]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  return ga.size === gb.size && [...ga].every(([k, v]) => JSON.stringify(v) === JSON.stringify(gb.get(k)));
}

function sameKey(a: ParsedKey, b: ParsedKey): boolean {
  return a.blob === b.blob && a.type === b.type && a.comment === b.comment && sameOptions(a.options, b.options);
}

/** Ansible's serialize: by rank; options, type, blob, comment (a trailing space when there is none). */
export function serializeKeys(keys: Map<string, ParsedKey>): string {
  return [...keys.values()].sort((a, b) => a.rank - b.rank).map((k) => {
    if (k.type === 'skipped') return k.blob;
    const opts = k.options.length > 0 ? `${k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(',')} ` : '';
    return `${opts}${k.type} ${k.blob} ${k.comment}\n`;
  }).join('');
}

export interface KeyEditParams {
  key: string;
  state?: 'present' | 'absent';
  exclusive?: boolean;
  key_options?: string;
  comment?: string;
}

/** The file's new content (Ansible's enforce_state), or undefined when nothing changes. */
export function editKeys(existing: string, p: KeyEditParams): string | undefined {
  const keys = parseKeyFile(existing);
  const present = (p.state ?? 'present') === 'present';
  const wanted = p.key.split(/\r?\n|\r/).filter((l) => l !== '' && !l.startsWith('#'));
  const keep: string[] = [];
  const maxRank = keys.size;
  let write = false;
  wanted.forEach((line, rank) => {
    const parsed = parseKey(line, rank);
    if (!parsed) throw new ModuleFailure(`invalid key specified: ${line}`);
    if (p.key_options !== undefined) parsed.options = parseOptions(p.key_options);
    if (p.comment !== undefined) parsed.comment = p.comment;
    const found = keys.get(parsed.blob);
    const matched = !!found && (sameKey(parsed, found) || !present);
    if (present) {
      keep.push(parsed.blob);
      if (found && !matched) keys.delete(parsed.blob);
      if (!matched) keys.set(parsed.blob, { ...parsed, rank: maxRank + rank });
      write ||= !matched;
    } else if (matched) {
      keys.delete(parsed.blob);
      write = true;
    }
  });
  if (present && p.exclusive) {
    for (const blob of [...keys.keys()]) if (!keep.includes(blob)) {
      keys.delete(blob);
      write = true;
    }
  }
  return write ? serializeKeys(keys) : undefined;
}
