/**
 * Strict undefined and Python semantics for nunjucks, in one place.
 *
 * Nunjucks evaluates a missing variable to JS `undefined` quietly, treats `[]`
 * as true and `[1] + [2]` as "12". Ansible's Jinja2 does none of that. Instead
 * of post-processing, we change what the nunjucks compiler emits for the
 * handful of node types where the semantics differ: names, attribute lookups,
 * output, boolean operators, comparisons, `in`, arithmetic, `for`, calls and
 * `is` tests. Each now calls a `runtime.ts*` helper defined below.
 *
 * A missing name or attribute evaluates to a `JinjaUndefined` marker carrying
 * the dotted name (`etcd.peer_port`); only the `defined`/`undefined` tests and
 * the `default`/`mandatory` filters accept it, everything else throws
 * TSPLAY_UNDEFINED_VAR naming it (the marker's toPrimitive throws too, so even
 * a path we did not think of fails loudly instead of printing "undefined").
 *
 * This file holds the runtime half (the marker and the helpers); the compiler
 * half is strict-compiler.ts. The compiler patch is process-wide but gated: a
 * Compiler only takes the tsplay paths when its environment was created with
 * `throwOnUndefined: true` (our Environment sets it; nobody else in tsplay
 * uses nunjucks). The runtime helpers are new names, the stock ones are left
 * untouched.
 */

import nunjucks from 'nunjucks';
import { TsplayError } from '../errors.js';
import { isMapping, isTuple, percentFormat, pyCompare, pyEquals, pyStr, pyTruthy, tuple } from './pyvalues.js';
import { pyMethod } from './methods.js';
import { holdsScope, plainData } from './plain.js';

/** A missing variable or attribute, kept as a value until something uses it. */
export class JinjaUndefined {
  constructor(
    readonly name: string,
    readonly hint?: string,
  ) {}
  toError(): TsplayError {
    return new TsplayError('TSPLAY_UNDEFINED_VAR', `'${this.name}' is undefined`, { hint: this.hint });
  }
  [Symbol.toPrimitive](): never {
    throw raise(this.toError());
  }
}

export function isUndefined(v: unknown): v is JinjaUndefined {
  return v instanceof JinjaUndefined;
}

/** Hooks the Templar puts into the render context (as `__tsplay`) for name resolution. */
export interface RenderHooks {
  /** the variable named, lazily templated; `NOT_FOUND` when absent */
  resolveVar(name: string): unknown;
  /** a value read from an object marked with VARS_SCOPE (hostvars[x]), templated in that scope */
  resolveScoped(scope: Record<string, unknown>, value: unknown): unknown;
  /** a vault-encrypted value's plaintext; other values unchanged */
  reveal(value: unknown): unknown;
}
export const NOT_FOUND = Symbol('tsplay.notFound');
/** A mapping with this key set to true is a host's variables: templated strings read from it are rendered against it. */
export const VARS_SCOPE = Symbol.for('tsplay.varsScope');
/** Mappings known to be a host's variables (the values of `hostvars`), without touching them. */
const scopes = new WeakSet<object>();
export function markScope<T extends object>(vars: T): T {
  scopes.add(vars);
  return vars;
}
export function isVarsScope(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (scopes.has(v) || (v as Record<symbol, unknown>)[VARS_SCOPE] === true);
}
/** The task's own scope as the `vars` variable shows it (a host's variables hold no `hostvars`; this one does). */
const taskScopes = new WeakSet<object>();
export function markTaskScope<T extends object>(vars: T): T {
  taskScopes.add(vars);
  return markScope(vars);
}
export function isTaskScope(v: unknown): boolean {
  return v !== null && typeof v === 'object' && taskScopes.has(v);
}
/** `hostvars` as templates see it: host name to that host's variables. */
const hostvarsMaps = new WeakSet<object>();
export function markHostvars<T extends object>(hostvars: T): T {
  hostvarsMaps.add(hostvars);
  return hostvars;
}
export function isHostvars(v: unknown): boolean {
  return v !== null && typeof v === 'object' && hostvarsMaps.has(v);
}
export const HOOKS_KEY = '__tsplay';

/**
 * Nunjucks wraps whatever a template throws; the last TsplayError raised from
 * template code is kept here so the Templar can rethrow it unchanged.
 */
let lastRaised: TsplayError | undefined;
export function raise(err: TsplayError): TsplayError {
  lastRaised = err;
  return err;
}
export function takeLastRaised(): TsplayError | undefined {
  const e = lastRaised;
  lastRaised = undefined;
  return e;
}

export function defined<T>(v: T): T {
  if (v instanceof JinjaUndefined) throw raise(v.toError());
  return v;
}

