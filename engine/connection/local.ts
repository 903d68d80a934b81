import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TsplayError } from '../errors.js';
import { LocalGroups, signalGroup } from './local-groups.js';
import type { BecomeOptions, CommandResult, Connection, ConnectionStats, PutOptions, RunOptions } from './types.js';
import { maskSecrets, shellJoin, shellQuote } from './types.js';

const OCTAL_MODE = /^0?[0-7]{3,4}$/;

/** argv that runs `script` as the become user (sudo, password on stdin), or plain sh */
function localArgv(script: string, become: BecomeOptions | false | undefined): { argv: string[]; stdinPrefix: string } {
  if (!become) return { argv: ['sh', '-c', script], stdinPrefix: '' };
  const user = become.user ?? 'root';
  const isRoot = process.getuid?.() === 0;
  if (isRoot && user === 'root') return { argv: ['sh', '-c', script], stdinPrefix: '' };
  if (isRoot && become.method === 'su') return { argv: ['su', '-s', '/bin/sh', user, '-c', script], stdinPrefix: '' };
  return {
    argv: ['sudo', '-S', '-p', '', '-u', user, '--', 'sh', '-c', script],
    stdinPrefix: become.password ? `${become.password}\n` : '',
  };
}

/**
 * Why this become cannot run locally, if it cannot: su needs a terminal for
 * its password, and the local connection has none (over SSH a pty is used).
 * Only root may su without one. (It used to fall through to sudo silently.)
 */
export function localBecomeProblem(become: BecomeOptions | false | undefined, uid: number | undefined): string | undefined {
  if (!become || become.method !== 'su' || uid === 0) return undefined;
  return `become (su to ${become.user ?? 'root'}) on the local connection works only when tsplay runs as root; use become_method sudo`;
}

function needsShell(become: BecomeOptions | false | undefined): boolean {
  if (!become) return false;
  return !(process.getuid?.() === 0 && (become.user ?? 'root') === 'root');
}

/**
 * `ansible_connection=local`: commands run on the controller through `sh -c`,
 * each in its own process group so a timeout kills the whole command (a
 * `sleep` child would otherwise keep the pipes open), and close() ends what
 * is still running (local-groups.ts). Become wraps the script
 * with sudo (password on stdin) or, as root, su.
 */
export class LocalConnection implements Connection {
  readonly host: string;
  private counters: ConnectionStats = { connections: 0, channels: 0, commands: 0, bytesSent: 0 };
  private readonly groups = new LocalGroups();

  constructor(host = 'localhost') {
    this.host = host;
  }

  async connect(): Promise<void> {
    this.counters.connections = 1;
  }

  run(cmd: string | string[], opts: RunOptions = {}): Promise<CommandResult> {
    const script = typeof cmd === 'string' ? cmd : shellJoin(cmd);
    this.counters.commands++;
    const problem = localBecomeProblem(opts.become, process.getuid?.());
    if (problem) return Promise.reject(new TsplayError('TSPLAY_AUTH', `${this.host}: ${problem}`, { host: this.host }));
    if (opts.signal?.aborted) return Promise.resolve(notStarted(maskSecrets(script, opts.secrets ?? [])));
    const { argv, stdinPrefix } = localArgv(script, opts.become);
    const secrets = [...(opts.secrets ?? []), ...(opts.become && opts.become.password ? [opts.become.password] : [])];
    const stdin = opts.stdin === undefined ? undefined : typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin;
    if (stdin) this.counters.bytesSent += stdin.length;
    return this.spawnCommand({ argv, stdin: stdinPrefix || stdin ? Buffer.concat([Buffer.from(stdinPrefix), stdin ?? Buffer.alloc(0)]) : undefined, opts, shown: maskSecrets(script, secrets), secrets });
  }

