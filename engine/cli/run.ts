/** `tsplay run PLAYBOOK -i INVENTORY`: check, then run, then the recap. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { basename, join } from 'node:path';
import { ExitCode, TsplayError, TsplayErrors } from '../errors.js';
import { runPlaybook, listPlaybook } from '../executor/index.js';
import { createRenderer, type EventSink, type OutputMode, type Renderer, type RunEvent } from '../output/index.js';
import { JsonRunEnding } from '../output/json.js';
import { intOption, LineReader, parsePlaybookArgs, readPassword, type PlaybookFlags } from './options.js';
import { limitHosts, matchHosts, splitHostPattern } from '../inventory/patterns.js';
import type { Inventory } from '../inventory/types.js';
import type { StepAnswer } from '../executor/types.js';
import { brokenPipe } from './main.js';
import { prepare, printProblems, type Prepared } from './prepare.js';
import { maskSecretAssignments } from '../output/redact.js';
import { checkStartAtTask, type StartAtWatch } from './start-at.js';

const RUN_HELP = `tsplay run PLAYBOOK [options]

  -i, --inventory FILE      inventory file, directory or "host1,host2," (repeatable)
  -l, --limit PATTERN       only these hosts (pattern, or @file of names)
  -e, --extra-vars VARS     k=v pairs, @file.yml, or YAML/JSON (repeatable; highest precedence)
  -C, --check               probe and plan only: change nothing, report what would change
  -D, --diff                show unified diffs of changed files
  -t, --tags / --skip-tags  run only / skip tagged tasks (repeatable, comma separated)
  --start-at-task NAME      start at the first task with this name
  --step                    confirm each task
  -f, --forks N             hosts in parallel (default 50)
  -o, --output MODE         tty (live view), plain, json (NDJSON events); --json = -o json
  -v, -vv, -vvv, -vvvv      more detail
  -u, --user USER           remote user;  --private-key FILE;  -k, --ask-pass
  -b, --become              become root (sudo);  --become-user USER;  -K, --ask-become-pass
  --vault-password-file F   (repeatable);  -J, --ask-vault-pass
  --force-handlers          run notified handlers even after a failure
  --retry-failed            rerun only the hosts that failed or were unreachable last time
  -T, --timeout S           connection timeout;  --task-timeout S: default per-task timeout
  --list-hosts, --list-tasks, --list-tags, --syntax-check`;

export async function runCommand(argv: string[]): Promise<number> {
  // -o json: a run that ends before (or outside) the executor still writes NDJSON
  const ending = wantsJsonOutput(argv) ? new JsonRunEnding(process.stdout) : undefined;
  const code = await runOrReport(argv, ending);
  ending?.end(code);
  return code;
}

async function runOrReport(argv: string[], ending: JsonRunEnding | undefined): Promise<number> {
  try {
    const { values: flags, positionals } = parsePlaybookArgs(argv);
    if (flags.help) {
      ending?.cancel();
      process.stdout.write(`${RUN_HELP}\n`);
      return ExitCode.ok;
    }
    return await runWithFlags(positionals[0], flags, ending);
  } catch (e) {
    ending?.fail(e);
    return reportError(e);
  }
}

/**
 * Whether the command line asks for NDJSON, read before the flags are
 * parsed (they may be what is wrong): --json, or the last -o/--output
 * (as outputMode reads the parsed flags).
 */
export function wantsJsonOutput(argv: readonly string[]): boolean {
  let jsonFlag = false;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--json') jsonFlag = true;
    else if (a === '-o' || a === '--output') output = argv[++i];
    else if (a.startsWith('--output=')) output = a.slice('--output='.length);
    else if (/^-[CDvbkKJh]*o/.test(a)) {
      // a group of boolean short flags ending in -o: -Co json, -Cojson
      const rest = a.slice(a.indexOf('o') + 1);
      output = rest || argv[++i];
    }
  }
  return jsonFlag || output === 'json';
}