interface Frame {
  lookup(name: string): unknown;
}
interface Context {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

function hooksOf(context: Context): RenderHooks | undefined {
  return context.ctx[HOOKS_KEY] as RenderHooks | undefined;
}

function tsLookup(context: Context, frame: Frame, name: string): unknown {
  const inFrame = frame.lookup(name);
  if (inFrame !== undefined) return inFrame;
  if (name !== HOOKS_KEY && Object.hasOwn(context.ctx, name)) return context.ctx[name];
  const hooks = hooksOf(context);
  const v = hooks ? hooks.resolveVar(name) : NOT_FOUND;
  if (v !== NOT_FOUND) return v;
  if (Object.hasOwn(context.env.globals, name)) return context.env.globals[name];
  if (name === 'True') return true;
  if (name === 'False') return false;
  if (name === 'None') return null;
  return new JinjaUndefined(name);
}

function pyIndex(len: number, i: number): number {
  return i < 0 ? len + i : i;
}

function slice(obj: unknown, [start, stop, step]: unknown[]): unknown {
  const seq = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : undefined;
  if (!seq) throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', 'only strings and lists can be sliced'));
  const st = typeof step === 'number' ? step : 1;
  const len = seq.length;
  const clamp = (v: unknown, dflt: number): number =>
    typeof v === 'number' ? Math.max(st > 0 ? 0 : -1, Math.min(len, pyIndex(len, v))) : dflt;
  const a = clamp(start, st > 0 ? 0 : len - 1);
  const b = clamp(stop, st > 0 ? len : -1);
  const out: unknown[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(seq[i]);
  return typeof obj === 'string' ? out.join('') : out;
}

export function memberName(target: string, key: unknown): string {
  return typeof key === 'number' ? `${target}[${key}]` : `${target}.${String(key)}`;
}

function tsMember(context: Context, obj: unknown, key: unknown, target: string): unknown {
  // as Ansible's AnsibleUndefined: an attribute of undefined is the same undefined,
  // so `x.y.z is defined` works and the error names the first missing part
  if (obj instanceof JinjaUndefined) return obj;
  if (Array.isArray(key)) return slice(obj, key);
  if (obj === null || obj === undefined) {
    return new JinjaUndefined(memberName(target, key), `'None' has no attribute '${String(key)}'`);
  }
  if (typeof key === 'number' && (Array.isArray(obj) || typeof obj === 'string')) {
    const v = obj[pyIndex(obj.length, key)];
    return v === undefined ? new JinjaUndefined(memberName(target, key), 'list index out of range') : v;
  }
  const k = String(key);
  if (isMapping(obj) && (Object.hasOwn(obj, k) || (!(k in Object.prototype) && k in obj))) {
    const v = obj[k];
    if (v === undefined) return new JinjaUndefined(memberName(target, key));
    const hooks = hooksOf(context);
    if (hooks && isVarsScope(obj)) return hooks.resolveScoped(obj, v);
    return hooks ? hooks.reveal(v) : v;
  }
  const method = pyMethod(obj, k);
  if (method) return method;
  const kind = Array.isArray(obj) ? 'list object' : isMapping(obj) ? 'dict object' : `${typeof obj}`;
  return new JinjaUndefined(memberName(target, key), `'${kind}' has no attribute '${k}'`);
}

const SafeString = (nunjucks as unknown as { runtime: { SafeString: new () => object } }).runtime.SafeString;

function tsCall(fn: unknown, name: string, context: Context, args: unknown[]): unknown {
  if (fn instanceof JinjaUndefined) throw raise(fn.toError());
  if (typeof fn !== 'function') {
    throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `'${name}' is not callable`));
  }
  const result = (fn as (...a: unknown[]) => unknown).apply(context, args);
  // a macro returns nunjucks' SafeString: to templates it is just a string
  return result instanceof SafeString ? String(result) : result;
}

function tsIter(v: unknown, names: number): unknown {
  defined(v);
  if (v === null) throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', "'NoneType' object is not iterable"));
  if (typeof v === 'string') return [...v];
  // Jinja iterates a dict's keys; nunjucks' two-name loop over an object yields pairs
  if (isMapping(v) && names === 1) return Object.keys(v);
  return v;
}

/** Items kept by a loop filter; a dict iterated with two names becomes its (key, value) pairs. */
function tsLoopFilter(items: unknown, names: number, keep: (item: unknown) => boolean): unknown[] {
  const list = Array.isArray(items) ? items : isMapping(items) && names > 1 ? Object.entries(items) : [];
  return list.filter(keep);
}

function tsSetAttr(obj: unknown, key: unknown, value: unknown): void {
  defined(obj);
  if (!isMapping(obj)) throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', 'can only set attributes of a namespace() or dict'));
  obj[String(key)] = value;
}

