/**
 * group_vars/ and host_vars/ directories, as Ansible's host_group_vars plugin
 * and DataLoader.find_vars_files: for a name, the first of `NAME`, `NAME.yml`,
 * `NAME.yaml`, `NAME.json`; a directory there contributes every vars file in
 * it (recursively, sorted, skipping hidden and `~` files).
 *
 * A whole directory is read up front, so that groups created at run time
 * (group_by, add_host) find their vars without going back to the disk.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { TsplayError, TsplayErrors, isTsplayError, type SourcePos } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';
import { visit } from 'yaml';
import { posOfNode, readVarsFile, readYamlFile, type YamlDoc } from '../yaml.js';

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** name -> merged vars, for one group_vars/ or host_vars/ directory */
export type VarsDir = Map<string, VarsMap>;

export interface VarsDirs {
  groups: VarsDir;
  hosts: VarsDir;
}

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

async function filesInDir(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = (await readdir(dir)).sort();
  for (const entry of entries) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = extname(entry);
    const k = await kind(full);
    if (k === 'dir' && !ext) found.push(...(await filesInDir(full)));
    else if (k === 'file' && (!ext || VARS_EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

/** find_vars_files(dir, name) */
export async function findVarsFiles(dir: string, name: string): Promise<string[]> {
  for (const ext of ['', ...VARS_EXTENSIONS]) {
    const full = join(dir, name + ext);
    const k = await kind(full);
    if (k === 'dir') return filesInDir(full);
    if (k === 'file') return [full];
  }
  return [];
}

/** A vars file's problems as TSPLAY_INVENTORY errors, each keeping its position. */
function varsFileErrors(file: string, e: unknown): TsplayError[] | undefined {
  const all = e instanceof TsplayErrors ? e.errors : isTsplayError(e) ? [e] : undefined;
  return all?.map(
    (err) =>
      new TsplayError('TSPLAY_INVENTORY', `in vars file ${file}: ${err.message}`, {
        source: err.source ?? { file, line: 1, col: 1 },
        hint: err.hint,
        excerpt: err.excerpt,
        cause: e,
      }),
  );
}

/** Reads a vars file; any problem becomes TSPLAY_INVENTORY, keeping its position. */
export async function loadVarsFile(file: string): Promise<VarsMap> {
  try {
    return await readVarsFile(file);
  } catch (e) {
    const first = varsFileErrors(file, e)?.[0];
    if (!first) throw e;
    throw first;
  }
}

/** Every name that `dir` holds vars for, with those vars merged (later files win). */
export async function readVarsDir(dir: string): Promise<VarsDir> {
  const out: VarsDir = new Map();
  if ((await kind(dir)) !== 'dir') return out;
  const names = new Set<string>();
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const ext = extname(entry);
    names.add(VARS_EXTENSIONS.includes(ext) ? entry.slice(0, -ext.length) : entry);
  }
  for (const name of [...names].sort()) {
    let merged: VarsMap = {};
    const files = await findVarsFiles(dir, name);
    for (const f of files) merged = { ...merged, ...(await loadVarsFile(f)) };
    if (files.length > 0) out.set(name, merged);
  }
  return out;
}

export async function readVarsDirs(baseDir: string): Promise<VarsDirs> {
  const [groups, hosts] = await Promise.all([readVarsDir(join(baseDir, 'group_vars')), readVarsDir(join(baseDir, 'host_vars'))]);
  return { groups, hosts };
}

const playbookCache = new Map<string, Promise<VarsDirs>>();

/** group_vars/ and host_vars/ beside a playbook, read once per directory. */
export function playbookVarsDirs(playbookDir: string): Promise<VarsDirs> {
  let p = playbookCache.get(playbookDir);
  if (!p) {
    p = readVarsDirs(playbookDir);
    playbookCache.set(playbookDir, p);
    p.catch(() => playbookCache.delete(playbookDir));
  }
  return p;
}

/** For tests and long-lived processes: forget cached playbook vars. */
export function clearPlaybookVarsCache(): void {
  playbookCache.clear();
}

/** The template syntax check of engine/vars' Templar (kept structural: inventory does not import vars). */
export interface VarsTemplateChecker {
  checkSyntax(text: string, ctx?: { source?: SourcePos }): TsplayError[];
}

/** Every vars file under group_vars/ and host_vars/ of baseDir. */
async function varsFilesUnder(baseDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const sub of ['group_vars', 'host_vars']) {
    const dir = join(baseDir, sub);
    if ((await kind(dir)) !== 'dir') continue;
    files.push(...(await filesInDir(dir)));
  }
  return files;
}

/** Template syntax of every string value of a parsed vars file, at its file:line:col. */
function templateProblems(y: YamlDoc, checker: VarsTemplateChecker): TsplayError[] {
  const found: TsplayError[] = [];
  visit(y.doc, {
    Scalar(_, node) {
      // vault values stay sealed here: their text is never quoted in a problem
      if (node.tag === '!vault' || typeof node.value !== 'string') return;
      found.push(...checker.checkSyntax(node.value, { source: posOfNode(y, node) }));
    },
  });
  return found;
}

/**
 * The static check of the group_vars/ and host_vars/ beside an inventory or a
 * playbook: every YAML problem of every file (not only the first) and, with a
 * checker, template syntax errors in their values, before any host is touched.
 */
export async function checkVarsDirs(baseDir: string, checker?: VarsTemplateChecker): Promise<TsplayError[]> {
  const problems: TsplayError[] = [];
  for (const file of await varsFilesUnder(baseDir)) {
    try {
      await readVarsFile(file);
      if (checker) problems.push(...templateProblems(await readYamlFile(file), checker));
    } catch (e) {
      const errors = varsFileErrors(file, e);
      if (!errors) throw e;
      problems.push(...errors);
    }
  }
  return problems;
}