export function reportError(e: unknown): number {
  if (e instanceof TsplayErrors) {
    for (const x of e.errors) process.stderr.write(`${maskSecretAssignments(x.format())}\n`);
    return ExitCode.parseError;
  }
  if (e instanceof TsplayError) {
    process.stderr.write(`${maskSecretAssignments(e.format())}\n`);
    if (e.code === 'TSPLAY_OPTIONS') return ExitCode.badOptions;
    const parse = ['TSPLAY_YAML_SYNTAX', 'TSPLAY_SCHEMA', 'TSPLAY_UNKNOWN_KEY', 'TSPLAY_UNKNOWN_MODULE', 'TSPLAY_MODULE_ARGS', 'TSPLAY_TEMPLATE_SYNTAX', 'TSPLAY_INVENTORY', 'TSPLAY_HOST_PATTERN', 'TSPLAY_ROLE_NOT_FOUND', 'TSPLAY_ROLE_ARGS', 'TSPLAY_FILE_NOT_FOUND', 'TSPLAY_CONFIG', 'TSPLAY_VAULT'];
    return parse.includes(e.code) ? ExitCode.parseError : ExitCode.error;
  }
  process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return ExitCode.error;
}

function outputMode(flags: PlaybookFlags): OutputMode | undefined {
  if (flags.json) return 'json';
  const m = flags.output;
  if (m === undefined) return undefined;
  if (m === 'tty' || m === 'plain' || m === 'json') return m;
  throw new TsplayError('TSPLAY_OPTIONS', `--output expects tty, plain or json, got '${m}'`);
}

function retryFile(playbookFile: string): string {
  return join(process.cwd(), '.tsplay', `${basename(playbookFile).replace(/\.ya?ml$/, '')}.retry`);
}

