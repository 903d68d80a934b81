/**
 * Builds the text written to a session shell for one command. The user's
 * script runs as `sh -c SCRIPT` inside a subshell: cd and exports do not leak,
 * `$$` is the command's own shell (as with Ansible), and a script with a
 * syntax error (an unbalanced quote, a heredoc without its end) fails on its
 * own instead of swallowing the marker lines and wedging the session for the
 * rest of the run. (Inline `( SCRIPT )` or `eval` would save the exec of sh,
 * ~0.9 ms, but lose one of those.)
 */
import { TsplayError } from '../errors.js';
import { ERR_READ_FD, markerLines, mergedMarkerLines, OUT_READ_FD, PTY_FD } from './marker.js';
import { shellJoin, shellQuote } from './types.js';

export interface CommandSpec {
  script: string;
  /**
   * argv, when the command was given as one: exec'd directly (no `sh -c`,
   * which saves an exec, about 1 ms here); `script` is its shellJoin.
   */
  argv?: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string | Buffer;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** base64 lines of 76 characters: no line is ever the heredoc delimiter */
function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\n');
}

function subshell(spec: CommandSpec): string {
  const parts: string[] = [];
  if (spec.cwd) parts.push(`cd ${shellQuote(spec.cwd)}`);
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    if (!ENV_NAME.test(name)) {
      throw new TsplayError('TSPLAY_MODULE_ARGS', `invalid environment variable name ${JSON.stringify(name)}`, {
        hint: 'names are letters, digits and _ and do not start with a digit',
      });
    }
    parts.push(`export ${name}=${shellQuote(value)}`);
  }
  parts.push(spec.argv && spec.argv.length > 0 ? `exec ${shellJoin(spec.argv)}` : `exec sh -c ${shellQuote(spec.script)}`);
  return `( ${parts.join(' && ')} )`;
}

/**
 * How a shell's output comes back: `split` on the channel's stdout and stderr;
 * `merged` through a pty, framed by mergedMarkerLines.
 */
export type Framing = 'split' | 'merged';

/**
 * The full text for one command: the subshell, its stdin (from /dev/null, or
 * the data base64-encoded in a heredoc and decoded into a pipe), then the
 * end markers carrying $?. In a merged shell the command does not get the
 * pty's fd nor the shell's read handles of its output files.
 */
export function buildCommandText(spec: CommandSpec, marker: string, seq: number, framing: Framing = 'split'): string {
  const body = framing === 'merged' ? `${subshell(spec)} ${OUT_READ_FD}<&- ${ERR_READ_FD}<&- ${PTY_FD}>&-` : subshell(spec);
  let line: string;
  if (spec.stdin === undefined) {
    line = `${body} </dev/null\n`;
  } else {
    const data = typeof spec.stdin === 'string' ? Buffer.from(spec.stdin, 'utf8') : spec.stdin;
    const eof = `${marker}_EOF`;
    line = data.length === 0
      ? `${body} </dev/null\n`
      : `base64 -d <<'${eof}' | ${body}\n${base64Lines(data)}\n${eof}\n`;
  }
  return line + (framing === 'merged' ? mergedMarkerLines(marker, seq) : markerLines(marker, seq));
}