  /** runs argv in its own process group, tracked so that close() can end it */
  private spawnCommand(c: { argv: string[]; stdin?: Buffer; opts: RunOptions; shown: string; secrets: string[] }): Promise<CommandResult> {
    const started = performance.now();
    const child = spawn(c.argv[0]!, c.argv.slice(1), {
      cwd: c.opts.cwd,
      env: { ...process.env, ...(c.opts.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const cut = (): void => {
      timedOut = true;
      if (!(child.pid && signalGroup(child.pid, 'SIGKILL'))) child.kill('SIGKILL');
    };
    const timer = c.opts.timeoutMs ? setTimeout(cut, c.opts.timeoutMs) : undefined;
    // the task's signal (its timeout, an interrupted run) cuts the command the same way
    const signal = c.opts.signal;
    signal?.addEventListener('abort', cut, { once: true });
    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', cut);
    };
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const result = new Promise<CommandResult>((resolve, reject) => {
      child.on('error', (e) => {
        done();
        reject(new TsplayError('TSPLAY_CONNECTION', `cannot run a command on ${this.host}: ${maskSecrets(e.message, c.secrets)}`, { host: this.host }));
      });
      child.on('close', (code, killedBy) => {
        done();
        resolve({
          rc: timedOut ? 124 : (code ?? (killedBy ? 128 + signalNumber(killedBy) : 1)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: performance.now() - started,
          shown: c.shown,
          timedOut,
        });
      });
    });
    if (child.pid) this.groups.add(child.pid, result, () => forgetChild(child));
    child.stdin.on('error', () => undefined);
    if (c.stdin) child.stdin.write(c.stdin);
    child.stdin.end();
    return result;
  }

  async put(content: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    this.counters.bytesSent += data.length;
    if (needsShell(opts.become)) {
      await this.putWithShell(data, remotePath, opts);
      return;
    }
    const tmp = join(dirname(remotePath), `.${basename(remotePath)}.tsplay-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, data, { mode: 0o600 });
      await chmod(tmp, await this.defaultMode(remotePath));
      if (opts.mode && OCTAL_MODE.test(opts.mode)) await chmod(tmp, parseInt(opts.mode, 8));
      if (opts.owner || opts.group || (opts.mode && !OCTAL_MODE.test(opts.mode))) await this.applyAttrs(tmp, opts);
      await rename(tmp, remotePath);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** the replaced file's mode, or 0666 & ~umask for a new one (as the SSH transport does) */
  private async defaultMode(path: string): Promise<number> {
    try {
      return (await stat(path)).mode & 0o7777;
    } catch {
      const mask = process.umask();
      return 0o666 & ~mask;
    }
  }

  private async applyAttrs(path: string, opts: PutOptions): Promise<void> {
    const parts: string[] = [];
    if (opts.owner || opts.group) {
      parts.push(`chown ${shellQuote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${shellQuote(path)}`);
    }
    if (opts.mode) parts.push(`chmod ${shellQuote(opts.mode)} ${shellQuote(path)}`);
    const r = await this.run(parts.join(' && '), { become: opts.become });
    if (r.rc !== 0) throw new TsplayError('TSPLAY_COMMAND_FAILED', `cannot set attributes on ${path}: ${r.stderr.trim()}`, { host: this.host });
  }

  private async putWithShell(data: Buffer, remotePath: string, opts: PutOptions): Promise<void> {
    const tmp = join(dirname(remotePath), `.${basename(remotePath)}.tsplay-${randomBytes(6).toString('hex')}.tmp`);
    const q = shellQuote;
    const script = [
      `umask 077 && cat > ${q(tmp)}`,
      `{ [ ! -e ${q(remotePath)} ] || chmod --reference=${q(remotePath)} ${q(tmp)}; }`,
      opts.owner || opts.group ? `chown ${q(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${q(tmp)}` : 'true',
      opts.mode ? `chmod ${q(opts.mode)} ${q(tmp)}` : 'true',
      `mv -f ${q(tmp)} ${q(remotePath)}`,
    ].join(' && ');
    const r = await this.run(`${script} || { rm -f ${q(tmp)}; exit 1; }`, { become: opts.become, stdin: data });
    if (r.rc !== 0) throw new TsplayError('TSPLAY_COMMAND_FAILED', `cannot write ${remotePath}: ${r.stderr.trim()}`, { host: this.host });
  }

  async get(remotePath: string, opts: { become?: BecomeOptions | false } = {}): Promise<Buffer> {
    if (!needsShell(opts.become)) return readFile(remotePath);
    const r = await this.run(`base64 < ${shellQuote(remotePath)}`, { become: opts.become });
    if (r.rc !== 0) throw new TsplayError('TSPLAY_COMMAND_FAILED', `cannot read ${remotePath}: ${r.stderr.trim()}`, { host: this.host });
    return Buffer.from(r.stdout, 'base64');
  }

  /**
   * Ends the commands still running (an interrupted run closes its
   * connections): SIGTERM to each command's process group, SIGKILL after a
   * short grace. Without it tsplay lived on until they ended by themselves.
   */
  async close(): Promise<void> {
    await this.groups.terminate();
  }

  stats(): ConnectionStats {
    return { ...this.counters };
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** stops holding the event loop for a command that cannot be ended (it left its group) */
function forgetChild(child: ChildProcessWithoutNullStreams): void {
  child.stdout.destroy();
  child.stderr.destroy();
  child.stdin.destroy();
  child.unref();
}

function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 0;
}

/** A command whose task was already cut: reported as a timeout, never started. */
export function notStarted(shown: string): CommandResult {
  return { rc: 124, stdout: '', stderr: '', durationMs: 0, shown, timedOut: true };
}
