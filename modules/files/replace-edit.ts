/** replace's algorithm, transcribed from Ansible's module: re.subn with MULTILINE inside the after/before section. */
import { pyRegex, pySubn } from '../lib/pyregex.js';

export interface ReplaceEditParams {
  regexp: string;
  replace?: string;
  after?: string;
  before?: string;
}

export interface ReplaceEditResult {
  content: string;
  changed: boolean;
  msg: string;
  count: number;
}

function section(contents: string, p: ReplaceEditParams): { start: number; end: number; pattern: string } | null | undefined {
  let pattern = '';
  if (p.after && p.before) pattern = `${p.after}(?P<subsection>.*?)${p.before}`;
  else if (p.after) pattern = `${p.after}(?P<subsection>.*)`;
  else if (p.before) pattern = `(?P<subsection>.*)${p.before}`;
  if (!pattern) return undefined;
  const m = pyRegex(pattern, { flags: 'sd' }).exec(contents);
  if (!m) return null;
  const [start, end] = m.indices!.groups!.subsection!;
  return { start, end, pattern };
}

export function editReplace(contents: string, p: ReplaceEditParams): ReplaceEditResult {
  const sec = section(contents, p);
  if (sec === null) {
    const pattern = p.after && p.before ? `${p.after}(?P<subsection>.*?)${p.before}` : p.after ? `${p.after}(?P<subsection>.*)` : `(?P<subsection>.*)${p.before}`;
    return { content: contents, changed: false, count: 0, msg: `Pattern for before/after params did not match the given file: ${pattern}` };
  }
  const text = sec ? contents.slice(sec.start, sec.end) : contents;
  const { result, count } = pySubn(pyRegex(p.regexp, { flags: 'm' }), p.replace ?? '', text);
  if (count === 0 || result === text) return { content: contents, changed: false, count, msg: '' };
  const content = sec ? contents.slice(0, sec.start) + result + contents.slice(sec.end) : result;
  return { content, changed: true, count, msg: `${count} replacements made` };
}
