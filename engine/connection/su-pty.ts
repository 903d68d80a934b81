/**
 * `become_method: su` with a password. su reads the password from its
 * terminal, so this one shell's channel gets a pty (sudo and password-less su
 * keep plain channels):
 *
 * 1. The channel opens with echo off (pty mode ECHO 0) and no output
 *    translation (OPOST 0), in canonical mode, which su's password read needs.
 * 2. When su prints its prompt (any of Ansible's localized su prompts), the
 *    password is written once, as one line. PAM sets the terminal up before
 *    it prints the prompt and flushes pending input after the read, so
 *    nothing is lost and nothing extra reaches the shell. A second prompt,
 *    or su exiting, means the password was rejected.
 * 3. Inside, as the become user: `stty raw -echo -iexten` (from here every
 *    byte we send reaches sh unchanged, and a line may be longer than the
 *    4 KB a canonical terminal keeps); the pty is saved as fd 9; fds 1 and 2
 *    become two deleted temporary files (append mode, also open for reading
 *    as 7 and 8, see marker.ts). Commands never write to the terminal, so
 *    they see no tty on stdout (no pagers, colours or progress bars) and
 *    their stdout and stderr stay apart. `setsid` detaches the shell from the
 *    terminal, so a command that opens /dev/tty fails as it would without a
 *    pty instead of reading our protocol.
 * 4. The ready marker and every command's markers are mergedMarkerLines: the
 *    two files are copied to the pty in order, each followed by its marker,
 *    then emptied; MarkerScanner.pushMerged splits the single stream back.
 *    Files rather than fifos or prefixed lines: a file keeps everything until
 *    the command has ended, so the order on the pty is exact (a background
 *    reader of a fifo would race the markers), binary output needs no
 *    escaping, and deleted files leave nothing behind however the shell ends.
 */
import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import { TsplayError } from '../errors.js';
import { ERR_READ_FD, mergedMarkerLines, OUT_READ_FD, PTY_FD } from './marker.js';
import { maskSecrets, shellQuote } from './types.js';

/**
 * the pty requested for a su shell: no echo, no output translation, canonical
 * input for the password, and no character of a password taken as a signal,
 * an erase or an end of file (255 never occurs in UTF-8)
 */
export const SU_PTY: PseudoTtyOptions = {
  term: 'dumb',
  rows: 24,
  cols: 200,
  modes: { ECHO: 0, ECHOE: 0, ECHOK: 0, ECHONL: 0, OPOST: 0, ISIG: 0, IEXTEN: 0, IXON: 0, VERASE: 255, VKILL: 255, VEOF: 255 },
};

/** su's password prompt in the locales Ansible knows (ansible.builtin.su's prompt_l10n) */
const SU_PROMPTS = [
  'Password', '암호', 'パスワード', 'Adgangskode', 'Contraseña', 'Contrasenya', 'Hasło', 'Heslo', 'Jelszó',
  'Lösenord', 'Mật khẩu', 'Mot de passe', 'Parola', 'Parool', 'Pasahitza', 'Passord', 'Passwort', 'Salasana',
  'Sandi', 'Senha', 'Wachtwoord', 'ססמה', 'Лозинка', 'Парола', 'Пароль', 'गुप्तशब्द', 'शब्दकूट', 'సంకేతపదము',
  'හස්පදය', '密码', '密碼', '口令',
];

/** a prompt at the very end of the output so far ("Password: ", "root's Password:", "Passwort：") */
const PROMPT_AT_END = new RegExp(`(?:^|\\s)(?:\\S+'s )?(?:${SU_PROMPTS.join('|')}) ?[:：]\\s*$`, 'iu');
const REJECTED = /authentication failure|incorrect password|sorry|permission denied/i;

export function isSuPrompt(outputSinceAnswer: string): boolean {
  return PROMPT_AT_END.test(outputSinceAnswer);
}

/** the script su runs as the become user (see steps 3 and 4 above) */
export function suPtyInner(marker: string): string {
  const ready = mergedMarkerLines(marker, 0, `"$$ $(cut -d' ' -f5 /proc/$$/stat 2>/dev/null)"`);
  return [
    'stty raw -echo -iexten || exit 1',
    'o=$(mktemp) && e=$(mktemp) || exit 1',
    `exec ${PTY_FD}>&1 >>"$o" 2>>"$e" ${OUT_READ_FD}<"$o" ${ERR_READ_FD}<"$e"`,
    'rm -f "$o" "$e"',
    `exec setsid -w sh -c ${shellQuote(`${ready}exec sh`)}`,
  ].join('\n');
}

/** the exec command of a su shell with a pty */
export function suPtyCommand(marker: string, user: string): string {
  return `exec su -s /bin/sh ${shellQuote(user)} -c ${shellQuote(suPtyInner(marker))}`;
}

export interface SuTarget {
  host: string;
  user: string;
  password: string;
}

/** what su printed, without the password and without blank lines (for errors) */
function shownOutput(t: SuTarget, output: string): string {
  return maskSecrets(output, [t.password]).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !isSuPrompt(l)).slice(-3).join(' / ');
}

/** su exited (or asked again) before the shell was ready */
export function suFailure(t: SuTarget, output: string): TsplayError {
  const said = shownOutput(t, output);
  if (REJECTED.test(said) || (isSuPrompt(output) && !said)) {
    return new TsplayError('TSPLAY_AUTH', `become (su to ${t.user}) failed on ${t.host}: password rejected${said ? ` (${said})` : ''}`, {
      host: t.host,
      hint: 'check ansible_become_password: su wants the password of the become user',
    });
  }
  return new TsplayError('TSPLAY_AUTH', `become (su to ${t.user}) failed on ${t.host}: ${said || 'su exited'}`, { host: t.host });
}

/**
 * Watches the pty output before the ready marker: writes the password at
 * su's first prompt, fails at a second one (su asks again on some systems
 * instead of exiting).
 */
export function suPromptWatcher(t: SuTarget, channel: ClientChannel, fail: (e: TsplayError) => void): (outputSoFar: string) => void {
  let answeredAt = -1;
  return (outputSoFar: string): void => {
    const since = answeredAt < 0 ? outputSoFar : outputSoFar.slice(answeredAt);
    if (!isSuPrompt(since)) return;
    if (answeredAt >= 0) {
      fail(suFailure(t, outputSoFar));
      return;
    }
    answeredAt = outputSoFar.length;
    channel.write(`${t.password}\n`);
  };
}
