/**
 * Runs one module on one host: probe, plan, then apply unless in check mode.
 * Module errors become failed results, lost connections unreachable ones.
 */
import type { AnyModule, ModuleContext, Plan } from '../module-api.js';
import { ModuleFailure } from '../module-api.js';
import type { BecomeOptions, CommandResult, Connection, RunOptions } from '../connection/types.js';
import { isTsplayError } from '../errors.js';
import type { CommandInfo, TaskResult } from '../results.js';
import type { Task, VarsMap } from '../playbook/model.js';
import type { TemplarLike } from './types.js';
import { controllerOnlyConnection } from './null-connection.js';
import { fileFinder } from './find-file.js';

export interface ModuleRun {
  module: AnyModule;
  task: Task;
  host: string;
  args: VarsMap;
  vars: VarsMap;
  facts: VarsMap;
  check: boolean;
  diff: boolean;
  noLog: boolean;
  become: BecomeOptions | false;
  env: Record<string, string>;
  /** opens (or reuses) the connection; never called for controllerOnly modules */
  connect: () => Promise<Connection>;
  templar: TemplarLike;
  playbookDir: string;
  secrets: string[];
  warn: (message: string) => void;
  signal?: AbortSignal;
  /** the task's `timeout` as a clock time (ms): commands still running then are cut on the host */
  deadline?: number;
}

const UNREACHABLE_CODES = new Set(['TSPLAY_CONNECTION', 'TSPLAY_AUTH', 'TSPLAY_HOST_KEY']);

export async function runModule(r: ModuleRun): Promise<TaskResult> {
  try {
    const conn = r.module.controllerOnly ? controllerOnlyConnection(r.host) : await r.connect();
    const ctx = moduleContext(r, conn);
    const facts: unknown = r.module.probe ? await r.module.probe(ctx, r.args) : undefined;
    const plan: Plan = r.module.plan(r.args, facts, { host: r.host, check: r.check, diff: r.diff, noLog: r.noLog });
    return await applyPlan(r, ctx, plan);
  } catch (e) {
    return errorResult(e);
  }
}

async function applyPlan(r: ModuleRun, ctx: ModuleContext, plan: Plan): Promise<TaskResult> {
  const diff = r.diff ? plan.diff : undefined;
  if (plan.skipped) return { status: 'skipped', reason: plan.skipped, data: plan.data ?? {} };
  if (plan.changes.length === 0) {
    return { status: 'ok', reason: plan.reason, data: plan.data ?? {}, diff: undefined };
  }
  if (r.check) {
    if (plan.unpredictable && plan.checkData) {
      return { status: 'changed', reason: plan.unpredictable, data: { ...(plan.data ?? {}), ...plan.checkData }, check: true };
    }
    if (plan.unpredictable) return { status: 'skipped', reason: plan.unpredictable, data: { ...(plan.data ?? {}), ...(plan.checkSkipData ?? {}) }, check: true };
    return { status: 'changed', reason: plan.changes.join('; '), data: plan.data ?? {}, diff, check: true };
  }
  if (!r.module.apply) return { status: 'changed', reason: plan.changes.join('; '), data: plan.data ?? {}, diff };
  let res;
  try {
    res = await r.module.apply(ctx, r.args, plan);
  } catch (e) {
    return ranAnyway(errorResult(e), plan);
  }
  const data = { ...(plan.data ?? {}), ...(res.data ?? {}) };
  if (res.failed) {
    const command = res.failed.command ? commandInfo(res.failed.command) : undefined;
    return ranAnyway({ status: 'failed', msg: res.failed.msg, data: withCommandData(data, res.failed.command), command }, plan);
  }
  const outDiff = r.diff ? (res.diff ?? plan.diff) : undefined;
  return { status: res.changed ? 'changed' : 'ok', reason: plan.changes.join('; '), msg: res.msg, data, diff: outDiff };
}

