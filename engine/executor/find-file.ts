/** Controller-side file lookup: role files/templates/vars, the including file's dir, then the playbook dir. */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { TaskKeywords } from '../playbook/model.js';
import { TsplayError } from '../errors.js';

type Kind = 'files' | 'templates' | 'vars';

export interface FileFinder {
  searchPaths(kind: Kind): string[];
  find(kind: Kind, path: string): string;
}

export function fileFinder(task: TaskKeywords, playbookDir: string): FileFinder {
  const searchPaths = (kind: Kind): string[] => {
    const dirs: string[] = [];
    if (task.role) dirs.push(join(task.role.path, kind), task.role.path);
    if (task.baseDir) dirs.push(join(task.baseDir, kind), task.baseDir, join(task.baseDir, '..', kind));
    dirs.push(join(playbookDir, kind), playbookDir);
    return [...new Set(dirs)];
  };
  return {
    searchPaths,
    find(kind, path) {
      if (isAbsolute(path)) {
        if (existsSync(path)) return path;
        throw notFound(path, [path], task);
      }
      const tried = searchPaths(kind).map((d) => join(d, path));
      const hit = tried.find((p) => existsSync(p));
      if (!hit) throw notFound(path, tried, task);
      return hit;
    },
  };
}

function notFound(path: string, tried: string[], task: TaskKeywords): TsplayError {
  return new TsplayError('TSPLAY_FILE_NOT_FOUND', `could not find ${path}`, {
    source: task.source,
    hint: `looked in: ${tried.join(', ')}`,
  });
}
