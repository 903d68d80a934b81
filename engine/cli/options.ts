/** Options shared by `run` and `check`, as ansible-playbook spells them. */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TsplayError } from '../errors.js';
import { parseYaml } from '../yaml.js';
import type { VarsMap } from '../playbook/model.js';
import { KvEscapeError, parseKv, SplitArgsError } from '../playbook/kv.js';

export const playbookOptions = {
  inventory: { type: 'string', short: 'i', multiple: true },
  limit: { type: 'string', short: 'l' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  'start-at-task': { type: 'string' },
  step: { type: 'boolean' },
  forks: { type: 'string', short: 'f' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  'list-hosts': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  'list-tags': { type: 'boolean' },
  'syntax-check': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  user: { type: 'string', short: 'u' },
  'private-key': { type: 'string' },
  'ask-pass': { type: 'boolean', short: 'k' },
  become: { type: 'boolean', short: 'b' },
  'become-user': { type: 'string' },
  'become-method': { type: 'string' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  'vault-password-file': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
  'force-handlers': { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  timeout: { type: 'string', short: 'T' },
  'task-timeout': { type: 'string' },
  strategy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export type PlaybookFlags = ReturnType<typeof parsePlaybookArgs>['values'];

/**
 * Parses the flags of run/check, answers --help; returns the exit code
 * instead when there is nothing more to do.
 */
export function parseOrExit(argv: string[], help: string): { flags: PlaybookFlags; positionals: string[] } | number {
  try {
    const { values: flags, positionals } = parsePlaybookArgs(argv);
    if (!flags.help) return { flags, positionals };
    process.stdout.write(`${help}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as TsplayError).format()}\n`);
    return 5;
  }
}

export function parsePlaybookArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: playbookOptions, allowPositionals: true, strict: true });
  } catch (e) {
    throw new TsplayError('TSPLAY_OPTIONS', (e as Error).message, { hint: 'see tsplay run --help' });
  }
}

export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new TsplayError('TSPLAY_OPTIONS', `--${name} expects a positive integer, got '${value}'`);
  return n;
}

/**
 * `-e` values, merged left to right: `k=v k2="a b"`, `@file.yml` / `@file.json`,
 * or inline YAML/JSON (`'{"a": 1}'`).
 */
export async function parseExtraVars(values: readonly string[] | undefined): Promise<VarsMap> {
  const out: VarsMap = {};
  for (const raw of values ?? []) {
    const v = raw.trim();
    if (v.startsWith('@')) {
      const file = v.slice(1);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        throw new TsplayError('TSPLAY_OPTIONS', `-e @${file}: cannot read the file`);
      }
      Object.assign(out, asMap(parseYaml(text, file).value, `-e @${file}`));
    } else if (v.startsWith('{') || v.startsWith('[') || v.startsWith('---')) {
      Object.assign(out, asMap(parseYaml(v, '<extra-vars>').value, '-e'));
    } else {
      Object.assign(out, parseKeyValues(v));
    }
  }
  return out;
}

function asMap(value: unknown, where: string): VarsMap {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TsplayError('TSPLAY_OPTIONS', `${where}: expected a mapping of variables`);
  return value as VarsMap;
}

/**
 * `a=1 b="two words" c='x'`: ansible's parse_kv (same quoting and escapes as a
 * task's key=value arguments); values stay strings. Words that are not
 * key=value are an error here (ansible would set a `_raw_params` variable).
 */
export function parseKeyValues(text: string): VarsMap {
  let parsed: Record<string, string>;
  try {
    parsed = parseKv(text);
  } catch (e) {
    if (!(e instanceof SplitArgsError)) throw e;
    throw new TsplayError('TSPLAY_OPTIONS', `-e '${text}': ${e instanceof KvEscapeError ? e.message : 'unbalanced quotes or Jinja block'}`);
  }
  const { _raw_params: stray, ...out } = parsed;
  if (stray !== undefined || Object.keys(out).length === 0) {
    throw new TsplayError('TSPLAY_OPTIONS', `-e '${text}': expected key=value pairs, @file or a YAML/JSON mapping`);
  }
  return out;
}

export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new TsplayError('TSPLAY_OPTIONS', `${prompt}: no terminal to ask on (use a password file)`);
  const { createInterface } = await import('node:readline');
  process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: true });
  (rl as unknown as { _writeToOutput: () => void })._writeToOutput = () => undefined;
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/**
 * One line reader on an input for a whole command: lines typed or piped
 * ahead wait in order for the next question (a readline per question loses
 * what the previous one had already buffered). Starts reading at the first
 * question; `next()` gives undefined once the input has ended.
 */
export class LineReader {
  private readonly queued: string[] = [];
  private waiter?: (line: string | undefined) => void;
  private ended = false;
  private rl?: import('node:readline').Interface;

  constructor(private readonly input: NodeJS.ReadableStream = process.stdin) {}

  async next(): Promise<string | undefined> {
    if (!this.rl) await this.start();
    if (this.queued.length > 0) return this.queued.shift();
    if (this.ended) return undefined;
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Stops reading, so the input no longer keeps the process alive. */
  close(): void {
    this.rl?.close();
  }

  private async start(): Promise<void> {
    const { createInterface } = await import('node:readline');
    // terminal: false: a terminal stays in its own line mode, so Ctrl-C still raises SIGINT
    const rl = createInterface({ input: this.input, terminal: false, crlfDelay: Infinity });
    rl.on('line', (line) => this.deliver(line));
    rl.on('close', () => {
      this.ended = true;
      this.deliver(undefined);
    });
    this.rl = rl;
  }

  private deliver(line: string | undefined): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(line);
    else if (line !== undefined) this.queued.push(line);
  }
}
