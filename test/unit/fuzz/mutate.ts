/**
 * Seeded, reproducible mutations of text files: byte flips, line deletions
 * and duplications, indentation shifts, key renames, type swaps and template
 * brace damage. `mutate(text, seed)` always gives the same result for a seed.
 */

/** mulberry32: tiny, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;

function pick<T>(r: Rand, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function lineIndex(r: Rand, lines: string[]): number {
  return Math.floor(r() * lines.length);
}

const JUNK = ['{', '}', '[', ']', ':', '-', '"', "'", '|', '>', '&', '*', '!', '%', '#', '@', '`', '\t', '\0', '\\', '{{', '}}', '{%', '%}', 'é', '\u2028'];
const SCALARS = ['[]', '{}', '42', '-1', '3.5', 'yes', 'no', 'null', '~', '""', "'x'", '[1, [2]]', '{a: {b: c}}', '!!binary aGk=', '&a x', '*a', '0o777', '1e999', 'x: y: z', '"{{ "', '{{ undefined_var_x }}', '{% if %}'];
const KEYS = ['name', 'hosts', 'tasks', 'vars', 'when', 'loop', 'block', 'rescue', 'roles', 'import_tasks', 'include_tasks', 'notify', 'register', 'become', 'with_items', 'until', 'serial', 'src', 'dest', 'state', 'children', 'ansible_host', 'copy', 'template', 'meta', '<<', 'bogus_key', ''];

export type Mutator = (lines: string[], r: Rand) => string;

export const MUTATORS: Record<string, Mutator> = {
  byteFlip(lines, r) {
    const text = lines.join('\n');
    if (text.length === 0) return pick(r, JUNK);
    const buf = Buffer.from(text, 'utf8');
    const at = Math.floor(r() * buf.length);
    buf[at] = buf[at]! ^ (1 << Math.floor(r() * 8));
    return buf.toString('utf8');
  },
  junkInsert(lines, r) {
    const text = lines.join('\n');
    const at = Math.floor(r() * (text.length + 1));
    return text.slice(0, at) + pick(r, JUNK) + text.slice(at);
  },
  deleteLine(lines, r) {
    lines.splice(lineIndex(r, lines), 1 + Math.floor(r() * 3));
    return lines.join('\n');
  },
  duplicateLine(lines, r) {
    const i = lineIndex(r, lines);
    lines.splice(i, 0, ...lines.slice(i, i + 1 + Math.floor(r() * 3)));
    return lines.join('\n');
  },
  indentShift(lines, r) {
    const i = lineIndex(r, lines);
    const n = 1 + Math.floor(r() * 3);
    for (let k = i; k < Math.min(lines.length, i + n); k++) {
      lines[k] = r() < 0.5 ? ` ${' '.repeat(Math.floor(r() * 4))}${lines[k]}` : lines[k]!.replace(/^ {1,4}/, '');
    }
    return lines.join('\n');
  },
  keyRename(lines, r) {
    const keyed = lines.map((l, i) => (/^\s*-?\s*[\w.]+:/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (keyed.length === 0) return MUTATORS.junkInsert!(lines, r);
    const i = pick(r, keyed);
    lines[i] = lines[i]!.replace(/^(\s*-?\s*)[\w.]+:/, `$1${pick(r, KEYS)}:`);
    return lines.join('\n');
  },
  typeSwap(lines, r) {
    const valued = lines.map((l, i) => (/:\s+\S/.test(l) || /^\s*-\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (valued.length === 0) return MUTATORS.byteFlip!(lines, r);
    const i = pick(r, valued);
    lines[i] = /:\s+\S/.test(lines[i]!) ? lines[i]!.replace(/:\s+.*$/, `: ${pick(r, SCALARS)}`) : lines[i]!.replace(/-\s+.*$/, `- ${pick(r, SCALARS)}`);
    return lines.join('\n');
  },
  braceDamage(lines, r) {
    const text = lines.join('\n');
    const spots = [...text.matchAll(/\{\{|\}\}|\{%|%\}|\{#|#\}|\|/g)].map((m) => m.index);
    if (spots.length === 0) return text + pick(r, ['{{', '{% for x in %}', '{{ x | }}', '{# ', '}}']);
    const at = pick(r, spots);
    const damage = pick(r, ['', '{', '}', '{{', '%', '{% endif %}', '| nosuchfilter', '(', ')', '[', ']', '"', "'"]);
    return text.slice(0, at) + damage + text.slice(at + (r() < 0.5 ? 1 : 2));
  },
  swapLines(lines, r) {
    const i = lineIndex(r, lines);
    const j = lineIndex(r, lines);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  },
  truncate(lines, r) {
    const text = lines.join('\n');
    return text.slice(0, Math.floor(r() * text.length));
  },
};

const NAMES = Object.keys(MUTATORS);

export interface Mutation {
  text: string;
  /** the mutators applied, for the failure report */
  steps: string[];
}

/** One to three mutations of `text`, determined by `seed`. */
export function mutate(text: string, seed: number): Mutation {
  const r = rng(seed);
  const steps: string[] = [];
  let out = text;
  const rounds = 1 + Math.floor(r() * 3);
  for (let k = 0; k < rounds; k++) {
    const name = pick(r, NAMES);
    steps.push(name);
    out = MUTATORS[name]!(out.split('\n'), r);
  }
  return { text: out, steps };
}
