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
 * The compiler patch is process-wide but gated: a Compiler only takes the
 * tsplay paths when its environment was created with `throwOnUndefined: true`
 * (our Environment sets it; nobody else in tsplay uses nunjucks). The runtime
 * helpers are new names, the stock ones are left untouched.
 */
import nunjucks from 'nunjucks';
import { TsplayError } from '../errors.js';
import { isMapping, pyCompare, pyEquals, pyStr, pyTruthy } from './pyvalues.js';
import { pyMethod } from './methods.js';

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
}
export const NOT_FOUND = Symbol('tsplay.notFound');
/** Marks a mapping as a host's variables: templated strings read from it are rendered against it. */
export const VARS_SCOPE = Symbol.for('tsplay.varsScope');
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

function memberName(target: string, key: unknown): string {
  return typeof key === 'number' ? `${target}[${key}]` : `${target}.${String(key)}`;
}

function tsMember(context: Context, obj: unknown, key: unknown, target: string): unknown {
  if (obj instanceof JinjaUndefined) return new JinjaUndefined(memberName(obj.name, key), obj.hint);
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
    if (hooks && (obj as Record<symbol, unknown>)[VARS_SCOPE]) return hooks.resolveScoped(obj, v);
    return v;
  }
  const method = pyMethod(obj, k);
  if (method) return method;
  const kind = Array.isArray(obj) ? 'list object' : isMapping(obj) ? 'dict object' : `${typeof obj}`;
  return new JinjaUndefined(memberName(target, key), `'${kind}' has no attribute '${k}'`);
}

function tsCall(fn: unknown, name: string, context: Context, args: unknown[]): unknown {
  if (fn instanceof JinjaUndefined) throw raise(fn.toError());
  if (typeof fn !== 'function') {
    throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', `'${name}' is not callable`));
  }
  return (fn as (...a: unknown[]) => unknown).apply(context, args);
}

function tsIter(v: unknown, names: number): unknown {
  defined(v);
  if (v === null) throw raise(new TsplayError('TSPLAY_TEMPLATE_ERROR', "'NoneType' object is not iterable"));
  if (typeof v === 'string') return [...v];
  // Jinja iterates a dict's keys; nunjucks' two-name loop over an object yields pairs
  if (isMapping(v) && names === 1) return Object.keys(v);
  return v;
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
  '%': (a, b) => numeric('%', a, b, (x, y) => ((x % y) + y) % y),
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

const helpers = {
  tsLookup,
  tsMember,
  tsCall,
  tsIter,
  tsIn,
  tsCompare,
  tsArith,
  tsOut: (v: unknown): string => pyStr(defined(v)),
  tsTruthy: (v: unknown): boolean => pyTruthy(defined(v)),
  tsAnd: (a: unknown, b: () => unknown): unknown => (pyTruthy(defined(a)) ? defined(b()) : a),
  tsOr: (a: unknown, b: () => unknown): unknown => (pyTruthy(defined(a)) ? a : defined(b())),
  tsNeg: (v: unknown): number => -numeric('-', 0, defined(v), (_x, y) => y),
};

// ---------------------------------------------------------------- compiler --

interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  [field: string]: unknown;
}
interface NjCompiler {
  throwOnUndefined: boolean;
  buffer: string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  compile(node: unknown, frame: unknown): void;
  _compileExpression(node: unknown, frame: unknown): void;
  _compileAggregate(node: unknown, frame: unknown, start?: string, end?: string): void;
}
type CompileFn = (this: NjCompiler, node: NjNode, frame: { lookup(n: string): string | undefined }) => void;
interface NunjucksInternals {
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  runtime: Record<string, unknown>;
  nodes: { Node: { extend(name: string, props: { fields: string[] }): new (...a: unknown[]) => NjNode } };
  installJinjaCompat(): void;
  lexer: { lex(src: string, opts: object): object };
}

/** A readable name for an expression, used in undefined errors: `a.b[0]`. */
function exprName(node: NjNode | undefined): string {
  if (!node) return 'expression';
  if (node.typename === 'Symbol') return String(node.value);
  if (node.typename === 'LookupVal') {
    const val = node.val as NjNode;
    const base = exprName(node.target as NjNode);
    if (val.typename === 'Literal') return memberName(base, val.value);
    return `${base}[...]`;
  }
  if (node.typename === 'FunCall') return `${exprName(node.name as NjNode)}(...)`;
  return 'expression';
}

