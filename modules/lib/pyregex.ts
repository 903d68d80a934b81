/**
 * Python `re` syntax as Ansible's lineinfile/replace/blockinfile take it,
 * translated to JavaScript where the two differ: named groups (?P<n>...),
 * backreferences (?P=n), \A and \Z, leading inline flags (?ims), and the
 * replacement templates (\1, \g<1>, \g<name>) expanded by hand.
 */
import { ModuleFailure } from '../../engine/module-api.js';

export interface PyRegexOptions {
  /** extra JS flags: 'g', 'm', 's', 'd' */
  flags?: string;
}

/** Compiles a Python regular expression into a JS RegExp. */
export function pyRegex(source: string, opts: PyRegexOptions = {}): RegExp {
  let flags = opts.flags ?? '';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  let verbose = false;
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    verbose = inline[1]!.includes('x');
  }
  body = translateBody(verbose ? stripVerbose(body) : body);
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new ModuleFailure(`invalid regular expression '${source}': ${(e as Error).message}`);
  }
}

/** re.VERBOSE: whitespace and #-comments outside classes and escapes are not part of the pattern. */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      out += ch + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (!/\s/.test(ch)) out += ch;
  }
  return out;
}

function translateBody(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$(?![\\s\\S])';
      else out += ch + next;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // a ']' right after '[' or '[^' is literal in Python
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (src.startsWith('{,', i) && /^\{,\d+\}/.test(src.slice(i))) {
      out += '{0,'; // Python's {,n} is {0,n}
      i += 1;
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const back = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (back) {
      out += `\\k<${back[1]}>`;
      i += back[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

type TemplatePart = { text: string } | { group: number | string };

/** Parses a Python replacement template (\1, \g<1>, \g<name>, \n, \\). */
export function parsePyTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '\\' || i === template.length - 1) {
      text += ch;
      continue;
    }
    const rest = template.slice(i + 1);
    const num = /^(\d{1,2})/.exec(rest);
    const named = /^g<(\w+)>/.exec(rest);
    if (num || named) {
      if (text) parts.push({ text });
      text = '';
      const ref = num ? num[1]! : named![1]!;
      parts.push({ group: /^\d+$/.test(ref) ? Number(ref) : ref });
      i += (num ?? named)![0].length;
    } else if (escapes[rest[0]!] !== undefined) {
      text += escapes[rest[0]!];
      i++;
    } else {
      text += ch; // unknown escapes stay as written, like Python for letters it does not know
    }
  }
  if (text) parts.push({ text });
  return parts;
}

/** Expands a parsed template against a match (unmatched groups give ''). */
export function expandTemplate(parts: TemplatePart[], m: RegExpExecArray): string {
  return parts
    .map((p) => {
      if ('text' in p) return p.text;
      const v = typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group];
      if (typeof p.group === 'number' && p.group >= m.length) throw new ModuleFailure(`invalid group reference ${p.group}`);
      return v ?? '';
    })
    .join('');
}

/** re.subn(pattern, template, text) with re.MULTILINE, as Ansible's replace module. */
export function pySubn(re: RegExp, template: string, text: string): { result: string; count: number } {
  const parts = parsePyTemplate(template);
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let count = 0;
  const result = text.replace(g, (...args: unknown[]) => {
    count++;
    const groupsArg = args[args.length - 1];
    const hasNamed = typeof groupsArg === 'object' && groupsArg !== null;
    const captureEnd = args.length - (hasNamed ? 3 : 2);
    const m = args.slice(0, captureEnd) as string[] as unknown as RegExpExecArray;
    if (hasNamed) m.groups = groupsArg as Record<string, string>;
    return expandTemplate(parts, m);
  });
  return { result, count };
}
