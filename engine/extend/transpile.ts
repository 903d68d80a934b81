/**
 * Users' module files (TypeScript or JavaScript) turned into one ES module
 * Node 20 can import: esbuild bundles the file with its relative imports,
 * strips the types, and points the `tsplay` import at this engine's own public
 * API (so `defineModule`, `ModuleFailure`... are the engine's, and
 * `instanceof ModuleFailure` holds). npm packages are bundled too (found
 * from the module's directory, then from the engine's own node_modules), as
 * the output lives in a cache directory where they would not resolve; node:
 * builtins stay imports. The output is cached by content hash: a run that
 * finds every input unchanged does not start esbuild at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TsplayError } from '../errors.js';

/** The file URL a module's `import ... from 'tsplay'` is rewritten to. */
export function engineApiUrl(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, '..', 'index.js');
  // running from source (vitest): the .ts file, which the test runner transforms
  return pathToFileURL(existsSync(compiled) ? compiled : join(here, '..', 'index.ts')).href;
}

/** $TSPLAY_CACHE_DIR, else $XDG_CACHE_HOME/tsplay, else ~/.cache/tsplay; /tmp when none is writable. */
export function moduleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['TSPLAY_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'tsplay');
  for (const dir of [join(base, 'modules'), join(tmpdir(), `tsplay-${process.getuid?.() ?? 'user'}`, 'modules')]) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      /* not writable: try the next one */
    }
  }
  throw new TsplayError('TSPLAY_MODULE_LOAD', `no writable cache directory for compiled modules (tried ${base})`, { hint: 'set TSPLAY_CACHE_DIR' });
}

/** What the cache remembers of one entry file: its inputs' hashes and the output file. */
interface Manifest {
  key: string;
  inputs: Record<string, string>;
  output: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function hashFile(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Changes when the engine moves or esbuild's output could differ. */
function cacheKey(apiUrl: string, esbuildVersion: string): string {
  return sha256(`${apiUrl}\n${esbuildVersion}\n${process.version}`).slice(0, 16);
}

function readManifest(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The cached output when the entry and every file it bundled are unchanged. */
function cached(manifestPath: string, cacheDir: string, key: string): string | undefined {
  const m = readManifest(manifestPath);
  if (!m || m.key !== key) return undefined;
  const output = join(cacheDir, m.output);
  if (!existsSync(output)) return undefined;
  for (const [file, hash] of Object.entries(m.inputs)) if (hashFile(file) !== hash) return undefined;
  return output;
}

export interface CompileOptions {
  cacheDir?: string;
  /** defaults to engineApiUrl() */
  apiUrl?: string;
}

/** The path of an importable .mjs for the module file (from the cache when nothing changed). */
export async function compileModuleFile(file: string, opts: CompileOptions = {}): Promise<string> {
  const entry = resolve(file);
  const cacheDir = opts.cacheDir ?? moduleCacheDir();
  if (opts.cacheDir) mkdirSync(cacheDir, { recursive: true });
  const apiUrl = opts.apiUrl ?? engineApiUrl();
  const manifestPath = join(cacheDir, `${sha256(entry).slice(0, 24)}.json`);
  // importing esbuild is cheap; its service process starts only when build() runs
  const esbuild = await import('esbuild');
  const key = cacheKey(apiUrl, esbuild.version);
  const hit = cached(manifestPath, cacheDir, key);
  if (hit) return hit;
  const { code, inputs } = await bundle(esbuild, entry, apiUrl);
  const output = `${sha256(code).slice(0, 24)}.mjs`;
  writeAtomic(join(cacheDir, output), code);
  const hashes: Record<string, string> = {};
  for (const input of inputs) hashes[input] = hashFile(input) ?? '';
  const manifest: Manifest = { key, inputs: hashes, output };
  writeAtomic(manifestPath, JSON.stringify(manifest));
  return join(cacheDir, output);
}

/** Two processes compiling the same module never see a half-written file. */
function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

interface Bundled {
  code: string;
  inputs: string[];
}

type Esbuild = typeof import('esbuild');

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}

async function bundle(esbuild: Esbuild, entry: string, apiUrl: string): Promise<Bundled> {
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      nodePaths: engineNodeModules(),
      // bundled CommonJS packages may call require()
      banner: { js: "import { createRequire as __tsplayRequire } from 'node:module'; const require = __tsplayRequire(import.meta.url);" },
      metafile: true,
      logLevel: 'silent',
      sourcemap: 'inline',
      absWorkingDir: dirname(entry),
      plugins: [
        {
          name: 'tsplay-api',
          setup(build) {
            build.onResolve({ filter: /^tsplay$/ }, () => ({ path: apiUrl, external: true }));
          },
        },
      ],
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(dirname(entry), p));
    return { code: result.outputFiles[0]!.text, inputs };
  } catch (e) {
    throw compileError(entry, e);
  }
}

/** node_modules directories above the engine (its dependencies, hoisted or not). */
function engineNodeModules(): string[] {
  const dirs: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) dirs.push(nm);
    const up = dirname(dir);
    if (up === dir) return dirs;
    dir = up;
  }
}

function compileError(entry: string, e: unknown): TsplayError {
  const first = ((e as { errors?: EsbuildMessage[] }).errors ?? [])[0];
  const loc = first?.location;
  const source = loc ? { file: resolve(dirname(entry), loc.file), line: loc.line, col: loc.column + 1 } : { file: entry, line: 1, col: 1 };
  const message = first?.text ?? (e instanceof Error ? e.message : String(e));
  return new TsplayError('TSPLAY_MODULE_LOAD', `custom module does not compile: ${message}`, { source, excerpt: loc?.lineText.trim() });
}
