/** runPlaybook: every play in order, then the recap and the exit code. */
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { ExitCode } from '../errors.js';
import type { RunContext } from './context.js';
import { RedactingEmitter } from './emitter.js';
import { Redactor } from '../output/redact.js';
import { hostStateOf } from './host-state.js';
import { runPlay } from './play-runner.js';
import { loadDefaultServices } from './services.js';
import { makeTagFilter } from './tags.js';
import type { RunPlaybookOptions, RunSummary } from './types.js';

export async function runPlaybook(opts: RunPlaybookOptions): Promise<RunSummary> {
  const started = Date.now();
  const services = opts.services ?? (await loadDefaultServices());
  const pool = opts.pool ?? services.createPool(opts.connectionConfig);
  // the CLI's Redactor is held as is: one secret set for the events and the CLI's own output
  const shared = opts.redactor instanceof Redactor ? opts.redactor : undefined;
  const emitter = new RedactingEmitter(opts.emit, {
    redact: opts.redact,
    redactor: shared,
    onSecret: opts.redactor && !shared ? (s) => opts.redactor!.add(s) : undefined,
  });
  const run: RunContext = {
    opts,
    services,
    pool,
    emitter,
    hosts: new Map(),
    stats: {},
    forks: pLimit(Math.max(1, opts.forks ?? 50)),
    tagFilter: makeTagFilter(opts.tags, opts.skipTags),
    omit: `__omit_place_holder__${randomBytes(8).toString('hex')}`,
    extraVars: opts.extraVars ?? {},
    startAtPending: !!opts.startAtTask,
    stepAsking: true,
    interrupted: !!opts.signal?.aborted,
    layers: new Map(),
    includeCache: new Map(),
  };
  const onAbort = (): void => {
    run.interrupted = true;
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  emitter.emit({ type: 'run_start', v: 1, time: new Date(started).toISOString(), playbook: opts.playbook.file, check: !!opts.check, diff: !!opts.diff });
  let crashed = false;
  try {
    for (let i = 0; i < opts.playbook.plays.length && !run.interrupted && !run.halted; i++) await runPlay(run, opts.playbook.plays[i]!, i);
  } catch (e) {
    crashed = true;
    emitter.emit({ type: 'warning', v: 1, message: `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.closeAll().catch(() => undefined);
  }
  return finish(run, started, crashed);
}

function finish(run: RunContext, started: number, crashed: boolean): RunSummary {
  const hosts = Object.keys(run.stats);
  const failedHosts = hosts.filter((h) => hostStateOf(run.hosts, h).failed && !hostStateOf(run.hosts, h).unreachable);
  const unreachableHosts = hosts.filter((h) => hostStateOf(run.hosts, h).unreachable);
  let exitCode: number = ExitCode.ok;
  if (failedHosts.length > 0) exitCode = ExitCode.failedHosts;
  if (unreachableHosts.length > 0) exitCode = ExitCode.unreachableHosts;
  if (crashed) exitCode = ExitCode.error;
  if (run.interrupted) exitCode = ExitCode.interrupted;
  const durationMs = Date.now() - started;
  run.emitter.emit({ type: 'recap', v: 1, stats: run.stats, durationMs });
  run.emitter.emit({ type: 'run_end', v: 1, exitCode, interrupted: run.interrupted || undefined });
  return { stats: run.stats, exitCode, failedHosts, unreachableHosts, durationMs };
}
