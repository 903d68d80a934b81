/**
 * Builds the text written to a session shell for one command. The user's
 * script runs as `sh -c SCRIPT` inside a subshell: cd and exports do not leak,
 * `$$` is the command's own shell (as with Ansible), and a script with a
 * syntax error (an unbalanced quote, a heredoc without its end) fails on its
 * own instead of swallowing the marker lines and wedging the session for the
 * rest of the run. A script the engine wrote itself (a probe, spec.inline)
 * runs inline instead, as `( SCRIPT )` or as a `{ SCRIPT }` group in the
 * session shell: that saves the exec of sh (~0.7 ms of host CPU per command,
 * about 18 per host in a no-op run of the bench playbook) and, for a group,
 * the fork (~0.15 ms); it is safe only because such a script is valid sh and
 * (for a group) changes no shell state, which user text cannot promise. Its
 * `$$` is the session shell's pid.
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
  /** an engine-written script that may run without `sh -c` (RunOptions.inline) */
  inline?: 'subshell' | 'group';
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** base64 lines of 76 characters: no line is ever the heredoc delimiter */
function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\n');
}

/**
 * Whether the script runs inline: not argv, not empty (an empty `{ }` is a
 * syntax error), and without stdin (a heredoc's body would start inside the
 * multi-line group, after its first newline).
 */
function inlineForm(spec: CommandSpec): 'subshell' | 'group' | undefined {
  if (!spec.inline || (spec.argv && spec.argv.length > 0) || spec.script.trim() === '') return undefined;
  return (spec.stdin?.length ?? 0) === 0 ? spec.inline : undefined;
}

/** the command without its stdin and markers: a subshell, or for an inline group the group itself */
function commandBody(spec: CommandSpec): string {
  const form = inlineForm(spec);
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
  if (form) {
    // the newline ends the script's last command even when it ends in a comment
    const group = `{ ${spec.script}\n}`;
    if (form === 'group' && parts.length === 0) return group;
    parts.push(group);
  } else {
    parts.push(spec.argv && spec.argv.length > 0 ? `exec ${shellJoin(spec.argv)}` : `exec sh -c ${shellQuote(spec.script)}`);
  }
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
  const body = framing === 'merged' ? `${commandBody(spec)} ${OUT_READ_FD}<&- ${ERR_READ_FD}<&- ${PTY_FD}>&-` : commandBody(spec);
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
