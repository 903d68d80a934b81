/**
 * Templar: renders Ansible-style Jinja2 templates with nunjucks (strict mode,
 * Python semantics, Ansible filters/tests/lookups), one per run.
 */
import nunjucks from 'nunjucks';
import { TsplayError, type SourcePos } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';
import type { TemplateContext } from './types.js';
import type { CallEnv } from './filters/types.js';
import { createEnvironment, FILTERS, stripPrefix, TESTS } from './environment.js';
import { isMapping, isPlainObject, pyTruthy } from './pyvalues.js';
import { HOOKS_KEY, isUndefined, isVarsScope, markHostvars, markScope, markTaskScope, NOT_FOUND, raise, takeLastRaised, type RenderHooks } from './strict.js';
import { holdsScope, plainData } from './plain.js';
import { checkTemplate } from './check.js';
import { withLiteralBackslashes } from './jinja-lexer.js';

export interface TemplarOptions {
  /** turns a vault-encrypted value into its plaintext; other values pass unchanged */
  vaultReveal?: (v: unknown) => unknown;
}

/** One top-level render call: variables, where from, and the lazy-variable bookkeeping. */
interface RenderState {
  vars: VarsMap;
  ctx: TemplateContext;
  /** variables already templated in this call */
  cache: Map<string, unknown>;
  /** variables being templated, to report cycles */
  stack: string[];
}

