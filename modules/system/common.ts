/** Helpers shared by the system modules: one-round-trip scripts and their sectioned output. */
import type { CommandResult } from '../../engine/connection/types.js';
import type { ModuleContext } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';

/**
 * Runs a fixed sh script with user values as positional parameters ($1...),
 * so they reach the host as data, never as script text.
 */
export function runScript(ctx: ModuleContext, opts: { script: string; name: string; args?: string[]; env?: Record<string, string>; timeoutMs?: number }): Promise<CommandResult> {
  return ctx.run(['sh', '-c', opts.script, opts.name, ...(opts.args ?? [])], { env: opts.env, timeoutMs: opts.timeoutMs });
}

/** Splits output written as `@@name` marker lines followed by the section's text. */
export function splitSections(out: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let current: string | undefined;
  let buf: string[] = [];
  const flush = (): void => {
    if (current !== undefined) sections[current] = buf.join('\n');
  };
  for (const line of out.split('\n')) {
    const m = /^@@([a-z0-9_:-]+)$/i.exec(line);
    if (m) {
      flush();
      current = m[1]!;
      buf = [];
    } else if (current !== undefined) buf.push(line);
  }
  flush();
  return sections;
}

export function nonEmptyLines(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** The last `n` lines of a text, for failure messages. */
export function tail(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** Fails with the command's stderr (or stdout) tail attached. */
export function failCommand(what: string, res: CommandResult): never {
  const detail = tail(res.stderr.trim() || res.stdout.trim(), 15);
  throw new ModuleFailure(`${what} failed (rc ${res.rc})${detail ? `: ${detail}` : ''}`, { command: res });
}

/** A gathered fact (keys without the ansible_ prefix), when it is a non-empty string. */
export function factString(facts: Record<string, unknown>, key: string): string | undefined {
  const v = facts[key] ?? facts[`ansible_${key}`];
  return typeof v === 'string' && v !== '' && v !== 'unknown' ? v : undefined;
}

/** A list param given as a string (comma separated, like Ansible) or a list. */
export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v : v.split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** Names that would be read as options by the tools are refused. */
export function refuseOptionLike(kind: string, values: string[]): void {
  const bad = values.find((v) => v.startsWith('-'));
  if (bad !== undefined) throw new ModuleFailure(`${kind} ${JSON.stringify(bad)} starts with '-': it would be read as an option`);
}
