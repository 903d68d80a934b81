/**
 * docs/benchmarks.md results section (between markers, so the prose around it
 * is kept) from a BenchResults.
 */
import type { ToolName } from './tools.js';
import { TASKS_PER_HOST } from './workload.js';
import { median, PHASES, type BenchResults, type Phase, type Sample } from './types.js';

export const START_MARK = '<!-- bench:results:start -->';
export const END_MARK = '<!-- bench:results:end -->';

/** host counts measured so far, ascending */
const hostCounts = (r: BenchResults) => [...new Set(r.samples.map((s) => s.hosts))].sort((a, b) => a - b);

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : 'n/a');

/** samples of one cell; failed runs (listed under Errors) are left out */
function pick(r: BenchResults, tool: ToolName, hosts: number, phase: Phase): Sample[] {
  return r.samples.filter((s) => s.tool === tool && s.hosts === hosts && s.phase === phase && !s.error);
}

function spread(xs: number[]): string {
  if (xs.length === 0) return '';
  if (xs.length === 1) return `${f1(xs[0]!)}`;
  return `${f1(median(xs))} (${f1(Math.min(...xs))}–${f1(Math.max(...xs))})`;
}

function wallTable(r: BenchResults): string[] {
  const rows = ['| hosts | run | tsplay s | ansible tuned s | ansible defaults s | tuned / tsplay |', '|---|---|---|---|---|---|'];
  for (const n of hostCounts(r)) {
    for (const phase of PHASES) {
      const t = pick(r, 'tsplay', n, phase).map((s) => s.wallS);
      const a = pick(r, 'ansible-tuned', n, phase).map((s) => s.wallS);
      const d = pick(r, 'ansible-defaults', n, phase).map((s) => s.wallS);
      const ratio = t.length && a.length ? `${(median(a) / median(t)).toFixed(1)}x` : '';
      rows.push(`| ${n} | ${phase} | ${spread(t)} | ${spread(a) || 'not run'} | ${spread(d) || 'not run'} | ${ratio} |`);
    }
  }
  return rows;
}

function resourceTable(r: BenchResults): string[] {
  const rows = ['| hosts | run | tool | CPU s | peak RSS MB | conns/host (max) | sessions/host | sessions/task/host | recap changed |', '|---|---|---|---|---|---|---|---|---|'];
  for (const n of hostCounts(r)) {
    for (const phase of PHASES) {
      for (const tool of r.options.tools) {
        const ss = pick(r, tool, n, phase);
        if (ss.length === 0) continue;
        const sess = median(ss.map((s) => s.sessionsMean));
        const changed = ss.map((s) => (s.recap ? String(s.recap.changed) : 'err')).join('/');
        rows.push(`| ${n} | ${phase} | ${tool} | ${f1(median(ss.map((s) => s.cpuS)))} | ${f1(median(ss.map((s) => s.peakRssMb)))} | ${Math.max(...ss.map((s) => s.connectionsMax))} | ${f1(sess)} | ${f1(sess / TASKS_PER_HOST)} | ${changed} |`);
      }
    }
  }
  return rows;
}

function bytesTable(r: BenchResults): string[] {
  if (r.bytes.length === 0) return ['(not measured in this run)'];
  const rows = ['| tool | run | sent KB | received KB | connections | sessions |', '|---|---|---|---|---|---|'];
  for (const b of r.bytes) rows.push(`| ${b.tool} | ${b.phase} | ${f1(b.sentBytes / 1024)} | ${f1(b.receivedBytes / 1024)} | ${b.connections} | ${b.sessions} |`);
  return rows;
}

function ratio(r: BenchResults, hosts: number, phase: Phase): number {
  const t = median(pick(r, 'tsplay', hosts, phase).map((s) => s.wallS));
  const a = median(pick(r, 'ansible-tuned', hosts, phase).map((s) => s.wallS));
  return a / t;
}