const MARKERS = /\{\{|\{%|\{#/;
const NATIVE = /^\{\{([\s\S]*)\}\}$/;
const CAPTURE_PREFIX = '{{ __tsplay_capture(';
/** values never deep-templated when referenced: they are lazy or huge */
const NO_DEEP_RENDER = new Set(['hostvars', 'vars']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', 'f', '0', 'none', '']);

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return MARKERS.test(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (isPlainObject(value) && !isVarsScope(value)) {
    return Object.entries(value).some(([k, v]) => MARKERS.test(k) || hasTemplate(v));
  }
  return false;
}

function readVar(vars: VarsMap, name: string): unknown {
  const v = vars[name];
  if (v === undefined) return NOT_FOUND;
  // a plain object's inherited members (toString, constructor) are not variables
  if (!Object.hasOwn(vars, name) && name in Object.prototype) return NOT_FOUND;
  return v;
}

export class Templar {
  private readonly envs = new Map<string, nunjucks.Environment>();
  private readonly compiled = new Map<nunjucks.Environment, Map<string, nunjucks.Template>>();
  private warnings: string[] = [];

  constructor(private readonly options: TemplarOptions = {}) {}

  render(value: unknown, vars: VarsMap, ctx: TemplateContext = {}): unknown {
    return this.renderIn(value, this.state(vars, ctx));
  }

  renderString(text: string, vars: VarsMap, ctx: TemplateContext = {}): string {
    return this.runTemplate(text, this.state(vars, ctx), { fileLines: true });
  }

  evaluate(expr: string, vars: VarsMap, ctx: TemplateContext = {}): unknown {
    return this.evalIn(expr, this.state(vars, ctx));
  }

  /** Ansible's `when:` semantics; see lastWarnings() for what was tolerated. */
  evalCondition(cond: string | boolean, vars: VarsMap, ctx: TemplateContext = {}): boolean {
    const warnings: string[] = [];
    const result = this.judgeCondition(cond, vars, ctx, warnings);
    this.warnings = warnings;
    return result;
  }

  private judgeCondition(cond: string | boolean, vars: VarsMap, ctx: TemplateContext, warnings: string[]): boolean {
    if (typeof cond === 'boolean') return cond;
    const text = String(cond ?? '').trim();
    if (text === '') return true;
    let value: unknown;
    if (MARKERS.test(text)) {
      warnings.push(`conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${text}`);
      value = this.render(text, vars, ctx);
      // as Ansible: a string the template gave is read again as an expression ("False", "x > 1", "[]")
      if (typeof value === 'string') value = this.tryEvaluate(value, vars, ctx);
    } else {
      value = this.evaluate(text, vars, ctx);
    }
    if (typeof value === 'string') {
      warnings.push(`the conditional ${JSON.stringify(text)} gave the string ${JSON.stringify(value)}; judged as a boolean (use '| bool' to say so)`);
      return !FALSE_WORDS.has(value.trim().toLowerCase());
    }
    return pyTruthy(value);
  }

  /** Reads data as an expression: only literals, names and operators, never calls or filters (data may come from a host). */
  private tryEvaluate(text: string, vars: VarsMap, ctx: TemplateContext): unknown {
    if (!/^[\w\s.'"[\]{}:,<>=!+\-*/%]*$/.test(text)) return text;
    try {
      return this.evaluate(text, vars, ctx);
    } catch {
      return text;
    }
  }

  lastWarnings(): string[] {
    return [...this.warnings];
  }

  isTemplated(value: unknown): boolean {
    return hasTemplate(value);
  }

  checkSyntax(text: string, ctx: TemplateContext = {}): TsplayError[] {
    if (!MARKERS.test(text)) return [];
    return checkTemplate(text, this.env(ctx), ctx.source);
  }

  checkExpression(expr: string, ctx: TemplateContext = {}): TsplayError[] {
    return checkTemplate(`{{ ${expr} }}`, this.env(ctx), ctx.source);
  }

  // ------------------------------------------------------------ internals --

  private state(vars: VarsMap, ctx: TemplateContext): RenderState {
    this.warnings = [];
    return { vars, ctx, cache: new Map(), stack: [] };
  }

  private reveal(v: unknown): unknown {
    return this.options.vaultReveal ? this.options.vaultReveal(v) : v;
  }

  private renderIn(value: unknown, st: RenderState): unknown {
    if (typeof value === 'string') return this.renderStr(value, st);
    // nothing to do (and the same object back) unless there is a template or a vault value inside
    const untouched = !this.options.vaultReveal && !hasTemplate(value);
    if (Array.isArray(value)) return untouched ? value : value.map((v) => this.renderIn(v, st));
    if (isPlainObject(value) && !isVarsScope(value)) {
      if (untouched) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[MARKERS.test(k) ? String(this.renderStr(k, st)) : k] = this.renderIn(v, st);
      return out;
    }
    const revealed = this.reveal(value);
    return revealed === value ? value : this.renderIn(revealed, st);
  }

  private renderStr(s: string, st: RenderState): unknown {
    if (!MARKERS.test(s)) return s;
    const native = NATIVE.exec(s);
    // one tag only: a second tag would need its own {{ (a `}}` may close dicts: {'a': {'b': 1}})
    if (native && !MARKERS.test(native[1]!)) {
      const value = this.evalIn(native[1]!, st, true);
      // a value keeps a scope's data, not the lazy scope (which holds hostvars again)
      return holdsScope(value) ? plainData(value, this.hooks(st).callEnv.member) : value;
    }
    return this.runTemplate(s, st, { literalBackslashes: true });
  }

  /** `literalBackslashes`: the expression came from `{{ }}` in a playbook value (see jinja-lexer.ts) */
  private evalIn(expr: string, st: RenderState, literalBackslashes = false): unknown {
    const hooks = this.hooks(st);
    this.runTemplate(`${CAPTURE_PREFIX}${expr}) }}`, st, { hooks, shown: expr, literalBackslashes });
    const v = hooks.captured;
    if (isUndefined(v)) throw this.located(v.toError(), { source: st.ctx.source, excerpt: expr });
    return v;
  }

  /** Hooks through which compiled templates reach variables and plugins. */
  private hooks(st: RenderState): RenderHooks & { callEnv: CallEnv; captured?: unknown } {
    const resolveVar = (name: string): unknown => this.resolveVar(name, st);
    const resolveScoped = (scope: Record<string, unknown>, value: unknown): unknown => {
      const v = this.reveal(value);
      return hasTemplate(v) ? this.renderIn(v, { vars: scope, ctx: st.ctx, cache: new Map(), stack: [] }) : v;
    };
    const callEnv: CallEnv = {
      vars: st.vars,
      ctx: st.ctx,
      resolveVar: (name) => {
        const v = resolveVar(name);
        return v === NOT_FOUND ? undefined : v;
      },
      renderString: (text) => this.runTemplate(text, st, { fileLines: true }),
      member: (obj, key) => {
        const v = obj[key];
        return v !== undefined && isVarsScope(obj) ? resolveScoped(obj, v) : v;
      },
      filter: (name) => FILTERS[stripPrefix(name)] ?? this.unknown('filter', name),
      test: (name) => TESTS[stripPrefix(name)] ?? this.unknown('test', name),
    };
    return { resolveVar, resolveScoped, callEnv, reveal: (v) => this.reveal(v) };
  }

  private unknown(kind: string, name: string): never {
    throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `unknown ${kind} '${name}'`));
  }

  /** A variable's value, its templates rendered on first reference (lazily, recursively). */
  private resolveVar(name: string, st: RenderState): unknown {
    if (st.cache.has(name)) return st.cache.get(name);
    const raw = readVar(st.vars, name);
    if (name === 'hostvars' && isMapping(raw)) return this.scopedHostvars(raw, st);
    // Ansible's `vars`: all variables of this scope, e.g. vars['ansible_' ~ iface]
    if (name === 'vars' && raw === NOT_FOUND) return markTaskScope(st.vars);
    if (raw === NOT_FOUND || NO_DEEP_RENDER.has(name)) return raw;
    const value = this.reveal(raw);
    if (!hasTemplate(value)) {
      st.cache.set(name, value);
      return value;
    }
    if (st.stack.includes(name)) {
      const chain = [...st.stack.slice(st.stack.indexOf(name)), name].join(' -> ');
      throw raise(this.located(new TsplayError('TSPLAY_TEMPLATE_ERROR', `recursive loop in variable ${chain}`), { source: st.ctx.source }));
    }
    st.stack.push(name);
    try {
      const rendered = this.renderIn(value, st);
      st.cache.set(name, rendered);
      return rendered;
    } catch (e) {
      // say which variable's value failed: 'patroni_scope' is undefined (in the value of etcd_cluster_token)
      if (e instanceof TsplayError && !e.hint && st.stack.length === 1) {
        throw raise(new TsplayError(e.code, e.message, { source: e.source, excerpt: e.excerpt, hint: `in the value of variable '${name}'`, cause: e }));
      }
      throw e;
    } finally {
      st.stack.pop();
    }
  }

  /**
   * `hostvars` as templates see it: each host's variables are a scope, so
   * `hostvars['n2'].url` renders n2's "http://{{ ansible_host }}" with n2's
   * variables. The caller's (lazy) hostvars is read, never copied.
   */
  private scopedHostvars(hostvars: Record<string, unknown>, st: RenderState): unknown {
    const cached = st.cache.get('hostvars');
    if (cached) return cached;
    const view = new Proxy(hostvars, {
      get: (target, key, receiver) => {
        const v: unknown = Reflect.get(target, key, receiver);
        return isMapping(v) ? markScope(v) : v;
      },
    });
    st.cache.set('hostvars', markHostvars(view));
    return view;
  }

  private env(ctx: TemplateContext): nunjucks.Environment {
    const paths = [...(ctx.searchPaths ?? []), ...(ctx.baseDir ? [ctx.baseDir] : [])];
    const key = JSON.stringify(paths);
    let env = this.envs.get(key);
    if (!env) {
      env = createEnvironment(paths);
      this.envs.set(key, env);
    }
    return env;
  }

  private compile(src: string, env: nunjucks.Environment, ctx: TemplateContext, opts: RunOptions): nunjucks.Template {
    let cache = this.compiled.get(env);
    if (!cache) this.compiled.set(env, (cache = new Map()));
    const key = `${opts.literalBackslashes ? 'L' : 'P'}${src}`;
    const hit = cache.get(key);
    if (hit) return hit;
    let tmpl: nunjucks.Template;
    try {
      tmpl = withLiteralBackslashes(opts.literalBackslashes === true, () => new nunjucks.Template(src, env, ctx.source?.file, true));
    } catch (e) {
      throw this.convert(e, 'TSPLAY_TEMPLATE_SYNTAX', ctx, opts, src);
    }
    if (cache.size > 5000) cache.clear();
    cache.set(key, tmpl);
    return tmpl;
  }

  private runTemplate(src: string, st: RenderState, opts: RunOptions): string {
    const env = this.env(st.ctx);
    const tmpl = this.compile(src, env, st.ctx, opts);
    const hooks = opts.hooks ?? this.hooks(st);
    takeLastRaised();
    try {
      return tmpl.render({ [HOOKS_KEY]: hooks });
    } catch (e) {
      throw raise(this.convert(e, 'TSPLAY_TEMPLATE_ERROR', st.ctx, opts, src));
    }
  }

  /** A nunjucks error (or the TsplayError it wraps) as a TsplayError at the right place. */
  private convert(e: unknown, code: 'TSPLAY_TEMPLATE_ERROR' | 'TSPLAY_TEMPLATE_SYNTAX', ctx: TemplateContext, opts: RunOptions, src: string): TsplayError {
    const inner = findTsplayError(e) ?? takeLastRaised();
    const err = e as { lineno?: number; colno?: number; message?: string };
    // parse errors carry 1-based positions, runtime ones the 0-based ones our compiled code tracks
    const shift = code === 'TSPLAY_TEMPLATE_ERROR' ? 1 : 0;
    const line = err.lineno === undefined ? undefined : err.lineno + shift;
    const where = this.where(ctx.source, line, err.colno === undefined ? undefined : err.colno + shift, opts, src);
    if (inner) return inner.source ? inner : this.located(inner, where);
    if (/(filter|test) not found/.test(String(err.message))) {
      // name the unknown filter/test with a suggestion, as the static check does
      const found = checkTemplate(src, this.env(ctx), where.source)[0];
      if (found) return found;
    }
    const message = String(err.message ?? e).replace(/^\([^)]*\)( \[Line \d+(, Column \d+)?\])?\s*/, '').replace(/^(Template render error|Error): /, '');
    const what = code === 'TSPLAY_TEMPLATE_SYNTAX' ? 'template syntax error' : 'template error';
    return new TsplayError(code, `${what}: ${message}`, { ...where, excerpt: clip(where.excerpt) });
  }

  /**
   * Where an error is. For a template file, the failing line: as the source
   * when ctx.source is the file itself (line 1, col 1), else as a hint beside
   * the task's position.
   */
  private where(base: SourcePos | undefined, line: number | undefined, col: number | undefined, opts: RunOptions, src: string): Where {
    if (!opts.fileLines || !line) return { source: base, excerpt: opts.shown ?? src };
    const excerpt = src.split('\n')[line - 1]?.trim();
    if (base && base.line === 1 && base.col === 1) return { source: { file: base.file, line, col: col ?? 1 }, excerpt };
    return { source: base, excerpt, hint: `at line ${line} of the template` };
  }

  private located(err: TsplayError, where: Where): TsplayError {
    if (err.source || (!where.source && !where.hint)) return err;
    const hint = [err.hint, where.hint].filter(Boolean).join('; ') || undefined;
    return new TsplayError(err.code, err.message, { source: where.source, hint, excerpt: err.excerpt ?? clip(where.excerpt), cause: err });
  }
}

interface Where {
  source?: SourcePos;
  hint?: string;
  excerpt?: string;
}

function clip(text: string | undefined): string | undefined {
  return text !== undefined && text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

interface RunOptions {
  hooks?: RenderHooks & { callEnv: CallEnv; captured?: unknown };
  /** template file: error lines are relative to ctx.source */
  fileLines?: boolean;
  /** text to show in errors instead of the compiled source */
  shown?: string;
  literalBackslashes?: boolean;
}

function findTsplayError(e: unknown): TsplayError | undefined {
  for (let cur = e, i = 0; cur && i < 10; cur = (cur as { cause?: unknown }).cause, i++) {
    if (cur instanceof TsplayError) return cur;
  }
  return undefined;
}
