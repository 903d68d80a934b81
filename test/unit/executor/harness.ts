/**
 * Executor test harness: fake modules registered in the real registry, a fake
 * connection pool, and YAML playbooks/inventories written to a temp dir and
 * loaded with the real loader, templar and inventory.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defineModule, ModuleFailure } from '../../../engine/module-api.js';
import type { Connection, CommandResult, RunOptions } from '../../../engine/connection/types.js';
import { TsplayError } from '../../../engine/errors.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { utilityModules } from '../../../modules/utility/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import type { RunPlaybookOptions, RunSummary, PoolLike } from '../../../engine/executor/index.js';
import type { RunEvent } from '../../../engine/output/events.js';

export interface Call {
  host: string;
  name: string;
  phase: 'probe' | 'apply';
  at: number;
}

export const calls: Call[] = [];
let active = 0;
export const concurrency = { max: 0 };
const counters = new Map<string, number>();

interface FakeParams {
  name?: string;
  changed?: boolean;
  fail?: boolean;
  msg?: string;
  sleep?: number;
  data?: Record<string, unknown>;
  unpredictable?: boolean;
  counter?: string;
}

const fakeSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'label recorded in calls' },
    changed: { type: 'boolean', description: 'plan a change' },
    fail: { type: 'boolean', description: 'fail in probe' },
    msg: { type: 'string', description: 'failure message' },
    sleep: { type: 'integer', description: 'ms to wait in probe' },
    data: { type: 'object', description: 'returned data' },
    unpredictable: { type: 'boolean', description: 'plan is unpredictable' },
    counter: { type: 'string', description: 'a per-host counter to bump, returned as count' },
  },
};

/** `fake`: opens the connection, records probe/apply calls. */
export const fakeModule = defineModule<FakeParams, { count?: number }>({
  name: 'fake',
  doc: { short: 'test module' },
  params: fakeSchema,
  async probe(ctx, p) {
    await ctx.run(['true']);
    calls.push({ host: ctx.host, name: p.name ?? '', phase: 'probe', at: Date.now() });
    active++;
    concurrency.max = Math.max(concurrency.max, active);
    try {
      if (p.sleep) await new Promise((r) => setTimeout(r, p.sleep));
    } finally {
      active--;
    }
    let count: number | undefined;
    if (p.counter) {
      const key = `${ctx.host}/${p.counter}`;
      count = (counters.get(key) ?? 0) + 1;
      counters.set(key, count);
    }
    if (p.fail) throw new ModuleFailure(p.msg ?? 'fake failure', { data: { count } });
    return { count };
  },
  plan(p, facts) {
    const data = { ...(p.data ?? {}), ...(facts.count !== undefined ? { count: facts.count } : {}) };
    if (!p.changed) return { changes: [], reason: 'nothing to do', data };
    const diff = [{ path: `/x/${p.name ?? ''}`, before: 'old\n', after: 'new\n' }];
    return { changes: [`change ${p.name ?? ''}`], data, diff, unpredictable: p.unpredictable ? 'cannot tell' : undefined };
  },
  async apply(ctx, p, plan) {
    calls.push({ host: ctx.host, name: p.name ?? '', phase: 'apply', at: Date.now() });
    if (p.msg === 'fail in apply') throw new ModuleFailure('apply failed');
    return { changed: true, data: plan.data };
  },
});

/** `fake_local`: controllerOnly, never opens a connection. */
export const fakeLocal = defineModule<FakeParams>({
  name: 'fake_local',
  controllerOnly: true,
  doc: { short: 'controller-only test module' },
  params: fakeSchema,
  plan(p) {
    return { changes: p.changed ? ['x'] : [], data: p.data ?? {} };
  },
});

registerModule(fakeModule);
registerModule(fakeLocal);
// until the registry lists the utility family itself
for (const m of utilityModules) if (!getModule(m.name)) registerModule(m);

/** the options of every command run, by host */
export const runOptions: { host: string; opts: RunOptions }[] = [];

class FakeConnection implements Connection {
  commands = 0;
  constructor(readonly host: string) {}
  async connect(): Promise<void> {}
  async run(cmd: string | string[], opts: RunOptions = {}): Promise<CommandResult> {
    this.commands++;
    runOptions.push({ host: this.host, opts });
    return { rc: 0, stdout: '', stderr: '', durationMs: 0, shown: Array.isArray(cmd) ? cmd.join(' ') : cmd };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer> {
    return Buffer.from('');
  }
  async close(): Promise<void> {}
  stats() {
    return { connections: 1, channels: 1, commands: this.commands, bytesSent: 0 };
  }
}

export class FakePool implements PoolLike {
  readonly opened = new Map<string, number>();
  readonly gets: { host: string; vars: Record<string, unknown> }[] = [];
  closed = 0;
  private conns = new Map<string, FakeConnection>();
  constructor(readonly unreachable = new Set<string>()) {}
  async get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    this.gets.push({ host, vars });
    if (this.unreachable.has(host)) throw new TsplayError('TSPLAY_CONNECTION', `cannot connect to ${host}: connection refused`, { host });
    let c = this.conns.get(host);
    if (!c) {
      c = new FakeConnection(host);
      this.conns.set(host, c);
      this.opened.set(host, (this.opened.get(host) ?? 0) + 1);
    }
    return c;
  }
  async closeAll(): Promise<void> {
    this.closed++;
    this.conns.clear();
  }
}

export interface Harness {
  summary: RunSummary;
  events: RunEvent[];
  pool: FakePool;
  /** host_result events as "task|host|status" */
  results: string[];
  dir: string;
}

export interface HarnessOptions extends Partial<Omit<RunPlaybookOptions, 'playbook' | 'inventory' | 'emit'>> {
  inventory?: string;
  files?: Record<string, string>;
  unreachable?: string[];
}

export const DEFAULT_INVENTORY = '[web]\nh1\nh2\nh3\n';

export function resetCalls(): void {
  calls.length = 0;
  runOptions.length = 0;
  concurrency.max = 0;
  counters.clear();
}

export async function runYaml(yaml: string, opts: HarnessOptions = {}): Promise<Harness> {
  resetCalls();
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-exec-'));
  writeFileSync(join(dir, 'site.yml'), yaml);
  writeFileSync(join(dir, 'hosts.ini'), opts.inventory ?? DEFAULT_INVENTORY);
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const playbook = await loadPlaybook(join(dir, 'site.yml'));
  const inventory = await loadInventory([join(dir, 'hosts.ini')]);
  const events: RunEvent[] = [];
  const pool = (opts.pool as FakePool | undefined) ?? new FakePool(new Set(opts.unreachable ?? []));
  const { files: _f, unreachable: _u, inventory: _i, ...rest } = opts;
  const summary = await runPlaybook({ ...rest, playbook, inventory, pool, emit: (e) => events.push(e) });
  const results = events.flatMap((e) => (e.type === 'host_result' ? [`${e.task.name}|${e.host}|${e.result.status}`] : []));
  return { summary, events, pool, results, dir };
}

export function eventsOf<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

export function probeOrder(): string[] {
  return calls.filter((c) => c.phase === 'probe').map((c) => `${c.name}@${c.host}`);
}
