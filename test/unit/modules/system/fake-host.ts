/**
 * A scripted host for the system modules' unit tests: each command is matched
 * against handlers (recorded outputs), recorded as argv and as the shell text
 * it would be on the wire, and answered without touching anything.
 */
import { Ajv } from 'ajv';
import type { AnyModule, ApplyResult, ModuleContext, Plan } from '../../../../engine/module-api.js';
import { ModuleFailure } from '../../../../engine/module-api.js';
import { shellJoin, type CommandResult, type Connection, type RunOptions } from '../../../../engine/connection/types.js';

export interface Call {
  argv: string[];
  /** for `sh -c SCRIPT NAME args...`: the args */
  args: string[];
  wire: string;
  env?: Record<string, string>;
  stdin?: string;
}

export type Handler = (c: Call) => Partial<CommandResult> | string | undefined;

export class FakeHost implements Connection {
  readonly calls: Call[] = [];
  readonly puts: { path: string; content: string }[] = [];
  constructor(public handler: Handler, readonly host = 'fake1') {}
  async connect(): Promise<void> {}
  async run(cmd: string | string[], opts: RunOptions = {}): Promise<CommandResult> {
    const argv = typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd;
    const args = argv[0] === 'sh' && argv[1] === '-c' ? argv.slice(4) : argv.slice(1);
    const call: Call = { argv, args, wire: typeof cmd === 'string' ? cmd : shellJoin(cmd), env: opts.env, stdin: opts.stdin?.toString() };
    this.calls.push(call);
    const r = this.handler(call);
    const res = typeof r === 'string' ? { stdout: r } : (r ?? {});
    return { rc: 0, stdout: '', stderr: '', durationMs: 1, shown: call.wire, ...res };
  }
  async put(content: string | Buffer, path: string): Promise<void> {
    this.puts.push({ path, content: content.toString() });
  }
  async get(): Promise<Buffer> {
    return Buffer.from('');
  }
  async close(): Promise<void> {}
  stats() {
    return { connections: 1, channels: 1, commands: this.calls.length, bytesSent: 0 };
  }
}

export function contextFor(conn: Connection, o: { check?: boolean; facts?: Record<string, unknown>; host?: string } = {}): ModuleContext & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    host: o.host ?? conn.host, vars: {}, facts: o.facts ?? {}, check: o.check ?? false, diff: true, noLog: false, become: false, conn,
    run: (cmd, ro) => conn.run(cmd, ro),
    async runOk(cmd, ro) {
      const r = await conn.run(cmd, ro);
      if (r.rc !== 0) throw new ModuleFailure(`command failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
      return r;
    },
    put: (c, p, po) => conn.put(c, p, po),
    get: (p) => conn.get(p),
    render: (t) => t,
    findFile: (_k, p) => p,
    warn: (m) => warnings.push(m),
    secrets: [],
    warnings,
  };
}

const ajv = new Ajv({ useDefaults: true, allowUnionTypes: true, strict: false });

export interface SysRun {
  facts: unknown;
  plan: Plan;
  result?: ApplyResult;
  changed: boolean;
  warnings: string[];
}

/** params validated (defaults filled) like the engine does, then probe -> plan -> apply unless check. */
export async function runSys(mod: AnyModule, params: Record<string, unknown>, conn: Connection, o: { check?: boolean; facts?: Record<string, unknown> } = {}): Promise<SysRun> {
  const p = structuredClone(params);
  const validate = ajv.compile(mod.params);
  if (!validate(p)) throw new Error(`invalid params for ${mod.name}: ${ajv.errorsText(validate.errors)}`);
  const ctx = contextFor(conn, o);
  const facts = mod.probe ? await mod.probe(ctx, p) : undefined;
  const plan = mod.plan(p, facts, { host: ctx.host, check: ctx.check, diff: true, noLog: false });
  let result: ApplyResult | undefined;
  if (!ctx.check && !plan.skipped && plan.changes.length > 0 && mod.apply) result = await mod.apply(ctx, p, plan);
  return { facts, plan, result, changed: result ? result.changed : plan.changes.length > 0, warnings: ctx.warnings };
}

/** Params with the schema's defaults filled in, for calling plan() directly. */
export function withDefaults<T>(mod: AnyModule, params: Record<string, unknown>): T {
  const p = structuredClone(params);
  const validate = ajv.compile(mod.params);
  if (!validate(p)) throw new Error(`invalid params for ${mod.name}: ${ajv.errorsText(validate.errors)}`);
  return p as T;
}

export const HOSTILE = ["a'b", '$(touch /tmp/tsplay-pwned)', '`id`', 'x;reboot', 'line1\nline2'];
