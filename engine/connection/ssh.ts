/**
 * SSH transport: one connection per host for the whole run, one persistent
 * `sh` per identity (plain, and one per become user) fed commands on stdin,
 * more when commands pile up, SFTP opened lazily for large files.
 *
 * Measured here (loopback sshd, 2 busy cores): ~1.3 ms per argv command and
 * ~1.5 ms per shell-script command (mostly the fork+exec of the command
 * itself), against 40-80 ms for an exec channel per command.
 *
 * - Commands: see command-script.ts (subshell, `sh -c`, stdin as base64
 *   heredoc) and marker.ts (nonce end markers carrying $?).
 * - Become: sudo with a per-session nonce prompt, so the password is written
 *   on stdin only when sudo asks, and a second prompt means it was rejected.
 *   su without a password (connected as root) runs on a plain channel; su
 *   with a password gets a pty, answers su's prompt there and keeps stdout
 *   and stderr apart through temporary files (su-pty.ts).
 * - Parallel commands: commands of one identity that queue behind commands
 *   running for more than shellGrowAfterMs (hosts delegating long tasks to
 *   this one) get extra shells on spare channels (shell-pool.ts); a run
 *   whose commands on a host never overlap keeps one shell per identity.
 * - Limits: at most maxChannels channels at once, one of them never taken
 *   by an extra shell; when all are taken, the least recently used idle
 *   shell is closed (it reopens when next needed).
 * - Loss: a command running when the transport goes away is rejected with
 *   TSPLAY_CONNECTION; the next command reconnects.
 * - stats(): connections = transports opened, channels = channels opened
 *   (shells and SFTP), commands = commands sent to shells (including put/get
 *   and timeout clean-up), bytesSent = command text and file data written
 *   (SSH framing and shell handshakes excluded).
 */
import type { NodeSSH } from 'node-ssh';
import type { Client, SFTPWrapper } from 'ssh2';
import { TsplayError } from '../errors.js';
import { ChannelLimit } from './channel-limit.js';
import { getFile, putFile, type TransferHost } from './file-transfer.js';
import { newMarker } from './marker.js';
import { becomeCommand, openShell, readyLines, type OpenedShell, type ShellLaunch } from './shell-open.js';
import { ShellPool } from './shell-pool.js';
import { SU_PTY, suPtyCommand } from './su-pty.js';
import { openTransport, type TransportTarget } from './ssh-transport.js';
import type { BecomeOptions, CommandResult, Connection, ConnectionStats, PutOptions, RunOptions } from './types.js';
import { maskSecrets, shellJoin } from './types.js';

export interface SshConnectionOptions extends Partial<Omit<TransportTarget, 'host'>> {
  /** inventory name */
  host: string;
  /** default 8; keep it below sshd's MaxSessions (10 by default) */
  maxChannels?: number;
  /**
   * how long a fresh shell may take to announce itself, counted from when the
   * server grants its channel; default max(connectTimeoutMs, 30 s). Separate
   * from the connect timeout: on a loaded host, forking sh (and sudo/su with
   * PAM) can take longer than the TCP/SSH handshake, and a slow start is not
   * an unreachable host.
   */
  shellStartTimeoutMs?: number;
  /**
   * how long the commands of an identity's busy shells must have been
   * running before a command waiting behind them gets another shell on a
   * spare channel (default 250 ms; see shell-pool.ts)
   */
  shellGrowAfterMs?: number;
}

/** the least time a shell gets to start, whatever the connect timeout */
export const MIN_SHELL_START_MS = 30_000;

interface EffectiveBecome {
  user: string;
  method: 'sudo' | 'su';
  password?: string;
}

export class SshConnection implements Connection {
  readonly host: string;
  private readonly target: TransportTarget;
  private readonly maxChannels: number;
  private readonly shellStartTimeoutMs: number;
  private ssh?: NodeSSH;
  private client?: Client;
  private connecting?: Promise<Client>;
  private lost?: string;
  private limit: ChannelLimit;
  private readonly shellGrowAfterMs?: number;
  /** the shells of each identity ('' plain, 'method:user' for become) */
  private readonly pools = new Map<string, ShellPool>();
  /** the latest become password per shell identity: a fresh shell after a failure uses the new one */
  private readonly becomePasswords = new Map<string, string | undefined>();
  private sftpChannel?: Promise<SFTPWrapper>;
  private sftpBusy = 0;
  private sftpOpen?: SFTPWrapper;
  /** rejects when the current transport goes away (SFTP requests do not always fail by themselves) */
  private lostSignal: Promise<never> = new Promise<never>(() => undefined);
  private signalLost: (e: TsplayError) => void = () => undefined;
  private readonly counters: ConnectionStats = { connections: 0, channels: 0, commands: 0, bytesSent: 0 };

