/** `tsplay run PLAYBOOK -i INVENTORY`: check, then run, then the recap. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { basename, join } from 'node:path';
import { ExitCode, TsplayError, TsplayErrors } from '../errors.js';
import { runPlaybook, listHosts, listTasks, listTags } from '../executor/index.js';
import { createRenderer, type OutputMode } from '../output/index.js';
import { intOption, parseOrExit, readPassword, type PlaybookFlags } from './options.js';
import { prepare, printProblems } from './prepare.js';
import { maskSecretAssignments } from '../output/redact.js';

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
  const parsed = parseOrExit(argv, RUN_HELP);
  if (typeof parsed === 'number') return parsed;
  const { flags, positionals } = parsed;
  try {
    return await runWithFlags(positionals[0], flags);
  } catch (e) {
    return reportError(e);
  }
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

async function runWithFlags(playbookArg: string | undefined, flags: PlaybookFlags): Promise<number> {
  const mode = outputMode(flags);
  const forks = intOption('forks', flags.forks);
  const timeout = intOption('timeout', flags.timeout);
  const taskTimeout = intOption('task-timeout', flags['task-timeout']);
  const prep = await prepare(playbookArg, flags);
  if (prep.problems.length > 0) {
    printProblems(prep.problems, prep.redactor);
    return ExitCode.parseError;
  }
  for (const w of prep.warnings) process.stderr.write(`[WARNING]: ${w.format()}\n`);
  if (flags['syntax-check']) {
    process.stdout.write(`playbook: ${prep.playbookFile}\n`);
    return ExitCode.ok;
  }
  const playbook = prep.playbook!;
  let limit = flags.limit;
  if (flags['retry-failed']) {
    const names = (await readFile(retryFile(prep.playbookFile), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (names.length === 0) {
      process.stderr.write('--retry-failed: no failed hosts recorded for this playbook; nothing to do\n');
      return ExitCode.ok;
    }
    limit = limit ? `${limit}:&${names.join(',')}` : names.join(',');
  }
  const tags = splitList(flags.tags);
  const skipTags = splitList(flags['skip-tags']);
  const listing = { playbook, inventory: prep.inventory, limit, tags, skipTags, extraVars: prep.extraVars };
  if (flags['list-hosts'] || flags['list-tasks'] || flags['list-tags']) {
    if (flags['list-hosts']) process.stdout.write(await listHosts(listing));
    if (flags['list-tasks']) process.stdout.write(await listTasks(listing));
    if (flags['list-tags']) process.stdout.write(await listTags(listing));
    return ExitCode.ok;
  }
  const password = flags['ask-pass'] ? await readPassword('SSH password: ') : undefined;
  const becomePassword = flags['ask-become-pass'] ? await readPassword('BECOME password: ') : undefined;
  prep.redactor.add(password);
  prep.redactor.add(becomePassword);
  const verbosity = flags.verbose?.length ?? 0;
  const { sink, renderer } = createRenderer({ mode, verbosity, diff: !!flags.diff, redactor: prep.redactor });
  const abort = new AbortController();
  // every task's timeout and every host's connection listens on this one signal
  setMaxListeners(0, abort.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(ExitCode.interrupted); // second Ctrl-C: leave now
    process.stderr.write(`\n${sig}: stopping; closing connections (Ctrl-C again to quit at once)\n`);
    abort.abort(new TsplayError('TSPLAY_INTERRUPTED', `interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runPlaybook({
      playbook,
      inventory: prep.inventory,
      extraVars: prep.extraVars,
      check: !!flags.check,
      diff: !!flags.diff,
      limit,
      tags,
      skipTags,
      startAtTask: flags['start-at-task'],
      step: flags.step ? askStep : undefined,
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
      signal: abort.signal,
      verbosity,
      redact: (s: string) => prep.redactor.redact(s),
      redactor: prep.redactor,
      timeoutS: taskTimeout,
      strategy: flags.strategy as 'linear' | 'free' | undefined,
    });
    await renderer.close();
    await writeRetry(prep.playbookFile, [...summary.failedHosts, ...summary.unreachableHosts]);
    return summary.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
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

async function askStep(taskName: string): Promise<'yes' | 'no' | 'continue'> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = (await rl.question(`Perform task: ${taskName} (N)o/(y)es/(c)ontinue: `)).trim().toLowerCase();
  rl.close();
  return answer.startsWith('y') ? 'yes' : answer.startsWith('c') ? 'continue' : 'no';
}
