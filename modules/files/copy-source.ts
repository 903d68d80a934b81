/** Controller-side sources of copy: a file, or a directory walked recursively. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { posix } from 'node:path';

export interface SourceFile {
  /** path relative to the copied root, '/'-separated ('' for a single file) */
  rel: string;
  content: Buffer;
  mode: number;
}

export interface SourceTree {
  isDir: boolean;
  files: SourceFile[];
  /** relative directories, parents first ('' is the root) */
  dirs: string[];
}

function walk(root: string, rel: string, tree: SourceTree): void {
  tree.dirs.push(rel);
  for (const name of readdirSync(join(root, rel)).sort()) {
    const relPath = rel ? `${rel}/${name}` : name;
    const st = statSync(join(root, relPath));
    if (st.isDirectory()) walk(root, relPath, tree);
    else tree.files.push({ rel: relPath, content: readFileSync(join(root, relPath)), mode: st.mode & 0o7777 });
  }
}

/** Reads a controller file or directory tree. */
export function readSource(path: string): SourceTree {
  const st = statSync(path);
  if (!st.isDirectory()) return { isDir: false, dirs: [], files: [{ rel: '', content: readFileSync(path), mode: st.mode & 0o7777 }] };
  const tree: SourceTree = { isDir: true, files: [], dirs: [] };
  walk(path, '', tree);
  return tree;
}

/**
 * Where a directory source lands: 'src/' copies its contents into dest,
 * 'src' copies the directory itself into dest/basename(src) (as rsync, Ansible).
 */
export function treeRoot(src: string, dest: string): string {
  if (src.endsWith('/')) return dest;
  return posix.join(dest, basename(src));
}
