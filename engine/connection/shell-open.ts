/**
 * Starts one persistent shell on its own exec channel and waits for its ready
 * marker (seq 0), which carries the shell's pid and process group: after a
 * timeout the whole group is killed from a fresh shell.
 * For sudo the prompt is a per-session nonce, so tsplay knows when sudo asks
 * for the password (and writes it on stdin only then) and when it asks again
 * (the password was rejected). su with a password gets a pty: see su-pty.ts.
 */
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { TsplayError } from '../errors.js';
import type { Framing } from './command-script.js';
import { markerLines, MarkerScanner } from './marker.js';
import { isSuPrompt, suFailure, suPromptWatcher } from './su-pty.js';
import { maskSecrets, shellQuote } from './types.js';

export interface OpenedShell {
  channel: ClientChannel;
  marker: string;
  pid: number;
  pgid: number;
  /** how this shell's output comes back (merged: through a pty) */
  framing: Framing;
}

export interface ShellLaunch {
  host: string;
  marker: string;
  /** the exec request's command */
  command: string;
  /** written on stdin once the channel is open (plain shells) */
  handshake?: string;
  become?: { user: string; method: 'sudo' | 'su'; password?: string; prompt?: string };
  /** a pty for the channel (su with a password); the output is then merged */
  pty?: PseudoTtyOptions;
  /** deadline for the ready marker, counted from when the channel is granted (not from the connect) */
  timeoutMs: number;
}

/** `printf` lines that announce "$$ pgid" as the seq-0 marker */
export function readyLines(marker: string): string {
  return markerLines(marker, 0, `"$$ $(cut -d' ' -f5 /proc/$$/stat 2>/dev/null)"`);
}

/** exec command for a become shell; the handshake runs inside the target user's sh */
export function becomeCommand(marker: string, user: string, method: 'sudo' | 'su', prompt: string): string {
  const inner = `${readyLines(marker)}exec sh`;
  if (method === 'su') return `exec su -s /bin/sh ${shellQuote(user)} -c ${shellQuote(inner)}`;
  return `exec sudo -S -p ${shellQuote(prompt)} -u ${shellQuote(user)} -- sh -c ${shellQuote(inner)}`;
}

function execChannel(client: Client, launch: ShellLaunch): Promise<ClientChannel> {
  const { command, host } = launch;
  return new Promise((resolve, reject) => {
    client.exec(command, launch.pty ? { pty: launch.pty } : {}, (err, channel) => {
      if (err) reject(new TsplayError('TSPLAY_CONNECTION', `cannot open a channel on ${host}: ${err.message}`, { host, cause: err }));
      else resolve(channel);
    });
  });
}

function countOf(text: string, needle: string): number {
  return needle ? text.split(needle).length - 1 : 0;
}

function becomeFailure(launch: ShellLaunch, stderr: string): TsplayError {
  const tail = maskSecrets(stderr, [launch.become?.password ?? '']).split('\n').filter((l) => l.trim()).slice(-3).join(' / ');
  const method = launch.become?.method ?? 'sudo';
  const hint = method === 'su' && !launch.become?.password ? 'su asks for a password unless connected as root: set ansible_become_password' : undefined;
  return new TsplayError('TSPLAY_AUTH', `become (${method} to ${launch.become?.user}) failed on ${launch.host}: ${tail || 'the shell exited'}`, {
    host: launch.host,
    hint,
  });
}

/** Watches sudo's stderr for its prompt: writes the password once, fails on a second prompt. */
function sudoPromptWatcher(launch: ShellLaunch, channel: ClientChannel, fail: (e: TsplayError) => void) {
  let answered = 0;
  return (stderrSoFar: string): void => {
    const prompt = launch.become?.prompt;
    if (!prompt) return;
    const asked = countOf(stderrSoFar, prompt);
    if (asked === 0 || asked === answered) return;
    const password = launch.become?.password;
    if (asked > 1 || /Sorry, try again|incorrect password/i.test(stderrSoFar)) {
      fail(new TsplayError('TSPLAY_AUTH', `become password rejected by sudo on ${launch.host}`, { host: launch.host }));
    } else if (password === undefined) {
      fail(new TsplayError('TSPLAY_AUTH', `sudo on ${launch.host} asks for a password and none is set`, {
        host: launch.host,
        hint: 'set ansible_become_password (or --ask-become-pass)',
      }));
    } else {
      answered = asked;
      channel.write(`${password}\n`);
    }
  };
}

/** what openShell watches while a shell starts: password prompts, and why it ended early */
interface StartWatch {
  onStdout(textSoFar: string): void;
  onStderr(textSoFar: string): void;
  failure(stdout: string, stderr: string): TsplayError;
}

function startWatch(launch: ShellLaunch, channel: ClientChannel, fail: (e: TsplayError) => void): StartWatch {
  const b = launch.become;
  if (launch.pty && b?.method === 'su' && b.password !== undefined) {
    const target = { host: launch.host, user: b.user, password: b.password };
    return { onStdout: suPromptWatcher(target, channel, fail), onStderr: () => undefined, failure: (out) => suFailure(target, out) };
  }
  // su without a pty reads a password from stdin when it wants one: fail at its prompt instead of waiting
  const suAsks = (err: string): void => {
    if (isSuPrompt(err)) fail(becomeFailure(launch, 'su asks for a password'));
  };
  return {
    onStdout: () => undefined,
    onStderr: b?.method === 'su' ? suAsks : sudoPromptWatcher(launch, channel, fail),
    failure: (_out, err) =>
      b ? becomeFailure(launch, err) : new TsplayError('TSPLAY_CONNECTION', `the shell on ${launch.host} exited at start: ${err.trim() || 'no output'}`, { host: launch.host }),
  };
}

export async function openShell(client: Client, launch: ShellLaunch): Promise<OpenedShell> {
  const channel = await execChannel(client, launch);
  const scanner = new MarkerScanner(launch.marker, 0);
  const framing: Framing = launch.pty ? 'merged' : 'split';
  const text = (): { out: string; err: string } => {
    const r = scanner.result();
    return { out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
  };
  return new Promise<OpenedShell>((resolve, reject) => {
    let settled = false;
    const finish = (e?: TsplayError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel.removeListener('data', onOut);
      channel.stderr.removeListener('data', onErr);
      channel.removeListener('close', onClose);
      if (e) {
        channel.close();
        reject(e);
        return;
      }
      const [pid, pgid] = scanner.result().tail.trim().split(/\s+/).map(Number);
      resolve({ channel, marker: launch.marker, pid: pid ?? NaN, pgid: pgid ?? NaN, framing });
    };
    const watch = startWatch(launch, channel, finish);
    const onOut = (d: Buffer): void => {
      if (framing === 'merged') scanner.pushMerged(d);
      else scanner.pushStdout(d);
      if (scanner.done()) finish();
      else watch.onStdout(text().out);
    };
    const onErr = (d: Buffer): void => {
      scanner.pushStderr(d);
      watch.onStderr(text().err);
      if (scanner.done()) finish();
    };
    const onClose = (): void => {
      const { out, err } = text();
      finish(watch.failure(out, err));
    };
    const timer = setTimeout(() => {
      finish(new TsplayError('TSPLAY_CONNECTION', `the shell on ${launch.host} did not start within ${launch.timeoutMs} ms`, { host: launch.host }));
    }, launch.timeoutMs);
    channel.on('data', onOut);
    channel.stderr.on('data', onErr);
    channel.on('close', onClose);
    if (launch.handshake) channel.write(launch.handshake);
  });
}
