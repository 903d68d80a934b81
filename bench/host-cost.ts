/**
 * Where the host-side cost of a run goes (issue 7, docs/benchmarks.md "Host
 * side"): one playbook of N copies of one task type on K sshd hosts, run once
 * to converge, then measured on the no-op rerun:
 * - processes started on the whole machine (`processes` of /proc/stat; other
 *   work on the machine adds noise, so compare with --copies 1),
 * - controller CPU and wall time,
 * - with --strace (1 host): the exact clone/execve counts of that host,
 * - with --exec-list: the programs that host exec'd over one run, counted,
 *
 * - with --perf: host 0's CPU by command name (sshd, sh, stat...) over one run
 *   (--perf-sort comm,dso or comm,sym: by library or function instead),
 * - with --timing: per task of the last run, when its first and last host answered.
 *
 *   node dist/bench/host-cost.js --task copy --copies 20 [--hosts 1] [--strace] [--perf]
 *   [--tsplay path/to/engine/cli/main.js]   (default: this checkout's dist)
 *   [--cpu-prof DIR]   a V8 CPU profile of every tsplay run (converge first) into DIR
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchSshd, type BenchSshd } from './lib/sshd.js';
import { bigFileContent, preparePlaybook } from './lib/workload.js';
import { repoRoot } from './lib/tools.js';

/** one task of each kind, as in bench/playbook/site.yml; `{{ i }}` makes copies distinct */
const TASKS: Record<string, string> = {
  file: 'file: { path: "{{ root }}/d{{ i }}", state: directory, mode: "0755" }',
  copy: 'copy: { content: "name={{ i }}\\n", dest: "{{ root }}/c{{ i }}.conf", mode: "0644" }',
  copybig: 'copy: { src: big.bin, dest: "{{ root }}/big{{ i }}.bin" }',
  template: 'template: { src: one.j2, dest: "{{ root }}/t{{ i }}.cfg", mode: "0644" }',
  lineinfile: 'lineinfile: { path: "{{ root }}/l{{ i }}.conf", line: "managed=yes", create: true, mode: "0644" }',
  creates: 'command: touch {{ root }}/m{{ i }}\n      args: { creates: "{{ root }}/m{{ i }}" }',
  stat: 'stat: { path: "{{ root }}" }',
  command: 'command: cat /etc/hostname\n      changed_when: false',
  debug: 'debug: { msg: "{{ i }}" }',
};

function playbookFor(task: string, copies: number): string {
  const tasks = Array.from({ length: copies }, (_, i) => `    - name: t${i}\n      vars: { i: ${i} }\n      ${TASKS[task]!}\n`);
  return [
    '- hosts: bench',
    '  gather_facts: false',
    '  vars: { root: "{{ workdir }}/cost", app_name: benchapp, app_port: 5432, peers: [a, b] }',
    '  tasks:',
    '    - name: root',
    '      file: { path: "{{ root }}", state: directory }',
    ...tasks,
  ].join('\n');
}

const machineProcesses = (): number => Number(/^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);

/** utime, stime, cutime, cstime in clock ticks (fields 14-17) */
function procTimes(pid: number | 'self'): number[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].map((i) => Number(fields[i]));
}

const TICK_S = 0.01;
const reapedTicks = (pid: number | 'self'): number => {
  const t = procTimes(pid);
  return t[2]! + t[3]!;
};

interface Sample {
  wallS: number;
  /** per task of the run: ms from its task_start to its first and last host_result, and the median host durationMs */
  tasks: { name: string; firstMs: number; lastMs: number; medianMs: number }[];
  processes: number;
  controllerCpuS: number;
  exitCode: number;
  stderr: string;
}

/** the barrier per task: when its first and last host answered (arrival time of the NDJSON lines) */
function taskTimings(lines: { at: number; text: string }[]): Sample['tasks'] {
  const out: Sample['tasks'] = [];
  let cur: { name: string; start: number; ats: number[]; durations: number[] } | undefined;
  const flush = () => {
    if (!cur || cur.ats.length === 0) return;
    const d = [...cur.durations].sort((a, b) => a - b);
    out.push({ name: cur.name, firstMs: Math.min(...cur.ats) - cur.start, lastMs: Math.max(...cur.ats) - cur.start, medianMs: d[d.length >> 1]! });
  };
  for (const { at, text } of lines) {
    if (!text.startsWith('{')) continue;
    const ev = JSON.parse(text) as { type: string; task?: { name?: string }; durationMs?: number };
    if (ev.type === 'task_start') {
      flush();
      cur = { name: ev.task?.name ?? '?', start: at, ats: [], durations: [] };
    } else if (ev.type === 'host_result' && cur) {
      cur.ats.push(at);
      cur.durations.push(ev.durationMs ?? 0);
    }
  }
  flush();
  return out;
}

