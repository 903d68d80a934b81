/**
 * One round trip, many commands: a probe script runs each command with its
 * stdout and stderr captured apart and prints them base64-encoded under a
 * `@@ key rc` header. The parser is pure and tested on recorded output.
 */
import { shellQuote } from '../../engine/connection/types.js';
import { ModuleFailure, type ModuleContext } from '../../engine/module-api.js';

export interface Section {
  key: string;
  /** a POSIX shell command; its exit status is recorded */
  script: string;
}

export interface SectionResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export type SectionMap = Record<string, SectionResult>;

/**
 * The script: every section runs even when an earlier one failed. `prelude`
 * runs first in the same shell and may set variables the sections use.
 */
export function sectionsScript(sections: readonly Section[], prelude = ''): string {
  const lines = ['t=$(mktemp -d) || exit 70'];
  if (prelude) lines.push(prelude);
  for (const s of sections) {
    if (!/^[a-z0-9_.-]+$/i.test(s.key)) throw new Error(`bad section key ${s.key}`);
    lines.push(
      `( ${s.script}\n) >"$t/o" 2>"$t/e" </dev/null; rc=$?`,
      `printf '@@ %s %s\\n' ${shellQuote(s.key)} "$rc"`,
      `printf 'O '; base64 -w0 <"$t/o"; echo`,
      `printf 'E '; base64 -w0 <"$t/e"; echo`,
    );
  }
  lines.push('rm -rf "$t"', 'true');
  return lines.join('\n');
}

/** Parses the output of sectionsScript. */
export function parseSections(out: string): SectionMap {
  const map: SectionMap = {};
  let cur: SectionResult | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('@@ ')) {
      const [key = '', rc = '0'] = line.slice(3).trim().split(' ');
      cur = { rc: Number(rc), stdout: '', stderr: '' };
      map[key] = cur;
    } else if (cur && line.startsWith('O ')) cur.stdout = Buffer.from(line.slice(2).trim(), 'base64').toString('utf8');
    else if (cur && line.startsWith('E ')) cur.stderr = Buffer.from(line.slice(2).trim(), 'base64').toString('utf8');
  }
  return map;
}

/** Runs the sections in one command on the host. */
export async function runSections(ctx: ModuleContext, sections: readonly Section[], prelude = ''): Promise<SectionMap> {
  const r = await ctx.run(sectionsScript(sections, prelude));
  if (r.rc !== 0) throw new ModuleFailure(`probe failed (rc ${r.rc}): ${r.stderr.trim()}`, { command: r });
  return parseSections(r.stdout);
}

/** A section that was not printed (never happens with sectionsScript) reads as a failure. */
export function section(map: SectionMap, key: string): SectionResult {
  return map[key] ?? { rc: 127, stdout: '', stderr: `no output for ${key}` };
}

/** The last meaningful line of etcdctl/curl stderr ("Error: ..."), without the JSON warnings. */
export function lastError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('{"level"'));
  return lines.at(-1) ?? stderr.trim().split('\n').at(-1) ?? '';
}
