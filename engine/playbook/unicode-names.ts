/**
 * Character lookup by Unicode name, for the `\N{name}` escape of ansible's
 * parse_kv (Python's unicode-escape codec: names are case-insensitive).
 * Node has no name table, so the algorithmic names are computed here
 * (CJK unified ideographs, Hangul syllables) and a small table holds the
 * named characters most likely in a playbook.
 */

const HANGUL_LEADS = ['G', 'GG', 'N', 'D', 'DD', 'R', 'M', 'B', 'BB', 'S', 'SS', '', 'J', 'JJ', 'C', 'K', 'T', 'P', 'H'];
const HANGUL_VOWELS = ['A', 'AE', 'YA', 'YAE', 'EO', 'E', 'YEO', 'YE', 'O', 'WA', 'WAE', 'OE', 'YO', 'U', 'WEO', 'WE', 'WI', 'YU', 'EU', 'YI', 'I'];
const HANGUL_TAILS = ['', 'G', 'GG', 'GS', 'N', 'NJ', 'NH', 'D', 'L', 'LG', 'LM', 'LB', 'LS', 'LT', 'LP', 'LH', 'M', 'B', 'BS', 'S', 'SS', 'NG', 'J', 'C', 'K', 'T', 'P', 'H'];

/** `HANGUL SYLLABLE GAG` -> U+AC01: lead, vowel and optional tail jamo, longest match first. */
function hangulSyllable(jamo: string): string | undefined {
  for (const [l, lead] of HANGUL_LEADS.entries()) {
    if (!jamo.startsWith(lead)) continue;
    for (const [v, vowel] of HANGUL_VOWELS.entries()) {
      if (!jamo.startsWith(vowel, lead.length)) continue;
      const t = HANGUL_TAILS.indexOf(jamo.slice(lead.length + vowel.length));
      if (t >= 0) return String.fromCodePoint(0xac00 + (l * 21 + v) * 28 + t);
    }
  }
  return undefined;
}

/** Names of common characters (Unicode names and Python's aliases such as LINE FEED). */
const COMMON: Record<string, number> = {
  'NULL': 0x0, 'CHARACTER TABULATION': 0x9, 'LINE FEED': 0xa, 'LF': 0xa, 'NEW LINE': 0xa, 'CARRIAGE RETURN': 0xd, 'CR': 0xd, 'ESCAPE': 0x1b,
  'SPACE': 0x20, 'EXCLAMATION MARK': 0x21, 'QUOTATION MARK': 0x22, 'NUMBER SIGN': 0x23, 'DOLLAR SIGN': 0x24, 'PERCENT SIGN': 0x25,
  'AMPERSAND': 0x26, 'APOSTROPHE': 0x27, 'LEFT PARENTHESIS': 0x28, 'RIGHT PARENTHESIS': 0x29, 'ASTERISK': 0x2a, 'PLUS SIGN': 0x2b,
  'COMMA': 0x2c, 'HYPHEN-MINUS': 0x2d, 'FULL STOP': 0x2e, 'SOLIDUS': 0x2f, 'COLON': 0x3a, 'SEMICOLON': 0x3b, 'LESS-THAN SIGN': 0x3c,
  'EQUALS SIGN': 0x3d, 'GREATER-THAN SIGN': 0x3e, 'QUESTION MARK': 0x3f, 'COMMERCIAL AT': 0x40, 'LEFT SQUARE BRACKET': 0x5b,
  'REVERSE SOLIDUS': 0x5c, 'RIGHT SQUARE BRACKET': 0x5d, 'CIRCUMFLEX ACCENT': 0x5e, 'LOW LINE': 0x5f, 'GRAVE ACCENT': 0x60,
  'LEFT CURLY BRACKET': 0x7b, 'VERTICAL LINE': 0x7c, 'RIGHT CURLY BRACKET': 0x7d, 'TILDE': 0x7e, 'NO-BREAK SPACE': 0xa0,
  'COPYRIGHT SIGN': 0xa9, 'REGISTERED SIGN': 0xae, 'DEGREE SIGN': 0xb0, 'MICRO SIGN': 0xb5, 'SECTION SIGN': 0xa7, 'PILCROW SIGN': 0xb6,
  'MIDDLE DOT': 0xb7, 'MULTIPLICATION SIGN': 0xd7, 'DIVISION SIGN': 0xf7, 'EN DASH': 0x2013, 'EM DASH': 0x2014,
  'LEFT SINGLE QUOTATION MARK': 0x2018, 'RIGHT SINGLE QUOTATION MARK': 0x2019, 'LEFT DOUBLE QUOTATION MARK': 0x201c,
  'RIGHT DOUBLE QUOTATION MARK': 0x201d, 'BULLET': 0x2022, 'HORIZONTAL ELLIPSIS': 0x2026, 'EURO SIGN': 0x20ac,
  'TRADE MARK SIGN': 0x2122, 'LEFTWARDS ARROW': 0x2190, 'RIGHTWARDS ARROW': 0x2192, 'CHECK MARK': 0x2713, 'HEAVY CHECK MARK': 0x2714,
  'BALLOT X': 0x2717, 'ZERO WIDTH SPACE': 0x200b, 'ZERO WIDTH NO-BREAK SPACE': 0xfeff, 'BYTE ORDER MARK': 0xfeff,
  'REPLACEMENT CHARACTER': 0xfffd,
};

const LATIN_LETTER = /^LATIN (CAPITAL|SMALL) LETTER ([A-Z])$/;
const DIGIT = /^DIGIT (ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE)$/;
const DIGIT_NAMES = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];

/** The character named `name`, or undefined when this table does not know it. */
export function charByName(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (upper in COMMON) return String.fromCodePoint(COMMON[upper]!);
  const cjk = /^CJK UNIFIED IDEOGRAPH-([0-9A-F]{4,5})$/.exec(upper);
  if (cjk) {
    const ch = String.fromCodePoint(parseInt(cjk[1]!, 16));
    return /^\p{Unified_Ideograph}$/u.test(ch) ? ch : undefined;
  }
  if (upper.startsWith('HANGUL SYLLABLE ')) return hangulSyllable(upper.slice('HANGUL SYLLABLE '.length));
  const letter = LATIN_LETTER.exec(upper);
  if (letter) return letter[1] === 'CAPITAL' ? letter[2]! : letter[2]!.toLowerCase();
  const digit = DIGIT.exec(upper);
  if (digit) return String(DIGIT_NAMES.indexOf(digit[1]!));
  return undefined;
}
