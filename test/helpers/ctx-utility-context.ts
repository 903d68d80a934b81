/**
 * A test-only ModuleContext over a real connection (LocalConnection by
 * default), with rendering through a minimal nunjucks environment.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import nunjucks from 'nunjucks';
import { LocalConnection } from '../../engine/connection/local.js';
import type { Connection, RunOptions } from '../../engine/connection/types.js';
import { TsplayError } from '../../engine/errors.js';
import { ModuleFailure, type ModuleContext } from '../../engine/module-api.js';

export interface TestContextOptions {
  conn?: Connection;
  vars?: Record<string, unknown>;
  facts?: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  /** directory searched by findFile (files/, templates/, vars/ subfolders, then itself) */
  baseDir?: string;
  secrets?: string[];
}

export type TestContext = ModuleContext & { warnings: string[] };

const env = new nunjucks.Environment(undefined, { autoescape: false, throwOnUndefined: true });
env.addFilter('bool', (v: unknown) => v === true || ['yes', 'true', '1', 'on'].includes(String(v).toLowerCase()));
env.addFilter('int', (v: unknown) => parseInt(String(v), 10) || 0);

export function makeTestContext(opts: TestContextOptions = {}): TestContext {
  const conn = opts.conn ?? new LocalConnection('localhost');
  const secrets = opts.secrets ?? [];
  const warnings: string[] = [];
  const vars = opts.vars ?? {};
  const run = (cmd: string | string[], o: RunOptions = {}) => conn.run(cmd, { ...o, secrets: [...secrets, ...(o.secrets ?? [])] });
  return {
    host: conn.host,
    vars,
    facts: opts.facts ?? {},
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    noLog: false,
    become: false,
    conn,
    run,
    async runOk(cmd, o) {
      const res = await run(cmd, o);
      if (res.rc !== 0) throw new ModuleFailure(`command failed: ${res.shown} (rc ${res.rc}): ${res.stderr.trim()}`, { command: res });
      return res;
    },
    put: (content, path, o) => conn.put(content, path, o),
    get: (path) => conn.get(path),
    render: (template, extra) => env.renderString(template, { ...vars, ...(extra ?? {}) }),
    findFile(kind, path) {
      if (isAbsolute(path)) return path;
      const base = opts.baseDir ?? process.cwd();
      for (const candidate of [join(base, kind, path), join(base, path)]) if (existsSync(candidate)) return candidate;
      throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `cannot find ${kind} file ${path}`);
    },
    warn: (m) => warnings.push(m),
    secrets,
    warnings,
  };
}
