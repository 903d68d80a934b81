/**
 * run_once on three real sshd hosts in two serial batches: one result per
 * batch in the NDJSON stream, counted for the first host of the batch, its
 * register and set_fact copied to the batch, its handler run on that host
 * only; and the same playbook run by ansible-playbook gives the same per-host
 * counts and files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../../helpers/sshd.js';
import type { SshdHarness } from '../../helpers/sshd.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { JsonRenderer } from '../../../engine/output/json.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { fileModules } from '../../../modules/files/index.js';
import { commandModules } from '../../../modules/commands/index.js';
import { utilityModules } from '../../../modules/utility/index.js';
import { ansibleSshdEnv, fileTree } from './ansible-ref.js';

for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

const ansibleAvailable = existsSync('/usr/bin/ansible-playbook');

const PLAYBOOK = `
- hosts: hosts
  gather_facts: false
  serial: 2
  vars:
    root: "{{ workdir }}/{{ flavour }}"
  tasks:
    - file: { path: "{{ root }}", state: directory, mode: "0755" }
    - name: leader note
      copy: { content: "leader {{ inventory_hostname }}\\n", dest: "{{ root }}/leader" }
      run_once: true
      register: leader
      notify: mark
    - name: pick
      set_fact: { leader_name: "{{ inventory_hostname }}" }
      run_once: true
    - name: everyone records the leader
      copy: { content: "{{ leader_name }} {{ leader.dest | basename }}\\n", dest: "{{ root }}/seen" }
    - name: delegated once
      command: echo delegated
      run_once: true
      delegate_to: "{{ groups['hosts'][2] }}"
      changed_when: false
    - name: fails once
      command: /bin/false
      run_once: true
      ignore_errors: true
  handlers:
    - name: mark
      copy: { content: "marked\\n", dest: "{{ root }}/marked" }
`;

type Stats = Record<string, Record<string, number>>;

describe.skipIf(!sshdAvailable())('run_once on real sshd hosts', () => {
  let sshd: SshdHarness;
  let dir: string;
  const name = (i: number): string => sshd.hosts[i]!.name;

  beforeAll(async () => {
    sshd = await startSshdHosts(3);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-run-once-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts', 'ansible_python_interpreter=/usr/bin/python3'));
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** runs tsplay with the NDJSON renderer; returns the parsed lines and the recap */
  async function runTsplay(flavour: string, check = false): Promise<{ events: RunEvent[]; stats: Stats }> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 });
    const stream = new PassThrough();
    let ndjson = '';
    stream.on('data', (d: Buffer) => (ndjson += d.toString()));
    const renderer = new JsonRenderer({ stream } as ConstructorParameters<typeof JsonRenderer>[0]);
    const summary = await runPlaybook({ playbook, inventory, check, extraVars: { flavour }, pool, emit: (e) => renderer.handle(e) });
    await renderer.close();
    const events = ndjson.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    return { events, stats: summary.stats as unknown as Stats };
  }

  function resultsOf(events: RunEvent[], task: string): string[] {
    return events.flatMap((e) => (e.type === 'host_result' && e.task.name === task ? [`${e.host}${e.delegatedTo ? `->${e.delegatedTo}` : ''}:${e.result.status}`] : []));
  }

  it('one result per batch in the NDJSON stream, counted for the host that ran', async () => {
    const { events, stats } = await runTsplay('tsplay');
    expect(resultsOf(events, 'leader note')).toEqual([`${name(0)}:changed`, `${name(2)}:changed`]);
    expect(resultsOf(events, 'delegated once')).toEqual([`${name(0)}->${name(2)}:ok`, `${name(2)}:ok`]);
    expect(resultsOf(events, 'fails once')).toEqual([`${name(0)}:ok`, `${name(2)}:ok`]);
    expect(resultsOf(events, 'mark')).toEqual([`${name(0)}:changed`, `${name(2)}:changed`]);
    expect(resultsOf(events, 'everyone records the leader')).toHaveLength(3);
    const recap = events.find((e) => e.type === 'recap');
    expect(recap).toBeDefined();
    // directory, leader, pick, seen, delegated, fails (ignored, a command counts changed), handler
    expect(stats[name(0)]).toMatchObject({ ok: 7, changed: 5, ignored: 1, failed: 0 });
    expect(stats[name(1)]).toMatchObject({ ok: 2, changed: 2, ignored: 0, failed: 0 });
    expect(stats[name(2)]).toMatchObject({ ok: 7, changed: 5, ignored: 1, failed: 0 });
    const root = (i: number): string => join(sshd.hosts[i]!.dir, 'tsplay');
    expect(readFileSync(join(root(1), 'seen'), 'utf8')).toBe(`${name(0)} leader\n`);
    expect(readFileSync(join(root(2), 'seen'), 'utf8')).toBe(`${name(2)} leader\n`);
    expect(existsSync(join(root(1), 'leader'))).toBe(false);
    expect(existsSync(join(root(1), 'marked'))).toBe(false);
  }, 60_000);

  it('--check: the same single results, nothing written', async () => {
    const { events } = await runTsplay('check', true);
    expect(resultsOf(events, 'leader note')).toEqual([`${name(0)}:changed`, `${name(2)}:changed`]);
    for (const h of sshd.hosts) expect(existsSync(join(h.dir, 'check'))).toBe(false);
  }, 60_000);

  it.skipIf(!ansibleAvailable)('same per-host counts and files as ansible-playbook', async () => {
    for (const round of ['first']) {
      const a = runAnsible();
      const t = (await runTsplay('tsplay-parity')).stats;
      for (const h of sshd.hosts) {
        const pick = (s: Record<string, number>) => ({ round, host: h.name, ok: s.ok, changed: s.changed, failed: s.failures ?? s.failed, ignored: s.ignored });
        expect(pick(t[h.name]!)).toEqual(pick(a[h.name]!));
        expect(fileTree(join(h.dir, 'tsplay-parity'))).toEqual(fileTree(join(h.dir, 'ansible')));
      }
    }
  }, 600_000);

  function runAnsible(): Stats {
    const r = spawnSync('ansible-playbook', ['-i', join(dir, 'hosts.ini'), join(dir, 'site.yml'), '-e', 'flavour=ansible'], {
      encoding: 'utf8',
      env: ansibleSshdEnv(dir, sshd.knownHostsPath, { ANSIBLE_PIPELINING: '1' }),
    });
    if (r.status !== 0 && r.status !== 2) throw new Error(`ansible-playbook exited ${r.status}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
    return (JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { stats: Stats }).stats;
  }
});