/**
 * A command that ran and failed still changed something as far as Ansible is
 * concerned (command/shell report changed=true on failure): it counts as
 * changed when its failure is ignored.
 */
function ranAnyway(result: TaskResult, plan: Plan): TaskResult {
  if (result.status === 'failed' && plan.unpredictable) result.data = { ...result.data, changed: true };
  return result;
}

export function errorResult(e: unknown): TaskResult {
  if (e instanceof ModuleFailure) {
    const data = withCommandData({ ...(e.data ?? {}) }, e.command);
    return { status: 'failed', msg: e.message, data, command: e.command ? commandInfo(e.command) : undefined };
  }
  if (isTsplayError(e)) {
    if (UNREACHABLE_CODES.has(e.code)) return { status: 'unreachable', msg: e.message, data: { code: e.code } };
    return { status: 'failed', msg: e.format(), data: { code: e.code } };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { status: 'failed', msg, data: {} };
}

function withCommandData(data: VarsMap, cmd: CommandResult | undefined): VarsMap {
  if (!cmd) return data;
  return { rc: cmd.rc, stdout: cmd.stdout, stderr: cmd.stderr, cmd: cmd.shown, ...data };
}

export function commandInfo(c: CommandResult): CommandInfo {
  const tail = c.stderr.trimEnd().split('\n').slice(-5).join('\n');
  return { cmd: c.shown, rc: c.rc, meaning: exitMeaning(c), stderrTail: tail || undefined };
}

function exitMeaning(c: CommandResult): string | undefined {
  if (c.timedOut || c.rc === 124) return 'timed out';
  if (c.rc === 127) return 'command not found';
  if (c.rc === 126) return 'not executable (permission denied)';
  if (c.rc > 128 && c.rc < 160) return `killed by signal ${c.rc - 128}`;
  return undefined;
}

/**
 * A command must not outlive its task's `timeout`: the task's result is
 * already "timed out" then, and a command left running would hold the
 * host's shell, so the next task would wait for it.
 */
function cappedTimeout(timeoutMs: number | undefined, deadline: number | undefined): number | undefined {
  if (deadline === undefined) return timeoutMs;
  const left = Math.max(1, deadline - Date.now());
  return timeoutMs === undefined ? left : Math.min(timeoutMs, left);
}

function moduleContext(r: ModuleRun, conn: Connection): ModuleContext {
  const runOpts = (opts: RunOptions = {}): RunOptions => ({
    become: r.become,
    ...opts,
    timeoutMs: cappedTimeout(opts.timeoutMs, r.deadline),
    env: { ...r.env, ...(opts.env ?? {}) },
    secrets: [...r.secrets, ...(opts.secrets ?? [])],
    // the task's timeout or the run's interruption cuts the command itself
    signal: opts.signal ?? r.signal,
  });
  const run = (cmd: string | string[], opts?: RunOptions): Promise<CommandResult> => conn.run(cmd, runOpts(opts));
  const find = fileFinder(r.task, r.playbookDir);
  return {
    host: r.host,
    vars: r.vars,
    facts: r.facts,
    check: r.check,
    diff: r.diff,
    noLog: r.noLog,
    become: r.become,
    conn,
    source: r.task.source,
    run,
    async runOk(cmd, opts) {
      const res = await run(cmd, opts);
      if (res.rc !== 0) throw new ModuleFailure(`command failed with rc ${res.rc}`, { command: res });
      return res;
    },
    put: (content, path, opts) => conn.put(content, path, { become: r.become, ...(opts ?? {}) }),
    get: (path) => conn.get(path, { become: r.become }),
    render: (template, extra) =>
      r.templar.renderString(template, { ...r.vars, ...(extra ?? {}) }, { source: r.task.source, baseDir: r.task.baseDir ?? r.playbookDir, searchPaths: find.searchPaths('templates') }),
    findFile: find.find,
    warn: r.warn,
    secrets: r.secrets,
    signal: r.signal,
  };
}
