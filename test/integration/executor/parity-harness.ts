/**
 * Runs one playbook with ansible-playbook and with tsplay on local-connection
 * hosts (h1, h2 by default) and returns, for each, the recap counts and the
 * debug messages as "task|host|msg" lines (sorted: hosts finish in any order).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runPlaybook } from '../../../engine/executor/index.js';
import type { RunPlaybookOptions } from '../../../engine/executor/index.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { fileModules } from '../../../modules/files/index.js';
import { commandModules } from '../../../modules/commands/index.js';
import { utilityModules } from '../../../modules/utility/index.js';

for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

export const ansibleAvailable = existsSync('/usr/bin/ansible-playbook');

export interface Outcome {
  stats: Record<string, { ok: number; changed: number; failed: number; skipped: number; rescued: number; ignored: number; unreachable: number }>;
  debug: string[];
}

export interface ParityCase {
  playbook: string;
  inventory?: string;
  files?: Record<string, string>;
  /** extra ansible-playbook arguments (and the same options to tsplay) */
  args?: string[];
  tsplay?: Partial<Omit<RunPlaybookOptions, 'playbook' | 'inventory' | 'emit' | 'pool'>>;
}

const LOCAL_INVENTORY = '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\nh2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';

export function caseDir(c: ParityCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-parity-'));
  writeFileSync(join(dir, 'site.yml'), c.playbook);
  writeFileSync(join(dir, 'hosts.ini'), c.inventory ?? LOCAL_INVENTORY);
  for (const [name, text] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface AnsibleJson {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { msg?: unknown; action?: string; results?: { msg?: unknown; skipped?: boolean }[] }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

export function runAnsible(dir: string, c: ParityCase): Outcome {
  const r = spawnSync('ansible-playbook', ['-i', join(dir, 'hosts.ini'), join(dir, 'site.yml'), ...(c.args ?? [])], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'), ANSIBLE_RETRY_FILES_ENABLED: '0' },
  });
  if (r.status !== 0 && r.status !== 2) throw new Error(`ansible-playbook exited ${r.status}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AnsibleJson;
  const debug: string[] = [];
  for (const play of json.plays) {
    for (const t of play.tasks) {
      for (const [host, res] of Object.entries(t.hosts)) {
        // the json callback names role tasks "role : task"; tsplay's events name the task alone
        if (res.action !== 'debug' && res.action !== 'ansible.builtin.debug') continue;
        const name = t.task.name.replace(/^[\w.-]+ : /, '');
        // a looped debug: one message per item that ran
        if (res.results) for (const r of res.results) debug.push(...(r.skipped ? [] : [`${name}|${host}|${show(r.msg)}`]));
        else debug.push(`${name}|${host}|${show(res.msg)}`);
      }
    }
  }
  const stats: Outcome['stats'] = {};
  for (const [h, s] of Object.entries(json.stats)) {
    stats[h] = { ok: s.ok!, changed: s.changed!, failed: s.failures!, skipped: s.skipped!, rescued: s.rescued!, ignored: s.ignored!, unreachable: s.unreachable! };
  }
  return { stats, debug: debug.sort() };
}

export async function runTsplay(dir: string, c: ParityCase): Promise<Outcome> {
  const playbook = await loadPlaybook(join(dir, 'site.yml'));
  const inventory = await loadInventory([join(dir, 'hosts.ini')]);
  const pool = new ConnectionPool({ hostKeyChecking: false, knownHostsFiles: [], connectTimeoutMs: 10_000 });
  const debug: string[] = [];
  const summary = await runPlaybook({
    ...(c.tsplay ?? {}),
    playbook,
    inventory,
    pool,
    emit: (e) => {
      if (e.type !== 'item_result' && e.type !== 'host_result') return;
      if (e.task.module !== 'debug' || e.result.status === 'skipped') return;
      // a looped debug: one message per item (item_result), none for the whole task
      if (e.type === 'item_result' || !e.result.results) debug.push(`${e.task.name}|${e.host}|${show(e.result.data.msg)}`);
    },
  });
  await pool.closeAll();
  const stats: Outcome['stats'] = {};
  for (const [h, s] of Object.entries(summary.stats)) {
    stats[h] = { ok: s.ok, changed: s.changed, failed: s.failed, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored, unreachable: s.unreachable };
  }
  return { stats, debug: debug.sort() };
}

function show(msg: unknown): string {
  return typeof msg === 'string' ? msg : JSON.stringify(msg);
}