function binary(op: string): CompileFn {
  return function (node, frame) {
    this._emit(`runtime.tsArith(${JSON.stringify(op)}, `);
    this._compileExpression(node.left, frame);
    this._emit(', ');
    this._compileExpression(node.right, frame);
    this._emit(')');
  };
}

function wrapCall(helper: string, field: string): CompileFn {
  return function (node, frame) {
    this._emit(`runtime.${helper}(`);
    this._compileExpression(node[field], frame);
    this._emit(')');
  };
}

function lazyBool(helper: string): CompileFn {
  return function (node, frame) {
    this._emit(`runtime.${helper}(`);
    this._compileExpression(node.left, frame);
    this._emit(', function() { return ');
    this._compileExpression(node.right, frame);
    this._emit('; })');
  };
}

const patched: Record<string, CompileFn> = {
  compileSymbol(node, frame) {
    const name = String(node.value);
    const local = frame.lookup(name);
    this._emit(local ? local : `runtime.tsLookup(context, frame, ${JSON.stringify(name)})`);
  },
  compileLookupVal(node, frame) {
    this._emit('runtime.tsMember(context, (');
    this._compileExpression(node.target, frame);
    this._emit('), ');
    // a slice `x[1:]` (jinja-compat's Slice node) travels as one [start, stop, step] array
    const isSlice = (node.val as NjNode).typename === 'Slice';
    if (isSlice) this._emit('[');
    this._compileExpression(node.val, frame);
    if (isSlice) this._emit(']');
    this._emit(`, ${JSON.stringify(exprName(node.target as NjNode))})`);
  },
  compileOutput(node, frame) {
    for (const child of node.children as NjNode[]) {
      if (child.typename === 'TemplateData') {
        if (child.value) this._emitLine(`${this.buffer} += ${JSON.stringify(String(child.value))};`);
        continue;
      }
      // keep lineno/colno current so errors point at the failing {{ }}
      this._emit(`lineno = ${child.lineno}; colno = ${child.colno}; ${this.buffer} += runtime.tsOut(`);
      this.compile(child, frame);
      this._emitLine(');');
    }
  },
  compileOr: lazyBool('tsOr'),
  compileAnd: lazyBool('tsAnd'),
  compileNot(node, frame) {
    this._emit('!runtime.tsTruthy(');
    this._compileExpression(node.target, frame);
    this._emit(')');
  },
  compileTsTruthy(node, frame) {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.tsTruthy(`);
    this._compileExpression(node.target, frame);
    this._emit('))');
  },
  compileTsIter(node, frame) {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.tsIter(`);
    this._compileExpression(node.target, frame);
    this._emit(`, ${Number(node.names)}))`);
  },
  compileInlineIf(node, frame) {
    this._emit('(runtime.tsTruthy(');
    this._compileExpression(node.cond, frame);
    this._emit(') ? (');
    this._compileExpression(node.body, frame);
    this._emit(') : (');
    if (node.else_) this._compileExpression(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  },
  compileIn(node, frame) {
    this._emit('runtime.tsIn(');
    this._compileExpression(node.left, frame);
    this._emit(', ');
    this._compileExpression(node.right, frame);
    this._emit(')');
  },
  compileIs(node, frame) {
    const right = node.right as NjNode;
    const name = right.name ? String((right.name as NjNode).value) : String(right.value);
    this._emit(`(env.getTest(${JSON.stringify(name)}).call(context, `);
    this._compileExpression(node.left, frame);
    if (right.args) this._compileAggregate(right.args, frame, ', ', '');
    this._emit(') === true)');
  },
  compileCompare(node, frame) {
    const ops = node.ops as NjNode[];
    this._emit('runtime.tsCompare([');
    this._compileExpression(node.expr, frame);
    for (const op of ops) {
      this._emit(', ');
      this._compileExpression(op.expr, frame);
    }
    this._emit(`], ${JSON.stringify(ops.map((o) => o.type))})`);
  },
  compileFunCall(node, frame) {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.tsCall(`);
    this._compileExpression(node.name, frame);
    this._emit(`, ${JSON.stringify(exprName(node.name as NjNode))}, context, `);
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  },
  compileAdd: binary('+'),
  compileSub: binary('-'),
  compileMul: binary('*'),
  compileDiv: binary('/'),
  compileFloorDiv: binary('//'),
  compileMod: binary('%'),
  compilePow: binary('**'),
  compileConcat: binary('~'),
  compileNeg: wrapCall('tsNeg', 'target'),
};

let installed = false;

/** Installs the gated compiler patch and the runtime helpers (idempotent). */
export function installStrictMode(): void {
  if (installed) return;
  installed = true;
  const nj = nunjucks as unknown as NunjucksInternals;
  nj.installJinjaCompat(); // adds `x[1:]` slice syntax (its runtime changes do not reach our helpers)
  balanceCurlies(nj);
  Object.assign(nj.runtime, helpers);
  const TsTruthy = nj.nodes.Node.extend('TsTruthy', { fields: ['target'] });
  const TsIter = nj.nodes.Node.extend('TsIter', { fields: ['target', 'names'] });
  const proto = nj.compiler.Compiler.prototype;
  const origAssert = proto.assertType as (this: NjCompiler, node: unknown, ...types: unknown[]) => void;
  proto.assertType = function (this: NjCompiler, node: unknown, ...types: unknown[]): void {
    if (node instanceof TsTruthy || node instanceof TsIter) return;
    origAssert.call(this, node, ...types);
  };
  for (const [name, fn] of Object.entries(patched)) {
    const orig = proto[name] as CompileFn | undefined;
    proto[name] = function (this: NjCompiler, node: NjNode, frame: { lookup(n: string): string | undefined }) {
      if (!this.throwOnUndefined && orig) return orig.call(this, node, frame);
      return fn.call(this, node, frame);
    };
  }
  wrapConditionNodes(proto, TsTruthy, TsIter);
}

/** `if` and `for` keep nunjucks' code; only their condition / iterable gets wrapped. */
function wrapConditionNodes(
  proto: Record<string, unknown>,
  TsTruthy: new (...a: unknown[]) => NjNode,
  TsIter: new (...a: unknown[]) => NjNode,
): void {
  for (const name of ['compileIf', 'compileIfAsync']) {
    const orig = proto[name] as (this: NjCompiler, node: NjNode, ...rest: unknown[]) => void;
    proto[name] = function (this: NjCompiler, node: NjNode, ...rest: unknown[]) {
      if (this.throwOnUndefined && !(node.cond instanceof TsTruthy)) {
        node.cond = new TsTruthy(node.lineno, node.colno, node.cond);
      }
      return orig.call(this, node, ...rest);
    };
  }
  for (const name of ['compileFor', 'compileAsyncEach', 'compileAsyncAll']) {
    const orig = proto[name] as (this: NjCompiler, node: NjNode, ...rest: unknown[]) => void;
    proto[name] = function (this: NjCompiler, node: NjNode, ...rest: unknown[]) {
      if (this.throwOnUndefined && !(node.arr instanceof TsIter)) {
        const names = (node.name as NjNode).typename === 'Array' ? ((node.name as NjNode).children as unknown[]).length : 1;
        node.arr = new TsIter(node.lineno, node.colno, node.arr, names);
      }
      return orig.call(this, node, ...rest);
    };
  }
}

interface Tokenizer {
  in_code: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forward(): void;
  nextToken(): { type: string; value: string } | null;
  /** open `{` inside the current tag */
  tsDepth?: number;
}

/**
 * Jinja2's lexer knows that the `}}` in `{{ x | combine({'a': {'b': 1}}) }}`
 * closes two dicts, not the tag; nunjucks' does not. Inside a tag with open
 * curly braces, a `}` is a brace. (Only templates nunjucks rejected change.)
 */
function balanceCurlies(nj: NunjucksInternals): void {
  const proto = Object.getPrototypeOf(nj.lexer.lex('', {})) as Tokenizer;
  const orig = proto.nextToken;
  proto.nextToken = function (this: Tokenizer) {
    if (this.in_code && (this.tsDepth ?? 0) > 0 && this.str.charAt(this.index) === '}') {
      const tok = { type: 'right-curly', value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      this.tsDepth = (this.tsDepth ?? 1) - 1;
      return tok;
    }
    const tok = orig.call(this);
    if (tok?.type === 'left-curly') this.tsDepth = (this.tsDepth ?? 0) + 1;
    else if (tok?.type === 'right-curly') this.tsDepth = Math.max(0, (this.tsDepth ?? 0) - 1);
    else if (tok?.type === 'variable-start' || tok?.type === 'block-start') this.tsDepth = 0;
    return tok;
  };
}
