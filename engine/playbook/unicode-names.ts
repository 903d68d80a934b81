/**
 * Character lookup by Unicode name, for the `\N{name}` escape of ansible's
 * parse_kv: the rules of Python's unicode-escape codec (unicodedata's
 * _getcode). Names and aliases match case-insensitively; CJK unified
 * ideographs and Hangul syllables are computed and, as in Python, only
 * upper case (`HANGUL SYLLABLE GAG`, `CJK UNIFIED IDEOGRAPH-4E00`).
 */
import { brotliDecompressSync } from 'node:zlib';
import { UNICODE_NAMES_BROTLI_BASE64 } from './unicode-names-data.js';

const HANGUL_PREFIX = 'HANGUL SYLLABLE ';
const CJK_PREFIX = 'CJK UNIFIED IDEOGRAPH-';
const HANGUL_LEADS = ['G', 'GG', 'N', 'D', 'DD', 'R', 'M', 'B', 'BB', 'S', 'SS', '', 'J', 'JJ', 'C', 'K', 'T', 'P', 'H'];
const HANGUL_VOWELS = ['A', 'AE', 'YA', 'YAE', 'EO', 'E', 'YEO', 'YE', 'O', 'WA', 'WAE', 'OE', 'YO', 'U', 'WEO', 'WE', 'WI', 'YU', 'EU', 'YI', 'I'];
const HANGUL_TAILS = ['', 'G', 'GG', 'GS', 'N', 'NJ', 'NH', 'D', 'L', 'LG', 'LM', 'LB', 'LS', 'LT', 'LP', 'LH', 'M', 'B', 'BS', 'S', 'SS', 'NG', 'J', 'C', 'K', 'T', 'P', 'H'];

/** Unicode 14.0's CJK unified ideograph blocks (Python 3.11's is_unified_ideograph). */
const CJK_RANGES: [number, number][] = [
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0x20000, 0x2a6df], [0x2a700, 0x2b738],
  [0x2b740, 0x2b81d], [0x2b820, 0x2cea1], [0x2ceb0, 0x2ebe0], [0x30000, 0x3134a],
];

/** The longest of `parts` that `text` starts with at `at` (Python's find_syllable). */
function longestAt(text: string, at: number, parts: string[]): number {
  let best = -1;
  parts.forEach((p, i) => {
    if (text.startsWith(p, at) && (best < 0 || p.length > parts[best]!.length)) best = i;
  });
  return best;
}

/** `GAG` -> U+AC01: lead, vowel and tail jamo, each the longest match. */
function hangulSyllable(jamo: string): string | undefined {
  const l = longestAt(jamo, 0, HANGUL_LEADS);
  const afterLead = HANGUL_LEADS[l]!.length;
  const v = longestAt(jamo, afterLead, HANGUL_VOWELS);
  if (v < 0) return undefined;
  const afterVowel = afterLead + HANGUL_VOWELS[v]!.length;
  const t = longestAt(jamo, afterVowel, HANGUL_TAILS);
  if (afterVowel + HANGUL_TAILS[t]!.length !== jamo.length) return undefined;
  return String.fromCodePoint(0xac00 + (l * 21 + v) * 28 + t);
}

function cjkIdeograph(hex: string): string | undefined {
  if (!/^[0-9A-F]{4,5}$/.test(hex)) return undefined;
  const code = parseInt(hex, 16);
  return CJK_RANGES.some(([lo, hi]) => code >= lo && code <= hi) ? String.fromCodePoint(code) : undefined;
}

let table: Map<string, number> | undefined;

/** Upper-cased name or alias -> code point, decompressed on the first `\N{}` escape. */
function namesTable(): Map<string, number> {
  if (table) return table;
  const text = brotliDecompressSync(Buffer.from(UNICODE_NAMES_BROTLI_BASE64, 'base64')).toString('utf8');
  const [names = '', aliases = ''] = text.split('\n@\n');
  const map = new Map<string, number>();
  let code = -1;
  for (const line of names.split('\n')) {
    const sep = line.indexOf(';');
    code += sep === 0 ? 1 : parseInt(line.slice(0, sep), 16);
    const name = line.slice(sep + 1);
    map.set(name.endsWith('#') ? `${name.slice(0, -1)}${code.toString(16).toUpperCase().padStart(4, '0')}` : name, code);
  }
  for (const line of aliases.split('\n')) {
    const sep = line.indexOf(';');
    // a primary name wins over an alias spelled the same
    if (sep > 0 && !map.has(line.slice(sep + 1))) map.set(line.slice(sep + 1), parseInt(line.slice(0, sep), 16));
  }
  table = map;
  return map;
}

/** The character named `name`, or undefined where Python's codec would fail. */
export function charByName(name: string): string | undefined {
  // ASCII only, as Python's Py_TOUPPER ('ſ'.toUpperCase() would be 'S')
  const upper = name.replace(/[a-z]+/g, (s) => s.toUpperCase());
  if (name.startsWith(HANGUL_PREFIX)) return hangulSyllable(name.slice(HANGUL_PREFIX.length));
  if (name.startsWith(CJK_PREFIX)) return cjkIdeograph(name.slice(CJK_PREFIX.length));
  const code = namesTable().get(upper);
  return code === undefined ? undefined : String.fromCodePoint(code);
}
