/**
 * The compiler half of strict mode (see strict.ts): what nunjucks emits for
 * names, lookups, output, operators, `if`/`for` conditions, calls and tests
 * now calls the `runtime.ts*` helpers. Gated per compile: only Compilers whose
 * environment has `throwOnUndefined: true` (ours) take these paths.
 */
import nunjucks from 'nunjucks';
import { memberName, runtimeHelpers } from './strict.js';
import { installLexerPatches } from './jinja-lexer.js';

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
interface NjParser {
  parseCompare(): NjNode;
  skipSymbol(name: string): boolean;
  peekToken(): { type: string; value: string; lineno: number; colno: number } | null;
}
interface NunjucksInternals {
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  parser: { Parser: { prototype: { parseIs: (this: NjParser) => NjNode } } };
  runtime: Record<string, unknown>;
  nodes: {
    Node: { extend(name: string, props: { fields: string[] }): new (...a: unknown[]) => NjNode };
    Is: new (lineno: number, colno: number, left: NjNode, right: NjNode) => NjNode;
    Not: new (lineno: number, colno: number, target: NjNode) => NjNode;
    FunCall: new (lineno: number, colno: number, name: NjNode, args: NjNode) => NjNode;
    Symbol: new (lineno: number, colno: number, value: string) => NjNode;
    NodeList: new (lineno: number, colno: number, children: NjNode[]) => NjNode;
  };
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

/** The test in `x is name`, `x is name(args)` or `x is ansible.builtin.name(args)`. */
export function testName(right: NjNode): string {
  const target = (right.typename === 'FunCall' ? right.name : right) as NjNode;
  const parts: string[] = [];
  let cur: NjNode | undefined = target;
  while (cur && cur.typename === 'LookupVal') {
    parts.unshift(String((cur.val as NjNode).value));
    cur = cur.target as NjNode;
  }
  parts.unshift(String(cur?.value));
  return parts.join('.');
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
      this._emitLine(', context);');
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
    const names = node.names as string[];
    const cond = node.cond as NjNode | null;
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    if (cond) this._emit('runtime.tsLoopFilter(');
    this._emit('runtime.tsIter(');
    this._compileExpression(node.target, frame);
    this._emit(`, ${names.length})`);
    if (cond) {
      // `for h in hosts if cond`: the condition sees each item under the loop's names
      const bind = names.length === 1 ? `frame.set(${JSON.stringify(names[0])}, item);` : names.map((n, i) => `frame.set(${JSON.stringify(n)}, item[${i}]);`).join(' ');
      this._emit(`, ${names.length}, function(item) { frame = frame.push(); ${bind} try { return runtime.tsTruthy(`);
      this._compileExpression(cond, frame);
      this._emit('); } finally { frame = frame.pop(); } })');
    }
    this._emit(')');
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
    this._emit(`(env.getTest(${JSON.stringify(testName(right))}).call(context, `);
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
  compileGroup(node, frame) {
    const children = node.children as NjNode[];
    if (children.length === 1) {
      this._compileAggregate(node, frame, '(', ')');
      return;
    }
    // `('a', 'b')` is a tuple in Jinja, not JS's comma operator
    this._compileAggregate(node, frame, 'runtime.tsTuple([', '])');
  },
  compileSet(node, frame) {
    const targets = node.targets as NjNode[];
    const target = targets[0]!;
    if (targets.length !== 1 || target.typename !== 'LookupVal' || !node.value) {
      origCompile.compileSet!.call(this, node, frame);
      return;
    }
    // `{% set ns.found = true %}` assigns an attribute (Jinja's namespace())
    this._emit('runtime.tsSetAttr(');
    this._compileExpression(target.target, frame);
    this._emit(', ');
    this._compileExpression(target.val, frame);
    this._emit(', ');
    this._compileExpression(node.value, frame);
    this._emitLine(');');
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
/** nunjucks' own compile methods, for the cases our versions hand back */
const origCompile: Record<string, CompileFn> = {};

/** Installs the gated compiler patch and the runtime helpers (idempotent). */
export function installStrictMode(): void {
  if (installed) return;
  installed = true;
  const nj = nunjucks as unknown as NunjucksInternals;
  nj.installJinjaCompat(); // adds `x[1:]` slice syntax (its runtime changes do not reach our helpers)
  installLexerPatches(nj.lexer);
  Object.assign(nj.runtime, runtimeHelpers);
  const TsTruthy = nj.nodes.Node.extend('TsTruthy', { fields: ['target'] });
  const TsIter = nj.nodes.Node.extend('TsIter', { fields: ['target', 'names', 'cond'] });
  const proto = nj.compiler.Compiler.prototype;
  const origAssert = proto.assertType as (this: NjCompiler, node: unknown, ...types: unknown[]) => void;
  proto.assertType = function (this: NjCompiler, node: unknown, ...types: unknown[]): void {
    if (node instanceof TsTruthy || node instanceof TsIter) return;
    origAssert.call(this, node, ...types);
  };
  for (const [name, fn] of Object.entries(patched)) {
    const orig = proto[name] as CompileFn | undefined;
    if (orig) origCompile[name] = orig;
    proto[name] = function (this: NjCompiler, node: NjNode, frame: { lookup(n: string): string | undefined }) {
      if (!this.throwOnUndefined && orig) return orig.call(this, node, frame);
      return fn.call(this, node, frame);
    };
  }
  wrapConditionNodes(proto, TsTruthy, TsIter);
  parseIsIn(nj);
}

/**
 * `x is in seq` / `x is not in seq`: nunjucks reads the test name as an
 * expression, and `in` is an operator there; parse it as the test `in(seq)`.
 */
function parseIsIn(nj: NunjucksInternals): void {
  const proto = nj.parser.Parser.prototype;
  const { Is, Not, FunCall, Symbol: Sym, NodeList } = nj.nodes;
  proto.parseIs = function (this: NjParser) {
    const left = this.parseCompare();
    if (!this.skipSymbol('is')) return left;
    const not = this.skipSymbol('not');
    const tok = this.peekToken();
    let right: NjNode;
    if (tok && tok.type === 'symbol' && tok.value === 'in' && this.skipSymbol('in')) {
      const seq = this.parseCompare();
      right = new FunCall(tok.lineno, tok.colno, new Sym(tok.lineno, tok.colno, 'in'), new NodeList(tok.lineno, tok.colno, [seq]));
    } else {
      right = this.parseCompare();
    }
    const node = new Is(left.lineno, left.colno, left, right);
    return not ? new Not(node.lineno, node.colno, node) : node;
  };
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
        const nameNode = node.name as NjNode;
        const names = nameNode.typename === 'Array' ? (nameNode.children as NjNode[]).map((c) => String(c.value)) : [String(nameNode.value)];
        // nunjucks parses Jinja's loop filter `for x in xs if cond` as an inline if without else
        const arr = node.arr as NjNode;
        const loopFilter = arr.typename === 'InlineIf' && !arr.else_;
        node.arr = new TsIter(node.lineno, node.colno, loopFilter ? arr.body : arr, names, loopFilter ? arr.cond : null);
      }
      return orig.call(this, node, ...rest);
    };
  }
}
