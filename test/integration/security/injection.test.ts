/**
 * Shell injection: values with quotes, `$()`, backticks, newlines, `;`, `|`,
 * `&`, globs and `$VAR` reach commands as data in every module that builds
 * a command. Each case runs probe/plan/apply through a capturing fake
 * connection twice, with a harmless word and with the hostile value; the
 * shell structure of every command produced (words, operators, expansions,
 * see shell-shape.ts) must be the same. Refusing the value is also fine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellJoin, type CommandResult, type Connection, type RunOptions } from '../../../engine/connection/types.js';
import { ModuleFailure, type AnyModule, type ModuleContext } from '../../../engine/module-api.js';
import { coerceModuleArgs, validateModuleArgs } from '../../../engine/playbook/index.js';
import { getModule, listModules } from '../../../modules/registry.js';
import { CASES } from './injection-cases.js';
import { shellShape } from './shell-shape.js';

export const HOSTILE = `a'b"c $(touch /tmp/tsplay-pwned) \`id\`; x\ny|z&w*q $HOME {{ x }} --flag`;
/** the same length and the same slashes (paths split alike), nothing a shell would act on */
const HARMLESS = HOSTILE.replace(/[^A-Za-z0-9/._-]/g, '_');
const templatesDir = join(tmpdir(), 'tsplay-inj-templates');
mkdirSync(join(templatesDir, 'templates'), { recursive: true });
writeFileSync(join(templatesDir, 'templates', 'inj.j2'), 'static\n');

/** What the shell would do with a command: only the structure, not the words' text. */
function structure(cmd: string | string[]): string[] {
  if (Array.isArray(cmd)) {
    const script = /(^|\/)(ba|da)?sh$/.test(cmd[0] ?? '') && cmd[1] === '-c' ? cmd[2] : undefined;
    return script === undefined ? [`ARGV(${cmd.length})`] : shape(script);
  }
  return shape(cmd);
}

function shape(script: string): string[] {
  // a word's quoting differs between values; only what the shell would expand matters
  return shellShape(script).map((t) => (t.startsWith('W[') ? `W[${(t.match(/\$\(|`|\$\{|\$v|\$N|GLOB/g) ?? []).join(' ')}]` : t));
}

class Capture implements Connection {
  readonly host = 'inj1';
  readonly commands: (string | string[])[] = [];
  constructor(private readonly rc: number) {}
  async connect(): Promise<void> {}
  async run(cmd: string | string[]): Promise<CommandResult> {
    this.commands.push(cmd);
    return { rc: this.rc, stdout: '', stderr: '', durationMs: 0, shown: typeof cmd === 'string' ? cmd : shellJoin(cmd) };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer> {
    return Buffer.from('');
  }
  async close(): Promise<void> {}
  stats() {
    return { connections: 1, channels: 1, commands: this.commands.length, bytesSent: 0 };
  }
}

function context(conn: Capture): ModuleContext {
  const run = (cmd: string | string[], o?: RunOptions) => conn.run(cmd);
  return {
    host: conn.host, vars: {}, facts: { ansible_os_family: 'Debian', ansible_pkg_mgr: 'apt', ansible_service_mgr: 'systemd' }, check: false, diff: false, noLog: false, become: false, conn,
    run,
    async runOk(cmd, o) {
      const r = await run(cmd, o);
      if (r.rc !== 0) throw new ModuleFailure(`rc ${r.rc}`, { command: r });
      return r;
    },
    put: async () => undefined,
    get: async () => Buffer.from(''),
    render: (t) => t,
    findFile: (kind, p) => join(templatesDir, kind, p),
    warn: () => undefined,
    secrets: [],
    signal: AbortSignal.timeout(3000),
  };
}

interface Outcome {
  refused: boolean;
  commands: (string | string[])[];
}

async function drive(mod: AnyModule, raw: Record<string, unknown>, rc: number): Promise<Outcome> {
  const params = coerceModuleArgs(mod, raw);
  if (validateModuleArgs(mod.name, params, { file: 'inj', line: 1, col: 1 }).length > 0) return { refused: true, commands: [] };
  const conn = new Capture(rc);
  const ctx = context(conn);
  try {
    const facts = mod.probe ? await mod.probe(ctx, params) : undefined;
    const plan = mod.plan(params, facts, { host: ctx.host, check: false, diff: false, noLog: false });
    if (!plan.skipped && plan.changes.length > 0 && mod.apply) await mod.apply(ctx, params, plan);
  } catch {
    // a failing probe or apply is fine: what matters is the commands sent before
  }
  return { refused: false, commands: conn.commands };
}

describe('shell injection through module parameters', () => {
  it('the table covers every module that talks to the host', () => {
    const covered = new Set(CASES.map((c) => c.module));
    const exempt = new Set(['raw', 'wait_for_connection']); // raw is a shell line by design; no string parameter reaches a command
    const missing = listModules().filter((m) => !m.controllerOnly && !covered.has(m.name) && !exempt.has(m.name)).map((m) => m.name);
    expect(missing).toEqual([]);
  });

  const problems: string[] = [];
  /** module -> what its hostile cases did: 'refused', 'reached' (a command carried the value), 'silent' */
  const coverage = new Map<string, Set<string>>();
  const note = (module: string, what: string) => coverage.set(module, (coverage.get(module) ?? new Set()).add(what));
  it.each(CASES.map((c, i) => [`${c.module} #${i}`, c] as const))('%s: hostile values stay data', async (_label, c) => {
    const mod = getModule(c.module);
    if (!mod) return;
    for (const rc of [0, 1]) {
      const good = await drive(mod, c.params(HARMLESS), rc);
      const bad = await drive(mod, c.params(HOSTILE), rc);
      if (bad.refused) {
        note(c.module, 'refused');
        continue;
      }
      note(c.module, bad.commands.some((cmd) => JSON.stringify(cmd).includes('tsplay-pwned')) ? 'reached' : 'silent');
      expect(good.refused, `${c.module}: the harmless value was refused: ${JSON.stringify(c.params(HARMLESS))}`).toBe(false);
      const n = Math.min(good.commands.length, bad.commands.length);
      for (let k = 0; k < n; k++) {
        const same = JSON.stringify(structure(good.commands[k]!)) === JSON.stringify(structure(bad.commands[k]!));
        if (!same) problems.push(`${c.module} ${JSON.stringify(c.params('V'))} (rc ${rc}) command ${k}:\n${JSON.stringify(bad.commands[k])}`);
        expect(same, `${c.module}: the hostile value changed the shell structure of:\n${typeof bad.commands[k] === 'string' ? bad.commands[k] : JSON.stringify(bad.commands[k])}`).toBe(true);
      }
      expect(bad.commands.length, `${c.module}: the hostile value ran more commands`).toBeLessThanOrEqual(good.commands.length);
    }
  });

  it('the hostile value did reach commands (the table is not vacuous)', () => {
    const report = [...coverage].map(([m, w]) => `${m}: ${[...w].join('/')}`).sort();
    console.log(report.join('\n'));
    const reached = [...coverage].filter(([, w]) => w.has('reached')).map(([m]) => m);
    expect(reached.length, report.join('\n')).toBeGreaterThanOrEqual(25);
  });
});
