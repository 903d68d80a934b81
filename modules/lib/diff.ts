/** Before/after diffs of file content, hidden when secret-looking or binary. */
import type { FileDiff } from '../../engine/results.js';

/** Content is binary when it has a NUL byte or is not valid UTF-8. */
export function isBinary(buf: Buffer): boolean {
  if (buf.includes(0)) return true;
  return !Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

/** A mode only its owner can read (0600, 0400, 0700): the file may hold secrets. */
export function isPrivateMode(mode: number | undefined): boolean {
  return mode !== undefined && (mode & 0o077) === 0;
}

export interface ContentDiffInput {
  path: string;
  before?: Buffer;
  after?: Buffer;
  /** the file's final mode */
  mode?: number;
  noLog: boolean;
}

export function contentDiff(d: ContentDiffInput): FileDiff {
  const hidden =
    d.noLog || isPrivateMode(d.mode) || (d.before !== undefined && isBinary(d.before)) || (d.after !== undefined && isBinary(d.after));
  if (hidden) return { path: d.path, before: '', after: '', hidden: true };
  return { path: d.path, before: d.before?.toString('utf8') ?? '', after: d.after?.toString('utf8') ?? '' };
}

/** A diff of a path's state (file -> absent, absent -> directory, ...). */
export function stateDiff(path: string, before: string, after: string): FileDiff {
  return { path, before: `path: ${path}\nstate: ${before}\n`, after: `path: ${path}\nstate: ${after}\n` };
}