async function runWithFlags(playbookArg: string | undefined, flags: PlaybookFlags, ending: JsonRunEnding | undefined): Promise<number> {
  const mode = outputMode(flags);
  const prep = await prepare(playbookArg, flags);
  ending?.useRedactor(prep.redactor);
  if (prep.problems.length > 0) {
    printProblems(prep.problems, prep.redactor);
    ending?.fail(new TsplayErrors(prep.problems));
    return ExitCode.parseError;
  }
  for (const w of prep.warnings) process.stderr.write(`[WARNING]: ${w.format()}\n`);
  const limitError = unreadableLimitFile(prep.inventory, flags.limit);
  if (limitError) {
    ending?.fail(limitError);
    return ExitCode.error;
  }
  // the playbook as written on the command line, as ansible-playbook prints it
  const shownPath = playbookArg ?? prep.playbookFile;
  if (flags['syntax-check'] || flags['list-hosts'] || flags['list-tasks'] || flags['list-tags']) ending?.cancel();
  if (flags['syntax-check']) {
    process.stdout.write(`\nplaybook: ${shownPath}\n`);
    return ExitCode.ok;
  }
  let limit = flags.limit;
  if (flags['retry-failed']) {
    const names = (await readFile(retryFile(prep.playbookFile), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (names.length === 0) {
      process.stderr.write('--retry-failed: no failed hosts recorded for this playbook; nothing to do\n');
      return ExitCode.ok;
    }
    limit = limit ? `${limit}:&${names.join(',')}` : names.join(',');
  }
  const listing = { playbook: prep.playbook!, inventory: prep.inventory, limit, tags: splitList(flags.tags), skipTags: splitList(flags['skip-tags']), extraVars: prep.extraVars };
  if (flags['list-hosts'] || flags['list-tasks'] || flags['list-tags']) {
    const what = { hosts: flags['list-hosts'], tasks: flags['list-tasks'], tags: flags['list-tags'] };
    process.stdout.write(await listPlaybook({ ...listing, shownPath }, what));
    return ExitCode.ok;
  }
  // a --start-at-task naming no task stops here, before anything runs
  const startAt = checkStartAtTask(prep.playbook!, flags['start-at-task']);
  return execute({ prep, flags, mode, listing, ending, startAt });
}

interface ExecuteOptions {
  prep: Prepared;
  flags: PlaybookFlags;
  mode: OutputMode | undefined;
  listing: { limit?: string; tags?: string[]; skipTags?: string[] };
  ending?: JsonRunEnding;
  /** --start-at-task that only the dynamic includes may hold */
  startAt?: StartAtWatch;
}

async function execute({ prep, flags, mode, listing, ending, startAt }: ExecuteOptions): Promise<number> {
  const forks = intOption('forks', flags.forks);
  const timeout = intOption('timeout', flags.timeout);
  const taskTimeout = intOption('task-timeout', flags['task-timeout']);
  const password = flags['ask-pass'] ? await readPassword('SSH password: ') : undefined;
  const becomePassword = flags['ask-become-pass'] ? await readPassword('BECOME password: ') : undefined;
  prep.redactor.add(password);
  prep.redactor.add(becomePassword);
  const verbosity = flags.verbose?.length ?? 0;
  const { sink: render, renderer } = createRenderer({ mode, verbosity, diff: !!flags.diff, redactor: prep.redactor });
  const sink: WatchedSink = startAt || ending ? watchedSink(render, { ending, startAt }) : render;
  const stopper = new RunStopper();
  const stepReader = flags.step ? new LineReader(process.stdin) : undefined;
  try {
    const summary = await runPlaybook({
      playbook: prep.playbook!,
      inventory: prep.inventory,
      extraVars: prep.extraVars,
      check: !!flags.check,
      diff: !!flags.diff,
      ...listing,
      startAtTask: flags['start-at-task'],
      step: stepReader ? stepPrompt(stepReader, stopper, renderer) : undefined,
      forks: forks ?? prep.cfg.forks,
      forceHandlers: !!flags['force-handlers'],
      connectionConfig: {
        remoteUser: flags.user ?? prep.cfg.remoteUser,
        privateKeyFile: flags['private-key'] ?? prep.cfg.privateKeyFile,
        password,
        hostKeyChecking: prep.cfg.hostKeyChecking,
        connectTimeoutMs: (timeout ?? prep.cfg.timeout) * 1000,
      },
      become: flags.become ? { user: flags['become-user'], method: flags['become-method'] as 'sudo' | 'su' | undefined, password: becomePassword } : undefined,
      becomePassword,
      emit: sink,
      signal: stopper.signal,
      verbosity,
      redact: (s: string) => prep.redactor.redact(s),
      redactor: prep.redactor,
      timeoutS: taskTimeout,
      strategy: flags.strategy as 'linear' | 'free' | undefined,
    });
    await writeRetry(prep.playbookFile, [...summary.failedHosts, ...summary.unreachableHosts]);
    const code = startAt && !startAt.found ? startAtNotFound(startAt, summary.exitCode, ending) : summary.exitCode;
    sink.finish?.(code);
    await renderer.close();
    return code;
  } finally {
    stopper.dispose();
    stepReader?.close();
  }
}

type WatchedSink = EventSink & { finish?: (exitCode: number) => void };

/**
 * The run's events, seen by the -o json ending (a run_end written is not
 * written again) and the --start-at-task watch. With a watch, run_end is
 * held back until the run's exit code is known (finish).
 */
function watchedSink(render: EventSink, watchers: { ending?: JsonRunEnding; startAt?: StartAtWatch }): WatchedSink {
  let heldEnd: Extract<RunEvent, { type: 'run_end' }> | undefined;
  const pass = (e: RunEvent): void => {
    render(e);
    watchers.ending?.seen(e);
  };
  const sink: WatchedSink = (e) => {
    watchers.startAt?.seen(e);
    if (e.type === 'run_end' && watchers.startAt) heldEnd = e;
    else pass(e);
  };
  sink.finish = (exitCode) => {
    if (heldEnd) pass({ ...heldEnd, exitCode });
  };
  return sink;
}

/** ansible-playbook's error after a run that never reached the task; exit 5 unless the run failed worse. */
function startAtNotFound(startAt: StartAtWatch, runCode: number, ending: JsonRunEnding | undefined): number {
  const error = startAt.error();
  process.stderr.write(`${error.format()}\n`);
  ending?.fail(error);
  return runCode === ExitCode.ok ? ExitCode.badOptions : runCode;
}

/**
 * Everything that stops a run early, on one AbortController that every
 * task's timeout and every host's connection listens on: Ctrl-C / SIGTERM
 * (a second one leaves at once), a closed standard output, the end of the
 * --step answers. The run then closes its connections, prints the recap
 * (where it still can) and exits 99.
 */
class RunStopper {
  private readonly abort = new AbortController();
  private readonly previousPipeHandler = brokenPipe.onClose;

  constructor() {
    setMaxListeners(0, this.abort.signal);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    brokenPipe.onClose = () => this.stop('standard output closed');
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  stop(why: string, hint = ''): void {
    if (this.abort.signal.aborted) return;
    process.stderr.write(`\n${why}: stopping; closing connections${hint}\n`);
    this.abort.abort(new TsplayError('TSPLAY_INTERRUPTED', why));
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    brokenPipe.onClose = this.previousPipeHandler;
  }

  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.abort.signal.aborted) process.exit(ExitCode.interrupted); // second Ctrl-C: leave now
    this.stop(sig, ' (Ctrl-C again to quit at once)');
  };
}

function splitList(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

async function writeRetry(playbookFile: string, hosts: string[]): Promise<void> {
  const file = retryFile(playbookFile);
  await mkdir(join(process.cwd(), '.tsplay'), { recursive: true }).catch(() => undefined);
  await writeFile(file, hosts.length ? `${hosts.join('\n')}\n` : '').catch(() => undefined);
}

/**
 * --step: Ansible's question before each task, answered from one reader for
 * the whole run (answers may be piped). At the end of the input the run
 * stops, as ansible-playbook stops there: recap printed, exit 99
 * (interrupted). Ctrl-C while it waits answers "no" and the run stops too.
 */
function stepPrompt(reader: LineReader, stopper: RunStopper, renderer: Renderer): (taskName: string) => Promise<StepAnswer> {
  return async (taskName) => {
    await renderer.settled?.();
    if (stopper.signal.aborted) return 'no';
    process.stderr.write(`Perform task: TASK: ${taskName} (N)o/(y)es/(c)ontinue: `);
    const line = await untilAborted(reader.next(), stopper.signal);
    if (stopper.signal.aborted) return 'no';
    if (line === undefined) {
      stopper.stop('--step: no answer (end of input)');
      return 'no';
    }
    // a terminal echoes the answer and its newline; piped answers do not
    if (!process.stdin.isTTY) process.stderr.write(`${line}\n`);
    const answer = line.trim().toLowerCase();
    return answer.startsWith('y') ? 'yes' : answer.startsWith('c') ? 'continue' : 'no';
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * As ansible-playbook (CLI.get_host_list): each --limit pattern that matches
 * no host is warned about, and a limit that leaves no host of the inventory
 * stops everything, exit 1, before any play. An inventory without hosts is
 * let through (plays on the implicit localhost).
 */
/**
 * checkLimit, except that a `@file` that cannot be read ends the run with
 * exit 1 as ansible-playbook's "Unable to find limit file" does (an
 * AnsibleError, not the parse error 4 a missing playbook file gives).
 */
function unreadableLimitFile(inventory: Inventory, limit: string | undefined): TsplayError | undefined {
  try {
    checkLimit(inventory, limit);
    return undefined;
  } catch (e) {
    if (!(e instanceof TsplayError) || e.code !== 'TSPLAY_FILE_NOT_FOUND') throw e;
    process.stderr.write(`${maskSecretAssignments(e.format())}\n`);
    return e;
  }
}

export function checkLimit(inventory: Inventory, limit: string | undefined): void {
  if (!limit) return;
  for (const part of splitHostPattern(limit).parts) {
    const pattern = part.replace(/^[&!]/, '');
    if (pattern.startsWith('@')) continue;
    let found: string[];
    try {
      found = matchHosts(inventory, pattern);
    } catch {
      continue; // limitHosts below reports a malformed pattern
    }
    if (found.length === 0) process.stderr.write(`[WARNING]: Could not match supplied host pattern, ignoring: ${pattern}\n`);
  }
  const all = matchHosts(inventory, 'all');
  if (all.length === 0 || limitHosts(inventory, all, limit).length > 0) return;
  throw new TsplayError('TSPLAY_NO_HOSTS', `--limit '${limit}' leaves no host of the inventory to target`, {
    hint: 'see the inventory with tsplay inventory -i INVENTORY --graph',
  });
}
