/** What a fuzz case may end in: success, or TsplayError(s) with a code and a position. */
import { TsplayError, TsplayErrors } from '../../../engine/errors.js';

/** Codes that legitimately have no YAML node to point at (files and directories, not nodes). */
const NO_POSITION_OK = new Set(['TSPLAY_FILE_NOT_FOUND', 'TSPLAY_NO_HOSTS']);

export interface Finding {
  case: string;
  problem: string;
}

function judgeError(e: TsplayError): string | undefined {
  if (!e.code || !e.code.startsWith('TSPLAY_')) return `no code: ${e.message}`;
  if (e.code === 'TSPLAY_INTERNAL') return `internal error: ${e.message}`;
  if (!e.source && !NO_POSITION_OK.has(e.code)) return `${e.code} without a position: ${e.message}`;
  if (e.source && (!Number.isInteger(e.source.line) || e.source.line < 1 || !Number.isInteger(e.source.col) || e.source.col < 1)) {
    return `${e.code} with a bad position ${JSON.stringify(e.source)}`;
  }
  if (/\n\s+at .+:\d+:\d+\)?/.test(e.format())) return `${e.code} message holds a stack trace`;
  return undefined;
}

/** Judges a thrown value (or the errors a checker returned); undefined means acceptable. */
export function judge(outcome: unknown): string | undefined {
  if (outcome === undefined) return undefined;
  if (Array.isArray(outcome)) {
    for (const e of outcome) {
      const bad = e instanceof TsplayError ? judgeError(e) : `a non-TsplayError in the list: ${String(e)}`;
      if (bad) return bad;
    }
    return undefined;
  }
  if (outcome instanceof TsplayErrors) return judge(outcome.errors);
  if (outcome instanceof TsplayError) return judgeError(outcome);
  const err = outcome as Error;
  return `threw ${err?.name ?? typeof outcome}: ${err?.message ?? String(outcome)}\n${(err?.stack ?? '').split('\n').slice(1, 4).join('\n')}`;
}

export async function outcomeOf(fn: () => unknown): Promise<unknown> {
  try {
    const v = await fn();
    return Array.isArray(v) ? v : undefined;
  } catch (e) {
    return e;
  }
}

/** Base seed: FUZZ_SEED reproduces a run; cases scale with FUZZ_CASES. */
export const BASE_SEED = Number(process.env['FUZZ_SEED'] ?? 20261122);
export function caseCount(defaultCount: number): number {
  const n = Number(process.env['FUZZ_CASES']);
  return Number.isInteger(n) && n > 0 ? n : defaultCount;
}

/**
 * Wall-clock budget of one fuzz test (FUZZ_BUDGET_S, default 45 s): on a
 * loaded machine a test stops early rather than time out, having run at least
 * `minimum` cases (a few hundred; the count is printed).
 */
export function overBudget(started: number, done: number, minimum: number): boolean {
  const budget = Number(process.env['FUZZ_BUDGET_S'] ?? 45) * 1000;
  return done >= minimum && Date.now() - started > budget;
}

export function report(findings: Finding[]): string {
  const byProblem = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.problem.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 120);
    byProblem.set(key, [...(byProblem.get(key) ?? []), f]);
  }
  return [...byProblem.values()].map((fs) => `${fs.length}x ${fs[0]!.problem}\n   first: ${fs[0]!.case}`).join('\n');
}
