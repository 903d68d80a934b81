/**
 * Test-only module runner for the file modules: a ModuleContext over any
 * Connection (LocalConnection by default), params checked with ajv like the
 * engine will, and probe -> plan -> apply (apply skipped in check mode).
 */
import { Ajv } from 'ajv';
import nunjucks from 'nunjucks';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AnyModule, ApplyResult, ModuleContext, Plan } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import type { Connection, RunOptions } from '../../engine/connection/types.js';
import { LocalConnection } from '../../engine/connection/local.js';

export interface TestCtxOptions {
  conn?: Connection;
  host?: string;
  check?: boolean;
  diff?: boolean;
  noLog?: boolean;
  vars?: Record<string, unknown>;
  /** controller dir holding files/ and templates/ (or the files themselves) */
  baseDir?: string;
}

const jinja = new nunjucks.Environment(null, { autoescape: false, trimBlocks: true });

export function makeContext(opts: TestCtxOptions = {}): ModuleContext {
  const conn = opts.conn ?? new LocalConnection(opts.host ?? 'localhost');
  const warnings: string[] = [];
  const ctx: ModuleContext = {
    host: opts.host ?? conn.host,
    vars: opts.vars ?? {},
    facts: {},
    check: opts.check ?? false,
    diff: opts.diff ?? true,
    noLog: opts.noLog ?? false,
    become: false,
    conn,
    run: (cmd, o?: RunOptions) => conn.run(cmd, o),
    async runOk(cmd, o?: RunOptions) {
      const r = await conn.run(cmd, o);
      if (r.rc !== 0) throw new ModuleFailure(`command failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
      return r;
    },
    put: (content, path, o) => conn.put(content, path, o),
    get: (path) => conn.get(path),
    // Ansible's Jinja2 settings (the engine's templar does the same, with Ansible's filters)
    render: (tpl, extra) => jinja.renderString(tpl, { ...(opts.vars ?? {}), ...(extra ?? {}) }),
    findFile(kind, path) {
      if (isAbsolute(path)) return path;
      const base = opts.baseDir ?? process.cwd();
      const inKind = join(base, kind, path);
      return existsSync(inKind) ? inKind : join(base, path);
    },
    warn: (m) => warnings.push(m),
    secrets: [],
  };
  return ctx;
}

const ajv = new Ajv({ useDefaults: true, allowUnionTypes: true, strict: false });

export interface ModuleRun {
  facts: unknown;
  plan: Plan;
  result?: ApplyResult;
  /** 'changed' when the plan had changes (check mode included) */
  changed: boolean;
  params: Record<string, unknown>;
}

export async function runModule(mod: AnyModule, params: Record<string, unknown>, opts: TestCtxOptions = {}): Promise<ModuleRun> {
  const p = structuredClone(params);
  const validate = ajv.compile(mod.params);
  if (!validate(p)) throw new Error(`invalid params for ${mod.name}: ${ajv.errorsText(validate.errors)}`);
  const ctx = makeContext(opts);
  const facts = mod.probe ? await mod.probe(ctx, p) : undefined;
  const plan = mod.plan(p, facts, { host: ctx.host, check: ctx.check, diff: ctx.diff, noLog: ctx.noLog });
  let result: ApplyResult | undefined;
  if (!ctx.check && plan.changes.length > 0 && mod.apply) result = await mod.apply(ctx, p, plan);
  const changed = result ? result.changed : plan.changes.length > 0;
  return { facts, plan, result, changed, params: p };
}

/** Probes and plans again: the idempotence check (no changes expected). */
export async function replan(mod: AnyModule, params: Record<string, unknown>, opts: TestCtxOptions = {}): Promise<Plan> {
  return (await runModule(mod, params, { ...opts, check: true })).plan;
}
