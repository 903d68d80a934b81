import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CommandResult, Connection, ConnectionStats, PutOptions, RunOptions } from './types.js';
import { maskSecrets, shellJoin, shellQuote } from './types.js';

/**
 * `ansible_connection=local`: commands run on the controller through `sh -c`.
 * Become wraps the script with sudo (password on stdin).
 */
export class LocalConnection implements Connection {
  readonly host: string;
  private counters: ConnectionStats = { connections: 0, channels: 0, commands: 0, bytesSent: 0 };

  constructor(host = 'localhost') {
    this.host = host;
  }

  async connect(): Promise<void> {
    this.counters.connections = 1;
  }

  run(cmd: string | string[], opts: RunOptions = {}): Promise<CommandResult> {
    const script = typeof cmd === 'string' ? cmd : shellJoin(cmd);
    const started = Date.now();
    this.counters.commands++;
    let argv = ['sh', '-c', script];
    let stdinPrefix = '';
    if (opts.become) {
      const user = opts.become.user ?? 'root';
      const isRoot = process.getuid?.() === 0;
      if (!(isRoot && user === 'root')) {
        argv = ['sudo', '-S', '-p', '', '-u', user, '--', 'sh', '-c', script];
        if (opts.become.password) stdinPrefix = `${opts.become.password}\n`;
      }
    }
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: opts.cwd,
        env: { ...process.env, ...(opts.env ?? {}) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({
          rc: timedOut ? 124 : (code ?? 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: Date.now() - started,
          shown: maskSecrets(script, opts.secrets),
          timedOut,
        });
      });
      child.stdin.on('error', () => undefined);
      if (stdinPrefix) child.stdin.write(stdinPrefix);
      if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
      child.stdin.end();
    });
  }

  async put(content: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    this.counters.bytesSent += data.length;
    if (opts.become && process.getuid?.() !== 0) {
      await this.putWithShell(data, remotePath, opts);
      return;
    }
    const tmp = join(dirname(remotePath), `.${basename(remotePath)}.tsplay-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(tmp, data, { mode: 0o600 });
      if (opts.mode && /^0?[0-7]{3,4}$/.test(opts.mode)) await chmod(tmp, parseInt(opts.mode, 8));
      if (opts.owner || opts.group || (opts.mode && !/^0?[0-7]{3,4}$/.test(opts.mode))) {
        await this.applyAttrs(tmp, opts);
      }
      await rename(tmp, remotePath);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  private async applyAttrs(path: string, opts: PutOptions): Promise<void> {
    const parts: string[] = [];
    if (opts.owner || opts.group) {
      parts.push(`chown ${shellQuote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${shellQuote(path)}`);
    }
    if (opts.mode) parts.push(`chmod ${shellQuote(opts.mode)} ${shellQuote(path)}`);
    const r = await this.run(parts.join(' && '), { become: opts.become });
    if (r.rc !== 0) throw new Error(`cannot set attributes on ${path}: ${r.stderr.trim()}`);
  }

  private async putWithShell(data: Buffer, remotePath: string, opts: PutOptions): Promise<void> {
    const tmp = `${remotePath}.tsplay-${randomBytes(4).toString('hex')}`;
    const q = shellQuote;
    const script = [
      `cat > ${q(tmp)}`,
      opts.owner || opts.group ? `chown ${q(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${q(tmp)}` : 'true',
      opts.mode ? `chmod ${q(opts.mode)} ${q(tmp)}` : 'true',
      `mv -f ${q(tmp)} ${q(remotePath)}`,
    ].join(' && ');
    const r = await this.run(`${script} || { rm -f ${q(tmp)}; exit 1; }`, { become: opts.become, stdin: data });
    if (r.rc !== 0) throw new Error(`cannot write ${remotePath}: ${r.stderr.trim()}`);
  }

  async get(remotePath: string): Promise<Buffer> {
    return readFile(remotePath);
  }

  async close(): Promise<void> {}

  stats(): ConnectionStats {
    return { ...this.counters };
  }
}
