/**
 * put/get over a connection's shells and SFTP. Writes are atomic: the data
 * goes to a temporary file in the target's directory, its size is checked,
 * mode/owner/group are applied, then `mv -f` renames it over the target. A
 * transfer cut half way leaves the target absent or intact, and its temporary
 * file behind: the next successful write of the same target removes such
 * files once nothing has written to them for STALE_TEMP_MINUTES (a transfer
 * still running keeps its file's mtime fresh).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { TsplayError } from '../errors.js';
import type { BecomeOptions, CommandResult, PutOptions, RunOptions } from './types.js';
import { shellQuote } from './types.js';

/** below this, content travels inline through the shell (base64) */
export const INLINE_LIMIT = 64 * 1024;

export interface TransferHost {
  host: string;
  run(cmd: string, opts: RunOptions): Promise<CommandResult>;
  /** runs fn on the connection's SFTP channel (opened lazily, reused); never evicted while fn runs */
  withSftp<T>(fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T>;
  /** true when the data must go through a become shell (SFTP would write as the login user) */
  usesShellOnly(become: BecomeOptions | false | undefined): boolean;
  lostReason(): string | undefined;
  /** rejects with TSPLAY_CONNECTION if the transport goes away first */
  whileConnected<T>(p: Promise<T>): Promise<T>;
  countBytes(n: number): void;
}

export interface PutRequest {
  content: string | Buffer;
  remotePath: string;
  opts: PutOptions;
}

/** a temporary file untouched this long belongs to a cut transfer */
export const STALE_TEMP_MINUTES = 5;

export function tempPathFor(remotePath: string): string {
  const dir = posix.dirname(remotePath);
  return posix.join(dir, `.${posix.basename(remotePath)}.tsplay-${randomBytes(6).toString('hex')}.tmp`);
}

/** find(1) -name pattern for exactly tempPathFor's names of this target (its own glob characters escaped) */
export function staleTempPattern(remotePath: string): string {
  const base = posix.basename(remotePath).replace(/[\\*?[\]]/g, '\\$&');
  return `.${base}.tsplay-${'[0-9a-f]'.repeat(12)}.tmp`;
}

/** removes this target's temp files left by earlier cut transfers; never fails the write */
function staleTempCleanup(remotePath: string): string {
  const dir = posix.dirname(remotePath);
  const start = dir.startsWith('/') ? dir : `./${dir}`; // a directory named -x is not an option
  const name = shellQuote(staleTempPattern(remotePath));
  return `find ${shellQuote(start)} -maxdepth 1 -type f -name ${name} -mmin +${STALE_TEMP_MINUTES} -exec rm -f {} + 2>/dev/null; true`;
}

/** checks size, applies attributes (or the old file's), renames; removes the temp file on any failure */
export function finishScript(tmp: string, remotePath: string, size: number, opts: PutOptions): string {
  const q = shellQuote;
  const attrs: string[] = [];
  if (!opts.mode || !(opts.owner || opts.group)) {
    // keep what the replaced file had; a new file gets the usual 0666 & ~umask
    attrs.push(
      'if [ -e "$p" ]; then chown --reference="$p" "$t" 2>/dev/null; chmod --reference="$p" "$t"; ' +
        'else chmod "$(printf %o $((0666 & ~0$u)))" "$t"; fi',
    );
  }
  if (opts.owner || opts.group) attrs.push(`chown ${q(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} "$t"`);
  if (opts.mode) attrs.push(`chmod ${q(opts.mode)} "$t"`);
  return [
    `t=${q(tmp)}; p=${q(remotePath)}`,
    'fail() { rc=$?; rm -f "$t"; exit $rc; }',
    `[ "$(wc -c < "$t")" -eq ${size} ] || { echo "short write: $t" >&2; false; } || fail`,
    '[ ! -d "$p" ] || { echo "$p is a directory" >&2; false; } || fail',
    ...attrs.map((a) => `{ ${a}; } || fail`),
    'mv -f "$t" "$p" || fail',
    staleTempCleanup(remotePath),
  ].join('\n');
}

function failure(host: TransferHost, what: string, r: CommandResult): TsplayError {
  const tail = r.stderr.trim().split('\n').slice(-3).join(' / ');
  const code = /No such file|not found/i.test(r.stderr) ? 'TSPLAY_FILE_NOT_FOUND' : 'TSPLAY_COMMAND_FAILED';
  return new TsplayError(code, `${what} on ${host.host} failed (rc ${r.rc}): ${tail || 'no error output'}`, { host: host.host });
}

function sftpError(host: TransferHost, what: string, e: unknown): TsplayError {
  const msg = e instanceof Error ? e.message : String(e);
  const lost = host.lostReason();
  if (lost || /No response|closed|ECONNRESET|Not connected|EPIPE/i.test(msg)) {
    return new TsplayError('TSPLAY_CONNECTION', `connection to ${host.host} lost during ${what}: ${lost ?? msg}`, { host: host.host });
  }
  return new TsplayError('TSPLAY_COMMAND_FAILED', `${what} on ${host.host} failed: ${msg}`, { host: host.host });
}

function sftpWrite(sftp: SFTPWrapper, path: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = sftp.createWriteStream(path, { mode: 0o600 });
    ws.on('error', reject);
    ws.on('close', () => resolve());
    ws.end(data);
  });
}

