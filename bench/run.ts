/**
 * `npm run bench`: tsplay and ansible-playbook side by side on N sshd hosts
 * (see docs/benchmarks.md). Options:
 *   --quick                 N = 1, 20 and one repetition
 *   --hosts 1,20,100        host counts
 *   --reps 3                repetitions (median and spread)
 *   --defaults-reps 1       repetitions of the Ansible-defaults row
 *   --ansible-max-hosts 20  run tuned Ansible only up to this many hosts
 *   --defaults-max-hosts 1  run Ansible with defaults only up to this many hosts
 *                           (forks 5 and no pipelining: 20 hosts alone take longer than the budget)
 *   --tools tsplay,ansible-tuned,ansible-defaults
 *   --no-bytes / --no-startup / --no-doc
 *   --from FILE             rewrite docs/benchmarks.md from a results JSON
 *   --login-rc              let the hosts' bash read root's ~/.bashrc (see BenchSshdOptions)
 * Results are written after each host count, so an interrupted run keeps what
 * it measured.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeEnvironment } from './lib/environment.js';
import { renderResults, spliceResults } from './lib/report.js';
import { runScenario } from './lib/scenario.js';
import { sshdAvailable } from './lib/sshd.js';
import { measureStartup } from './lib/startup.js';
import { repoRoot, TOOL_NAMES, type ToolName } from './lib/tools.js';
import type { BenchResults } from './lib/types.js';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      hosts: { type: 'string' },
      reps: { type: 'string' },
      'defaults-reps': { type: 'string' },
      'ansible-max-hosts': { type: 'string' },
      'defaults-max-hosts': { type: 'string' },
      tools: { type: 'string' },
      'no-bytes': { type: 'boolean' },
      'no-startup': { type: 'boolean' },
      'no-doc': { type: 'boolean' },
      from: { type: 'string' },
      'login-rc': { type: 'boolean' },
    },
  });
  const list = (s: string | undefined, d: number[]) => (s ? s.split(',').map(Number) : d);
  const tools = (values.tools?.split(',') ?? [...TOOL_NAMES]) as ToolName[];
  for (const t of tools) if (!TOOL_NAMES.includes(t)) throw new Error(`unknown tool ${t} (${TOOL_NAMES.join(', ')})`);
  const reps = Number(values.reps ?? (values.quick ? 1 : 3));
  return {
    hosts: list(values.hosts, values.quick ? [1, 20] : [1, 20, 100]),
    reps,
    defaultsReps: Math.min(reps, Number(values['defaults-reps'] ?? 1)),
    ansibleMaxHosts: Number(values['ansible-max-hosts'] ?? 20),
    defaultsMaxHosts: Number(values['defaults-max-hosts'] ?? 1),
    tools,
    bytes: !values['no-bytes'],
    startup: !values['no-startup'],
    doc: !values['no-doc'],
    from: values.from,
    loginRc: !!values['login-rc'],
  };
}

export async function main(argv: string[]): Promise<number> {
  if (!sshdAvailable()) throw new Error('/usr/sbin/sshd is needed (apt-get install openssh-server)');
  const o = options(argv);
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (o.from) {
    write(JSON.parse(readFileSync(o.from, 'utf8')) as BenchResults, { doc: true, log, file: o.from });
    return 0;
  }
  const results: BenchResults = {
    env: describeEnvironment(`npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`),
    options: { hosts: o.hosts, reps: o.reps, defaultsReps: o.defaultsReps, ansibleMaxHosts: o.ansibleMaxHosts, defaultsMaxHosts: o.defaultsMaxHosts, tools: o.tools, loginRc: o.loginRc },
    samples: [],
    bytes: [],
  };
  if (o.startup) {
    log('start-up');
    results.startup = await measureStartup(o.reps >= 3 ? 10 : 5);
  }
  for (const hosts of o.hosts) {
    log(`N=${hosts}`);
    const repsFor = (tool: ToolName): number => {
      if (tool === 'tsplay') return o.reps;
      if (tool === 'ansible-tuned') return hosts <= o.ansibleMaxHosts ? o.reps : 0;
      return hosts <= o.defaultsMaxHosts ? o.defaultsReps : 0;
    };
    const r = await runScenario({ hosts, reps: o.reps, repsFor, tools: o.tools, log, accountBytes: o.bytes && hosts === 1, loginRc: o.loginRc });
    results.samples.push(...r.samples);
    results.bytes.push(...r.bytes);
    results.env.loadAfter = loadavg().map((l) => Math.round(l * 100) / 100);
    results.durationS = (Date.now() - started) / 1000;
    write(results, { doc: o.doc, log, quiet: hosts !== o.hosts[o.hosts.length - 1] });
  }
  return 0;
}

function write(results: BenchResults, opts: { doc: boolean; log: (line: string) => void; quiet?: boolean; file?: string }): void {
  const root = repoRoot();
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = opts.file ?? join(dir, `bench-${results.env.date.replace(/[:.]/g, '-')}.json`);
  if (!opts.file) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const section = renderResults(results);
  const log = opts.log;
  if (!opts.quiet) log(`\n${section}\n\nresults: ${file}`);
  if (!opts.doc) return;
  const docFile = join(root, 'docs', 'benchmarks.md');
  const current = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n';
  writeFileSync(docFile, spliceResults(current, section));
  log(`updated ${docFile}`);
}
