/** A private copy of the shipped trees (and fixtures) the fuzz cases mutate in place, one file at a time. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');

export interface Workspace {
  root: string;
  /** files under `sub` (relative to root) whose names match `re` */
  files(sub: string, re: RegExp): string[];
  /** writes `text` over `file`, runs `fn`, puts the original back */
  withContent<T>(file: string, text: string, fn: () => Promise<T>): Promise<T>;
  read(file: string): string;
}

/** Copies each `repo-relative path -> workspace name` that exists; symlinks stay symlinks (playbooks/roles -> ../roles). */
export function makeWorkspace(trees: Record<string, string>): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-fuzz-'));
  for (const [from, to] of Object.entries(trees)) {
    const src = join(REPO, from);
    if (existsSync(src)) cpSync(src, join(root, to), { recursive: true, verbatimSymlinks: true });
  }
  const originals = new Map<string, string>();
  return {
    root,
    files(sub, re) {
      const out: string[] = [];
      const walk = (dir: string): void => {
        if (!existsSync(dir)) return;
        for (const name of readdirSync(dir).sort()) {
          const p = join(dir, name);
          const st = statSync(p, { throwIfNoEntry: false });
          if (!st) continue;
          if (st.isDirectory()) {
            if (relative(root, p).split('/').length < 8) walk(p);
          } else if (re.test(name)) out.push(p);
        }
      };
      walk(join(root, sub));
      return [...new Set(out)];
    },
    read(file) {
      if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
      return originals.get(file)!;
    },
    async withContent(file, text, fn) {
      const original = this.read(file);
      writeFileSync(file, text);
      try {
        return await fn();
      } finally {
        writeFileSync(file, original);
      }
    },
  };
}