export async function putFile(host: TransferHost, req: PutRequest): Promise<void> {
  const data = typeof req.content === 'string' ? Buffer.from(req.content, 'utf8') : req.content;
  const tmp = tempPathFor(req.remotePath);
  const finish = finishScript(tmp, req.remotePath, data.length, req.opts);
  const become = req.opts.become;
  let r: CommandResult;
  if (data.length < INLINE_LIMIT || host.usesShellOnly(become)) {
    const script = `u=$(umask); umask 077\ncat > ${shellQuote(tmp)} || { rm -f ${shellQuote(tmp)}; exit 1; }\n${finish}`;
    r = await host.run(script, { stdin: data, become });
  } else {
    try {
      await host.withSftp((sftp) => host.whileConnected(sftpWrite(sftp, tmp, data)));
      host.countBytes(data.length);
    } catch (e) {
      if (e instanceof TsplayError) throw e;
      throw sftpError(host, `writing ${req.remotePath}`, e);
    }
    r = await host.run(`u=$(umask)\n${finish}`, { become });
  }
  if (r.rc !== 0) throw failure(host, `writing ${req.remotePath}`, r);
}

function sftpRead(sftp: SFTPWrapper, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sftp.readFile(path, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

export async function getFile(host: TransferHost, remotePath: string, become: BecomeOptions | false | undefined): Promise<Buffer> {
  const inline = host.usesShellOnly(become) ? 'true' : `[ "$s" -lt ${INLINE_LIMIT} ]`;
  const script = `p=${shellQuote(remotePath)}; s=$(wc -c < "$p") || exit 1; echo "$s"; if ${inline}; then base64 < "$p"; fi`;
  const r = await host.run(script, { become });
  if (r.rc !== 0) throw failure(host, `reading ${remotePath}`, r);
  const nl = r.stdout.indexOf('\n');
  const size = Number(r.stdout.slice(0, nl).trim());
  const body = r.stdout.slice(nl + 1);
  let data: Buffer;
  if (body.trim() || size === 0) {
    data = Buffer.from(body, 'base64');
  } else {
    try {
      data = await host.withSftp((sftp) => host.whileConnected(sftpRead(sftp, remotePath)));
    } catch (e) {
      if (e instanceof TsplayError) throw e;
      throw sftpError(host, `reading ${remotePath}`, e);
    }
  }
  if (data.length !== size) {
    throw new TsplayError('TSPLAY_COMMAND_FAILED', `reading ${remotePath} on ${host.host}: expected ${size} bytes, got ${data.length} (file changed while read?)`, { host: host.host });
  }
  return data;
}