async function runOnce(cmd: string[], cwd: string): Promise<Sample> {
  const ctlBefore = reapedTicks('self');
  const procBefore = machineProcesses();
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSPLAY_CONFIG: '' } });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const lines: { at: number; text: string }[] = [];
  let partial = '';
  child.stdout.on('data', (b: Buffer) => {
    const at = Number(process.hrtime.bigint() - t0) / 1e6;
    const parts = (partial + b.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at, text });
  });
  const exitCode = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const processes = machineProcesses() - procBefore;
  return { wallS, tasks: taskTimings(lines), processes, controllerCpuS: (reapedTicks('self') - ctlBefore) * TICK_S, exitCode, stderr };
}

/** exact clone/execve counts of one host during one run (strace -f on its listener) */
async function straceCounts(cmd: string[], cwd: string, pid: number): Promise<string> {
  const out = join(tmpdir(), `host-cost-strace-${process.pid}`);
  const tracer = spawn('strace', ['-f', '-c', '-o', out, '-e', 'trace=clone,clone3,fork,vfork,execve', '-p', String(pid)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  spawnSync(cmd[0]!, cmd.slice(1), { cwd, stdio: 'ignore', env: { ...process.env, TSPLAY_CONFIG: '' } });
  await new Promise((r) => setTimeout(r, 300));
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('close', r));
  const text = readFileSync(out, 'utf8');
  rmSync(out, { force: true });
  return text;
}

/** with --exec-list: every program the host started over one run (successful execve), counted by path */
async function execList(cmd: string[], cwd: string, pid: number): Promise<string> {
  const out = join(tmpdir(), `host-cost-exec-${process.pid}`);
  const tracer = spawn('strace', ['-f', '-qq', '-o', out, '-e', 'trace=execve,clone,clone3,vfork', '-e', 'signal=none', '-p', String(pid)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  spawnSync(cmd[0]!, cmd.slice(1), { cwd, stdio: 'ignore', env: { ...process.env, TSPLAY_CONFIG: '' } });
  await new Promise((r) => setTimeout(r, 300));
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('close', r));
  const counts = new Map<string, number>();
  let forks = 0;
  // a call interrupted by another process's line is split: `PID execve("X", ... <unfinished ...>`, then `PID <... execve resumed>...) = 0`
  const pending = new Map<string, string>();
  const count = (path: string) => counts.set(path, (counts.get(path) ?? 0) + 1);
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const pid = line.split(' ')[0]!;
    if (/(clone3?|vfork)(\(| resumed).*= \d+$/.test(line)) forks++;
    const exec = /execve\("([^"]+)"/.exec(line);
    if (exec && line.endsWith('<unfinished ...>')) pending.set(pid, exec[1]!);
    else if (exec && line.endsWith('= 0')) count(exec[1]!);
    else if (line.includes('<... execve resumed>') && line.endsWith('= 0') && pending.has(pid)) count(pending.get(pid)!);
  }
  rmSync(out, { force: true });
  const rows = [...counts].sort((a, b) => b[1] - a[1]).map(([path, n]) => `  ${n} ${path}`);
  return `processes forked: ${forks}; programs exec'd:\n${rows.join('\n')}\n`;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0;
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

/**
 * Host 0's CPU by command name over one run: its sshd is restarted in the
 * foreground under `perf record` (task-clock, one sample per 0.1 ms of CPU,
 * inherited by every process it forks), then `perf report --sort comm`.
 */
async function perfHost(cmd: string[], cwd: string, sshd: BenchSshd, sort = 'comm'): Promise<string> {
  const host = sshd.hosts[0]!;
  const conf = join(sshd.root, 'sshd_0.conf');
  const data = join(tmpdir(), `host-cost-perf-${process.pid}.data`);
  sshd.kill(host);
  await new Promise((r) => setTimeout(r, 300));
  const perf = spawn('perf', ['record', '-q', '-e', 'task-clock', '-c', '100000', '-o', data, '--', '/usr/sbin/sshd', '-D', '-f', conf, '-E', host.log], { stdio: 'ignore' });
  await waitPort(host.port);
  spawnSync(cmd[0]!, cmd.slice(1), { cwd, stdio: 'ignore', env: { ...process.env, TSPLAY_CONFIG: '' } });
  await new Promise((r) => setTimeout(r, 300));
  const pid = Number(readFileSync(join(sshd.root, 'sshd_0.pid'), 'utf8').trim());
  if (pid > 1) process.kill(pid, 'SIGTERM');
  await new Promise((r) => perf.once('close', r));
  const report = spawnSync('perf', ['report', '-i', data, '--sort', sort, '--stdio', '-n', '-q', '--percent-limit', '0.5'], { encoding: 'utf8' }).stdout;
  rmSync(data, { force: true });
  // samples are 0.1 ms of CPU each
  return report
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [pct, samples, ...key] = l.trim().split(/\s+/);
      return `  ${key.join(' ')}: ${(Number(samples) / 10).toFixed(1)} ms (${pct})`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string', default: 'copy' },
      copies: { type: 'string', default: '20' },
      hosts: { type: 'string', default: '1' },
      reps: { type: 'string', default: '3' },
      strace: { type: 'boolean' },
      'exec-list': { type: 'boolean' },
      perf: { type: 'boolean' },
      'perf-sort': { type: 'string', default: 'comm' },
      'login-rc': { type: 'boolean' },
      timing: { type: 'boolean' },
      tsplay: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const task = values.task!;
  if (task !== 'site' && !TASKS[task]) throw new Error(`unknown task ${task}: site, ${Object.keys(TASKS).join(', ')}`);
  const hosts = Number(values.hosts);
  const runDir = mkdtempSync(join(tmpdir(), 'tsplay-host-cost-'));
  const site = preparePlaybook(runDir);
  const playbook = task === 'site' ? site : join(runDir, 'playbook', 'cost.yml');
  if (task !== 'site') writeFileSync(playbook, playbookFor(task, Number(values.copies)));
  mkdirSync(join(runDir, 'playbook', 'files'), { recursive: true });
  writeFileSync(join(runDir, 'playbook', 'files', 'big.bin'), bigFileContent());
  const sshd = await startBenchSshd(hosts, { logLevel: 'ERROR', loginRc: !!values['login-rc'] });
  try {
    const inventory = join(runDir, 'hosts.ini');
    writeFileSync(inventory, sshd.inventoryIni('bench'));
    const main = values.tsplay ?? join(repoRoot(), 'dist', 'engine', 'cli', 'main.js');
    const launcher = `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(1)))`;
    const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
    const cmd = [process.execPath, ...prof, '--input-type=module', '-e', launcher, '--', 'run', playbook, '-i', inventory, '-o', 'json', '-f', String(hosts), '-T', '60'];
    const converge = await runOnce(cmd, runDir);
    if (converge.exitCode !== 0) throw new Error(`converge failed (${converge.exitCode}): ${converge.stderr.slice(-2000)}`);
    const samples: Sample[] = [];
    for (let r = 0; r < Number(values.reps); r++) samples.push(await runOnce(cmd, runDir));
    const med = (f: (s: Sample) => number) => [...samples.map(f)].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    const line = {
      task, copies: task === 'site' ? 20 : Number(values.copies), hosts,
      wallS: med((s) => s.wallS), processes: med((s) => s.processes), controllerCpuS: med((s) => s.controllerCpuS),
      load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (values.timing) {
      const last = samples[samples.length - 1]!;
      for (const t of last.tasks) process.stdout.write(`  ${t.name}: first ${t.firstMs.toFixed(0)} ms, last ${t.lastMs.toFixed(0)} ms, median host ${t.medianMs} ms\n`);
    }
    if (values.strace) process.stdout.write(await straceCounts(cmd, runDir, sshd.hosts[0]!.pid));
    if (values['exec-list']) process.stdout.write(await execList(cmd, runDir, sshd.hosts[0]!.pid));
    if (values.perf) process.stdout.write(`host 0 CPU by command:\n${await perfHost(cmd, runDir, sshd, values['perf-sort'])}\n`);
  } finally {
    sshd.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