  constructor(opts: SshConnectionOptions) {
    this.host = opts.host;
    this.target = {
      ...opts,
      address: opts.address ?? opts.host,
      port: opts.port ?? 22,
      username: opts.username ?? process.env.USER ?? 'root',
      hostKeyChecking: opts.hostKeyChecking ?? true,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    };
    this.maxChannels = Math.max(1, opts.maxChannels ?? 8);
    this.shellStartTimeoutMs = opts.shellStartTimeoutMs ?? Math.max(this.target.connectTimeoutMs, MIN_SHELL_START_MS);
    this.shellGrowAfterMs = opts.shellGrowAfterMs;
    this.limit = new ChannelLimit(this.maxChannels);
  }

  async connect(): Promise<void> {
    await this.transport();
  }

  private transport(): Promise<Client> {
    if (this.client && !this.lost) return Promise.resolve(this.client);
    this.connecting ??= this.openNew().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async openNew(): Promise<Client> {
    const ssh = await openTransport(this.target);
    const client = ssh.connection;
    if (!client) throw new TsplayError('TSPLAY_INTERNAL', `no SSH client after connecting to ${this.host}`, { host: this.host });
    this.counters.connections++;
    this.ssh = ssh;
    this.client = client;
    this.lost = undefined;
    this.limit = new ChannelLimit(this.maxChannels);
    this.lostSignal = new Promise<never>((_, reject) => {
      this.signalLost = reject;
    });
    this.lostSignal.catch(() => undefined);
    client.on('error', (e: Error) => {
      if (this.client === client) this.lost ??= e.message;
    });
    client.on('close', () => this.onTransportClosed(client));
    return client;
  }

  private onTransportClosed(client: Client): void {
    if (this.client !== client) return;
    this.lost ??= 'the server closed the connection';
    this.client = undefined;
    this.sftpChannel = undefined;
    for (const p of this.pools.values()) p.abort(this.lost);
    this.signalLost(new TsplayError('TSPLAY_CONNECTION', `connection to ${this.host} lost: ${this.lost}`, { host: this.host }));
  }

  private effectiveBecome(b: BecomeOptions | false | undefined): EffectiveBecome | undefined {
    if (!b) return undefined;
    const user = b.user ?? 'root';
    if (user === this.target.username) return undefined; // already that user: the plain shell does
    return { user, method: b.method ?? 'sudo', password: b.password };
  }

  private async openShellFor(become: EffectiveBecome | undefined): Promise<OpenedShell & { release: () => void }> {
    const client = await this.transport();
    const limit = this.limit;
    if (limit.inUse >= limit.max) this.evictIdleShell();
    await limit.acquire();
    return this.startShell(client, limit, become);
  }

  /**
   * An extra shell for a pool whose commands queue up: only on the current
   * transport, and only while a channel stays spare for SFTP or another
   * identity (never evicting anything for it).
   */
  private openExtraShell(become: EffectiveBecome | undefined): Promise<OpenedShell & { release: () => void }> | undefined {
    const client = this.client;
    const limit = this.limit;
    if (!client || this.lost || !limit.tryAcquire(limit.max - 1)) return undefined;
    return this.startShell(client, limit, become);
  }

  /** opens a shell on a channel slot already taken from `limit` */
  private async startShell(client: Client, limit: ChannelLimit, become: EffectiveBecome | undefined): Promise<OpenedShell & { release: () => void }> {
    const marker = newMarker();
    try {
      this.counters.channels++;
      const shell = await openShell(client, { ...this.launchFor(become, marker), host: this.host, marker, timeoutMs: this.shellStartTimeoutMs });
      return { ...shell, release: () => limit.release() };
    } catch (e) {
      limit.release();
      throw e;
    }
  }

  private launchFor(become: EffectiveBecome | undefined, marker: string): Pick<ShellLaunch, 'command' | 'handshake' | 'become' | 'pty'> {
    if (!become) return { command: 'exec sh', handshake: readyLines(marker) };
    if (become.method === 'su' && become.password !== undefined) {
      return { command: suPtyCommand(marker, become.user), become, pty: SU_PTY };
    }
    const prompt = `[tsplay-sudo-${marker}]`;
    return { command: becomeCommand(marker, become.user, become.method, prompt), become: { ...become, prompt } };
  }

  /**
   * All channel slots taken: close the least recently used idle shell (it
   * reopens when next needed) so that a new identity can get a channel.
   */
  private evictIdleShell(): void {
    const idle = [...this.pools.values()].flatMap((p) => p.idleSessions()).sort((a, b) => a.lastUsed - b.lastUsed);
    if (idle[0]?.closeIfIdle()) return;
    if (this.sftpBusy === 0 && this.sftpChannel) {
      const closing = this.sftpChannel;
      this.sftpChannel = undefined;
      void closing.then((sftp) => sftp.end(), () => undefined);
    }
  }

  /** most channels that were open at once on the current transport (tests) */
  peakChannels(): number {
    return this.limit.peak;
  }

  /** shells open now for one identity (tests) */
  shellCount(b?: BecomeOptions | false): number {
    const become = this.effectiveBecome(b);
    return this.pools.get(become ? `${become.method}:${become.user}` : '')?.size ?? 0;
  }

  private pool(b: BecomeOptions | false | undefined): ShellPool {
    const become = this.effectiveBecome(b);
    const key = become ? `${become.method}:${become.user}` : '';
    if (become) this.becomePasswords.set(key, become.password);
    let p = this.pools.get(key);
    if (!p) {
      const current = (): EffectiveBecome | undefined => become && { ...become, password: this.becomePasswords.get(key) };
      p = new ShellPool({
        session: {
          host: this.host,
          open: () => this.openShellFor(current()),
          lostReason: () => this.lost,
          onSend: (bytes) => {
            this.counters.commands++;
            this.counters.bytesSent += bytes;
          },
          onIdle: () => {
            if (this.limit.waiting > 0) this.evictIdleShell();
          },
        },
        openExtra: () => this.openExtraShell(current()),
        // one channel always stays for SFTP (or another identity)
        maxShells: Math.max(1, this.maxChannels - 1),
        growAfterMs: this.shellGrowAfterMs,
      });
      this.pools.set(key, p);
    }
    return p;
  }

  async run(cmd: string | string[], opts: RunOptions = {}): Promise<CommandResult> {
    const script = typeof cmd === 'string' ? cmd : shellJoin(cmd);
    const secrets = [...(opts.secrets ?? [])];
    if (opts.become && opts.become.password) secrets.push(opts.become.password);
    // a task already cut starts nothing (a running command is cut by its timeoutMs, capped at the task's deadline)
    if (opts.signal?.aborted) return { rc: 124, stdout: '', stderr: '', durationMs: 0, shown: maskSecrets(script, secrets), timedOut: true };
    const r = await this.pool(opts.become).exec({ script, argv: typeof cmd === 'string' ? undefined : cmd, env: opts.env, cwd: opts.cwd, stdin: opts.stdin, inline: opts.inline }, opts.timeoutMs);
    return { ...r, shown: maskSecrets(script, secrets) };
  }

  private async withSftp<T>(fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    this.sftpBusy++;
    try {
      return await fn(await this.sftp());
    } finally {
      this.sftpBusy--;
      if (this.sftpBusy === 0 && this.limit.waiting > 0) this.evictIdleShell();
    }
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= this.openSftp().catch((e: unknown) => {
      this.sftpChannel = undefined;
      throw e;
    });
    return this.sftpChannel;
  }

  private async openSftp(): Promise<SFTPWrapper> {
    const client = await this.transport();
    const limit = this.limit;
    if (limit.inUse >= limit.max) this.evictIdleShell();
    await limit.acquire();
    this.counters.channels++;
    return new Promise((resolve, reject) => {
      client.sftp((err, sftp) => {
        if (err) {
          limit.release();
          reject(new TsplayError('TSPLAY_CONNECTION', `cannot open SFTP on ${this.host}: ${err.message}`, { host: this.host }));
          return;
        }
        this.sftpOpen = sftp;
        sftp.on('close', () => {
          limit.release();
          if (this.sftpOpen !== sftp) return;
          this.sftpOpen = undefined;
          this.sftpChannel = undefined;
        });
        resolve(sftp);
      });
    });
  }

  private transferHost(): TransferHost {
    return {
      host: this.host,
      run: (cmd, opts) => this.run(cmd, opts),
      withSftp: (fn) => this.withSftp(fn),
      usesShellOnly: (b) => this.effectiveBecome(b) !== undefined,
      lostReason: () => this.lost,
      whileConnected: <T>(p: Promise<T>) => Promise.race([p, this.lostSignal]),
      countBytes: (n) => {
        this.counters.bytesSent += n;
      },
    };
  }

  put(content: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    return putFile(this.transferHost(), { content, remotePath, opts });
  }

  get(remotePath: string, opts: { become?: BecomeOptions | false } = {}): Promise<Buffer> {
    return getFile(this.transferHost(), remotePath, opts.become);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.lost = 'the connection was closed by tsplay';
    for (const p of this.pools.values()) p.abort(this.lost);
    this.pools.clear();
    this.sftpChannel = undefined;
    if (client) {
      await new Promise<void>((resolve) => {
        client.once('close', () => resolve());
        client.end();
        setTimeout(resolve, 1000).unref();
      });
    }
    this.ssh?.dispose();
  }

  stats(): ConnectionStats {
    return { ...this.counters };
  }
}
