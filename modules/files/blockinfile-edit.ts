/** blockinfile's algorithm, transcribed from Ansible's module (main()). */
import { pyRegex } from '../lib/pyregex.js';

export interface BlockEditParams {
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  insertafter?: string;
  insertbefore?: string;
  state?: 'present' | 'absent';
}

export interface BlockEditResult {
  content: string;
  changed: boolean;
  msg: string;
}

/** Python's bytes.splitlines(True): breaks after \n, \r\n and a lone \r. */
export function splitLinesKeep(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

function insertIndex(lines: string[], original: string, p: BlockEditParams): number {
  const insertafter = p.insertafter ?? (p.insertbefore === undefined ? 'EOF' : undefined);
  const pattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : p.insertbefore !== undefined && p.insertbefore !== 'BOF' ? p.insertbefore : null;
  if (pattern === null) return insertafter === undefined ? 0 : lines.length;
  const re = pyRegex(pattern);
  let n0: number | undefined;
  if (re.flags.includes('m')) {
    const m = re.exec(original);
    if (m) n0 = original.slice(0, insertafter !== undefined ? m.index + m[0].length : m.index).split('\n').length - 1;
  } else {
    lines.forEach((l, i) => {
      if (re.test(l.endsWith('\n') ? l.slice(0, -1) : l)) n0 = i;
    });
  }
  if (n0 === undefined) return lines.length;
  return insertafter !== undefined ? n0 + 1 : n0;
}

/** `original` is undefined when the file does not exist. */
export function editBlock(original: string | undefined, p: BlockEditParams): BlockEditResult {
  const present = (p.state ?? 'present') === 'present';
  const marker = p.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
  const marker0 = `${marker.split('{mark}').join(p.marker_begin ?? 'BEGIN')}\n`;
  const marker1 = `${marker.split('{mark}').join(p.marker_end ?? 'END')}\n`;
  let block = p.block ?? '';
  let blockLines: string[] = [];
  if (present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [marker0, ...splitLinesKeep(block), marker1];
  }
  const lines = splitLinesKeep(original ?? '');
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) n0 = insertIndex(lines, original ?? '', p);
  else if (n0 < n1) lines.splice(n0, n1 - n0 + 1);
  else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const result = lines.join('');
  if (original === result) return { content: result, changed: false, msg: '' };
  const msg = original === undefined ? 'File created' : blockLines.length === 0 ? 'Block removed' : 'Block inserted';
  return { content: result, changed: true, msg };
}
