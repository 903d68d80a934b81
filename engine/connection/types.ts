/**
 * The contract every transport implements (ssh, local). One Connection per
 * host for the whole run; commands on it are serialized per shell.
 */
export interface CommandResult {
  /** exit status; 124 when the command was cut by its timeout */
  rc: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** the command as shown to users: secrets already masked */
  shown: string;
  timedOut?: boolean;
}

export interface BecomeOptions {
  /** default 'root' */
  user?: string;
  /** default 'sudo' */
  method?: 'sudo' | 'su';
  /** fed on stdin, never on a command line; never logged */
  password?: string;
}

export interface RunOptions {
  /** run as another user through a persistent privileged shell */
  become?: BecomeOptions | false;
  /** exported for this command only */
  env?: Record<string, string>;
  cwd?: string;
  /** data for the command's stdin */
  stdin?: string | Buffer;
  /** cut the command after this long; rc 124, timedOut true */
  timeoutMs?: number;
  /** strings to mask in `shown` and in errors */
  secrets?: string[];
  /**
   * the task's signal (its `timeout` or the run being interrupted): when it
   * aborts, a running command is cut as a timeout cuts it (rc 124, timedOut)
   * and a command not started yet is not started
   */
  signal?: AbortSignal;
  /**
   * Only for a script the engine wrote itself (a module's probe, never user
   * text): a persistent shell runs it without the `sh -c` exec (about 0.7 ms
   * of host CPU per command). 'subshell': `( SCRIPT )`, so nothing it does
   * leaks, but the session shell parses it (it must be valid sh). 'group':
   * `{ SCRIPT }` in the session shell itself (no fork either): the script
   * must also change no shell state (no cd, exit, exec, set, trap, IFS or
   * functions; its variables unset at its end); with cwd or env it runs as
   * 'subshell'. Transports that start a process per command ignore it.
   */
  inline?: 'subshell' | 'group';
}

export interface PutOptions {
  become?: BecomeOptions | false;
  /** octal string like '0644' or symbolic; applied before the rename */
  mode?: string;
  owner?: string;
  group?: string;
}

export interface Connection {
  readonly host: string;
  /** opens the transport; throws TsplayError TSPLAY_CONNECTION / TSPLAY_AUTH / TSPLAY_HOST_KEY */
  connect(): Promise<void>;
  /**
   * Runs a command. A string is a POSIX shell script; an array is argv and is
   * quoted with `shellQuote`. Never throws on a non-zero exit; throws
   * TSPLAY_CONNECTION when the transport is lost.
   */
  run(cmd: string | string[], opts?: RunOptions): Promise<CommandResult>;
  /** writes atomically: temporary file in the same directory, then rename */
  put(content: string | Buffer, remotePath: string, opts?: PutOptions): Promise<void>;
  get(remotePath: string, opts?: { become?: BecomeOptions | false }): Promise<Buffer>;
  close(): Promise<void>;
  /** counters for tests and the benchmark */
  stats(): ConnectionStats;
}

export interface ConnectionStats {
  connections: number;
  channels: number;
  commands: number;
  bytesSent: number;
}

/** Quote one word for a POSIX shell. The only way user values enter a command. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Replaces each secret (length >= 1) with ******** */
export function maskSecrets(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets) return text;
  let out = text;
  for (const s of secrets) {
    if (s && s.length > 0) out = out.split(s).join('********');
  }
  return out;
}