function tsIn(needle: unknown, hay: unknown): boolean {
  defined(needle);
  defined(hay);
  if (typeof hay === 'string') return hay.includes(pyStr(needle));
  if (Array.isArray(hay)) return hay.some((x) => pyEquals(x, needle));
  if (isMapping(hay)) return typeof needle === 'string' && needle in hay;
  throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `argument of type '${typeof hay}' is not iterable`));
}

const COMPARE: Record<string, (a: unknown, b: unknown) => boolean> = {
  '==': (a, b) => pyEquals(a, b),
  '===': (a, b) => pyEquals(a, b),
  '!=': (a, b) => !pyEquals(a, b),
  '!==': (a, b) => !pyEquals(a, b),
  '<': (a, b) => pyCompare(a, b) < 0,
  '>': (a, b) => pyCompare(a, b) > 0,
  '<=': (a, b) => pyCompare(a, b) <= 0,
  '>=': (a, b) => pyCompare(a, b) >= 0,
};

function tsCompare(values: unknown[], ops: string[]): boolean {
  values.forEach(defined);
  return ops.every((op, i) => {
    const f = COMPARE[op];
    if (!f) throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `unsupported comparison '${op}'`));
    return f(values[i], values[i + 1]);
  });
}

function typeError(op: string, a: unknown, b: unknown): TsplayError {
  const t = (v: unknown): string => (Array.isArray(v) ? 'list' : v === null ? 'NoneType' : typeof v);
  return raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `unsupported operand type(s) for ${op}: '${t(a)}' and '${t(b)}'`));
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;
}

const ARITH: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': (a, b) => {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    const [x, y] = [num(a), num(b)];
    if (x === undefined || y === undefined) throw typeError('+', a, b);
    return x + y;
  },
  '*': (a, b) => {
    if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
    if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
    const [x, y] = [num(a), num(b)];
    if (x === undefined || y === undefined) throw typeError('*', a, b);
    return x * y;
  },
  '-': (a, b) => numeric('-', a, b, (x, y) => x - y),
  '/': (a, b) => numeric('/', a, b, (x, y) => x / y),
  '//': (a, b) => numeric('//', a, b, (x, y) => Math.floor(x / y)),
  // 'a=%s b=%s' % (1, 2): Python's printf-style formatting
  '%': (a, b) => (typeof a === 'string' ? percentFormat(a, Array.isArray(b) && isTuple(b) ? b : [b]) : numeric('%', a, b, (x, y) => ((x % y) + y) % y)),
  '**': (a, b) => numeric('**', a, b, (x, y) => x ** y),
  '~': (a, b) => pyStr(a) + pyStr(b),
};

function numeric(op: string, a: unknown, b: unknown, f: (x: number, y: number) => number): number {
  const [x, y] = [num(a), num(b)];
  if (x === undefined || y === undefined) throw typeError(op, a, b);
  if ((op === '/' || op === '//' || op === '%') && y === 0) {
    throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', 'division by zero'));
  }
  return f(x, y);
}

function tsArith(op: string, a: unknown, b: unknown): unknown {
  return ARITH[op]!(defined(a), defined(b));
}

/** A scope printed in text (`{{ hostvars[h] }}`) prints its data, not its lazy self (which holds hostvars again). */
function asText(v: unknown, context: Context | undefined): unknown {
  const hooks = context ? hooksOf(context) : undefined;
  if (!hooks || !holdsScope(v)) return v;
  return plainData(v, (obj, key) => {
    const value = obj[key];
    return value !== undefined && isVarsScope(obj) ? hooks.resolveScoped(obj, value) : value;
  });
}

/** Called by the code our compiler patch emits (strict-compiler.ts). */
export const runtimeHelpers = {
  tsLookup,
  tsMember,
  tsCall,
  tsIter,
  tsLoopFilter,
  tsSetAttr,
  tsIn,
  tsCompare,
  tsArith,
  // Ansible's finalize: None prints as an empty string
  tsOut: (v: unknown, context?: Context): string => (v === null ? '' : pyStr(asText(defined(v), context))),
  tsTruthy: (v: unknown): boolean => pyTruthy(defined(v)),
  tsAnd: (a: unknown, b: () => unknown): unknown => (pyTruthy(defined(a)) ? defined(b()) : a),
  tsOr: (a: unknown, b: () => unknown): unknown => (pyTruthy(defined(a)) ? a : defined(b())),
  tsNeg: (v: unknown): number => -numeric('-', 0, defined(v), (_x, y) => y),
  tsTuple: (items: unknown[]): unknown[] => tuple(items),
};
