/**
 * The nunjucks Environment tsplay renders with: strict mode on, Ansible's
 * defaults (trim_blocks, no autoescape), our filters/tests/lookups registered,
 * nunjucks' remaining builtins wrapped so they reject undefined values too.
 */
import nunjucks from 'nunjucks';
import { TsplayError } from '../errors.js';
import { coreFilters } from './filters/core.js';
import { collectionFilters } from './filters/collections.js';
import { dataFilters } from './filters/data.js';
import { regexFilters } from './filters/regex.js';
import { extraFilters } from './filters/extra.js';
import type { CallEnv, FilterDef, Kwargs, TestDef } from './filters/types.js';
import { runLookup } from './lookups.js';
import { isMapping } from './pyvalues.js';
import { defined, HOOKS_KEY, raise } from './strict.js';
import { installStrictMode } from './strict-compiler.js';
import { jinjaTests } from './tests.js';

export const FILTERS: Record<string, FilterDef> = {
  ...coreFilters,
  ...collectionFilters,
  ...dataFilters,
  ...regexFilters,
  ...extraFilters,
};
export const TESTS: Record<string, TestDef> = jinjaTests;
const SafeString = (nunjucks as unknown as { runtime: { SafeString: new () => object } }).runtime.SafeString;

/** Filter names as written in playbooks also carry collection prefixes. */
const PREFIXES = ['ansible.builtin.', 'ansible.utils.', 'community.general.', 'ansible.posix.'];
export function stripPrefix(name: string): string {
  const p = PREFIXES.find((x) => name.startsWith(x));
  return p ? name.slice(p.length) : name;
}

/** The render context's hooks also carry the CallEnv filters need. */
export interface ContextLike {
  ctx: Record<string, unknown>;
}
export function callEnvOf(context: ContextLike): CallEnv {
  const hooks = context.ctx[HOOKS_KEY] as { callEnv?: CallEnv } | undefined;
  if (!hooks?.callEnv) throw new TsplayError('TSPLAY_INTERNAL', 'template rendered without tsplay hooks');
  return hooks.callEnv;
}

export function splitKwargs(raw: unknown[]): { args: unknown[]; kw: Kwargs } {
  const last = raw.at(-1);
  if (isMapping(last) && (last as Kwargs).__keywords === true) {
    const { __keywords: _k, ...kw } = last as Kwargs;
    return { args: raw.slice(0, -1), kw };
  }
  return { args: raw, kw: {} };
}

/** Runs plugin code so that a TsplayError it throws reaches the Templar unchanged. */
function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TsplayError) throw raise(e);
    throw e;
  }
}

function addFilters(env: nunjucks.Environment): void {
  // nunjucks' own builtins we do not replace still must not see undefined values
  const builtins = (env as unknown as { filters: Record<string, (...a: unknown[]) => unknown> }).filters;
  for (const [name, f] of Object.entries(builtins)) {
    env.addFilter(name, function (this: unknown, ...a: unknown[]) {
      a.forEach(defined);
      const r = f.apply(this, a);
      // safe/escape give nunjucks' SafeString: to us it is a plain string
      return r instanceof SafeString ? String(r) : r;
    });
  }
  for (const [name, def] of Object.entries(FILTERS)) {
    const wrapped = function (this: ContextLike, input: unknown, ...rest: unknown[]): unknown {
      const { args, kw } = splitKwargs(rest);
      // default/mandatory pass undefined along: `x | default(y) | default(3)`
      if (!def.acceptsUndefined) {
        defined(input);
        args.forEach(defined);
        Object.values(kw).forEach(defined);
      }
      return guarded(() => def.fn(input, args, kw, callEnvOf(this)));
    };
    for (const p of ['', ...PREFIXES]) env.addFilter(p + name, wrapped);
  }
}

function addTests(nj: nunjucks.Environment): void {
  // addTest exists at runtime but is missing from @types/nunjucks
  const env = nj as unknown as { addTest(name: string, fn: (...a: unknown[]) => boolean): void };
  const builtins = (nj as unknown as { tests: Record<string, (...a: unknown[]) => unknown> }).tests;
  for (const [name, t] of Object.entries(builtins)) {
    if (TESTS[name]) continue;
    env.addTest(name, function (this: unknown, ...a: unknown[]) {
      a.forEach(defined);
      return t.apply(this, a) === true;
    });
  }
  for (const [name, def] of Object.entries(TESTS)) {
    const wrapped = function (this: ContextLike, input: unknown, ...rest: unknown[]): boolean {
      const { args, kw } = splitKwargs(rest);
      if (!def.acceptsUndefined) defined(input);
      args.forEach(defined);
      return guarded(() => def.fn(input, args, callEnvOf(this), kw) === true);
    };
    for (const p of ['', ...PREFIXES]) env.addTest(p + name, wrapped);
  }
}

function lookupResult(results: unknown[], wantlist: boolean): unknown {
  if (wantlist) return results;
  if (results.every((r) => typeof r === 'string')) return results.join(',');
  return results.length === 1 ? results[0] : results;
}

function addGlobals(env: nunjucks.Environment): void {
  const lookup = (wantlistDefault: boolean) =>
    function (this: ContextLike, name: unknown, ...rest: unknown[]): unknown {
      const { args, kw } = splitKwargs(rest);
      args.forEach(defined);
      const { wantlist, errors: _e, ...pluginKw } = kw;
      const results = guarded(() => runLookup(String(name), args, pluginKw, callEnvOf(this)));
      return lookupResult(results, wantlistDefault || wantlist === true);
    };
  env.addGlobal('lookup', lookup(false));
  env.addGlobal('query', lookup(true));
  env.addGlobal('q', lookup(true));
  env.addGlobal('dict', (...raw: unknown[]) => {
    const { args, kw } = splitKwargs(raw);
    return { ...(isMapping(args[0]) ? args[0] : Object.fromEntries((args[0] as [string, unknown][] | undefined) ?? [])), ...kw };
  });
  env.addGlobal('namespace', (...raw: unknown[]) => ({ ...splitKwargs(raw).kw }));
  env.addGlobal('__tsplay_capture', function (this: ContextLike, v: unknown) {
    (this.ctx[HOOKS_KEY] as { captured?: unknown }).captured = v;
    return '';
  });
}

export function createEnvironment(searchPaths: string[]): nunjucks.Environment {
  installStrictMode();
  const loader = new nunjucks.FileSystemLoader(searchPaths, { noCache: false });
  const env = new nunjucks.Environment(loader, {
    autoescape: false,
    throwOnUndefined: true, // also the switch for our compiler patch (strict.ts)
    trimBlocks: true,
    lstripBlocks: false,
    dev: true,
  });
  addFilters(env);
  addTests(env);
  addGlobals(env);
  return env;
}

/** Names a template may use as filters / tests in this environment (for the static check). */
export function knownNames(env: nunjucks.Environment): { filters: string[]; tests: string[] } {
  const e = env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
  return { filters: Object.keys(e.filters), tests: Object.keys(e.tests) };
}
