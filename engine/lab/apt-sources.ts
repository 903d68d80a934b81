/** Which Debian mirrors the controller uses, read from its apt sources. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Mirrors {
  /** serves bookworm and bookworm-updates */
  main: string;
  /** serves bookworm-security */
  security: string;
}

export const FALLBACK_MIRRORS: Mirrors = {
  main: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

interface SourceEntry {
  uri: string;
  suites: string[];
}

/** Parses deb822 `.sources` text (Types/URIs/Suites stanzas). */
export function parseDeb822(text: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string[] => {
      const m = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza);
      return m ? m[1]!.trim().split(/\s+/) : [];
    };
    if (!field('Types').includes('deb')) continue;
    if (field('Enabled')[0]?.toLowerCase() === 'no') continue;
    for (const uri of field('URIs')) out.push({ uri, suites: field('Suites') });
  }
  return out;
}

/** Parses one-line `deb [opts] URI SUITE COMPONENTS` sources. */
export function parseOneLine(text: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim();
    const m = /^deb\s+(\S+)\s+(\S+)/.exec(line);
    if (m) out.push({ uri: m[1]!, suites: [m[2]!] });
  }
  return out;
}

export function mirrorsFrom(entries: SourceEntry[]): Mirrors {
  const pick = (suite: string): string | undefined => entries.find((e) => e.suites.includes(suite))?.uri.replace(/\/+$/, '');
  return {
    main: pick('bookworm') ?? FALLBACK_MIRRORS.main,
    security: pick('bookworm-security') ?? FALLBACK_MIRRORS.security,
  };
}

export function controllerMirrors(): Mirrors {
  const entries: SourceEntry[] = [];
  const read = (f: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  entries.push(...parseOneLine(read('/etc/apt/sources.list')));
  let files: string[] = [];
  try {
    files = readdirSync('/etc/apt/sources.list.d');
  } catch {
    files = [];
  }
  for (const f of files) {
    const text = read(join('/etc/apt/sources.list.d', f));
    if (f.endsWith('.sources')) entries.push(...parseDeb822(text));
    else if (f.endsWith('.list')) entries.push(...parseOneLine(text));
  }
  return mirrorsFrom(entries);
}

/** The sources the download runs with: the same suites as the controller. */
export function downloadSourcesList(m: Mirrors): string {
  return [
    `deb ${m.main} bookworm main`,
    `deb ${m.main} bookworm-updates main`,
    `deb ${m.security} bookworm-security main`,
    '',
  ].join('\n');
}

/** The hosts' only source: the offline repository inside the template. */
export const OFFLINE_SOURCES_LIST = 'deb [trusted=yes] file:/srv/repo ./\n';