function targetRows(r: BenchResults): string[] {
  const noop100 = pick(r, 'tsplay', 100, 'noop');
  const noops = r.samples.filter((s) => s.tool === 'tsplay' && s.phase === 'noop' && !s.error);
  const all = r.samples.filter((s) => s.tool === 'tsplay' && !s.error);
  const mark = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : '**missed**');
  const has = (xs: unknown[]) => xs.length > 0;
  const rows: [string, string, boolean | undefined][] = [
    ['20 hosts no-op ≥ 30x faster than tuned Ansible', `${f1(ratio(r, 20, 'noop'))}x`, Number.isFinite(ratio(r, 20, 'noop')) ? ratio(r, 20, 'noop') >= 30 : undefined],
    ['20 hosts converge ≥ 15x faster than tuned Ansible', `${f1(ratio(r, 20, 'converge'))}x`, Number.isFinite(ratio(r, 20, 'converge')) ? ratio(r, 20, 'converge') >= 15 : undefined],
    ['100 hosts no-op < 5 s', `${f1(median(noop100.map((s) => s.wallS)))} s`, has(noop100) ? median(noop100.map((s) => s.wallS)) < 5 : undefined],
    ['100 hosts no-op peak RSS < 200 MB', `${f1(median(noop100.map((s) => s.peakRssMb)))} MB`, has(noop100) ? median(noop100.map((s) => s.peakRssMb)) < 200 : undefined],
    ['≤ 1 session per task per host on a no-op run', `${f1(Math.max(...noops.map((s) => s.sessionsMax)))} per ${TASKS_PER_HOST} tasks`, has(noops) ? Math.max(...noops.map((s) => s.sessionsMax)) <= TASKS_PER_HOST : undefined],
    ['one connection per host per run', `max ${Math.max(...all.map((s) => s.connectionsMax))}`, has(all) ? Math.max(...all.map((s) => s.connectionsMax)) === 1 : undefined],
    ['`tsplay --version` < 150 ms', `${f1(median(r.startup?.versionMs ?? []))} ms`, r.startup ? median(r.startup.versionMs) < 150 : undefined],
    ['`tsplay check site.yml` < 0.5 s', `${f1(median(r.startup?.checkMs ?? []))} ms`, r.startup ? median(r.startup.checkMs) < 500 : undefined],
  ];
  return ['| target | measured | |', '|---|---|---|', ...rows.map(([t, m, ok]) => `| ${t} | ${m} | ${mark(ok)} |`)];
}

export function renderResults(r: BenchResults): string {
  const e = r.env;
  const errors = r.samples.filter((s) => s.error);
  return [
    START_MARK,
    `Measured ${e.date} in ${f1(r.durationS ?? 0)} s: \`${e.command}\``,
    '',
    `Machine: ${e.nproc} CPUs (${e.cpuModel}), ${e.memoryGb} GB, Linux ${e.kernel}; load average ${e.loadBefore.join(' ')} before, ${(e.loadAfter ?? []).join(' ')} after (the machine is shared: other work ran at the same time).`,
    `Versions: node ${e.node}, tsplay ${e.tsplay}, ${e.ansible}, ${e.openssh}.`,
    `Repetitions: ${r.options.reps} (ansible defaults: ${r.options.defaultsReps}); Ansible tuned up to ${r.options.ansibleMaxHosts} hosts, defaults up to ${r.options.defaultsMaxHosts}. Median (min–max). Hosts' login: ${r.options.loginRc ? "bash reads root's ~/.bashrc (pyenv init)" : 'bash without ~/.bashrc (SHLVL=1)'}.`,
    '',
    '### Targets',
    ...targetRows(r),
    '',
    '### Wall time',
    ...wallTable(r),
    '',
    '### Controller resources and server-side SSH accounting',
    ...resourceTable(r),
    '',
    '### Bytes on the wire per host (1 host behind a counting relay, untimed)',
    ...bytesTable(r),
    '',
    '### Start-up',
    r.startup ? `\`tsplay --version\`: ${spread(r.startup.versionMs)} ms; \`${r.startup.checkCommand}\`: ${spread(r.startup.checkMs)} ms (${r.startup.versionMs.length} spawns each).` : '(not measured)',
    ...(errors.length ? ['', '### Errors (left out of the tables)', ...errors.map((s) => `- ${s.tool} N=${s.hosts} ${s.phase} rep ${s.rep}: ${s.error?.replace(/\n/g, ' ')}`)] : []),
    END_MARK,
  ].join('\n');
}

export function spliceResults(doc: string, section: string): string {
  const a = doc.indexOf(START_MARK);
  const b = doc.indexOf(END_MARK);
  if (a < 0 || b < 0) return `${doc.trimEnd()}\n\n## Results\n\n${section}\n`;
  return `${doc.slice(0, a)}${section}${doc.slice(b + END_MARK.length)}`;
}
