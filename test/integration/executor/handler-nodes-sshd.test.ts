/**
 * Handlers that are a block, an import_tasks and an include_tasks (with
 * listen), on two real sshd hosts: the files they write, once per host.
 * (parity-run-once-handlers.test.ts compares these shapes with ansible-playbook.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdHosts, sshdAvailable } from '../../helpers/sshd.js';
import type { SshdHarness } from '../../helpers/sshd.js';
import { runPlaybook } from '../../../engine/executor/index.js';
import { ConnectionPool } from '../../../engine/connection/index.js';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { fileModules } from '../../../modules/files/index.js';
import { commandModules } from '../../../modules/commands/index.js';
import { utilityModules } from '../../../modules/utility/index.js';
import { fileTree } from './ansible-ref.js';

for (const m of [...fileModules, ...commandModules, ...utilityModules]) if (!getModule(m.name)) registerModule(m);

const PLAYBOOK = `
- hosts: hosts
  gather_facts: false
  vars:
    root: "{{ workdir }}/{{ flavour }}"
  tasks:
    - file: { path: "{{ root }}", state: directory, mode: "0755" }
    - name: config
      copy: { content: "config\\n", dest: "{{ root }}/config" }
      notify: [write b, imported one, reload topic]
    - name: other config
      copy: { content: "other\\n", dest: "{{ root }}/other" }
      notify: reload everything
  handlers:
    - block:
        - name: write a
          copy: { content: "a\\n", dest: "{{ root }}/a" }
        - name: write b
          copy: { content: "b {{ inventory_hostname }}\\n", dest: "{{ root }}/b" }
    - import_tasks: imported.yml
    - name: reload everything
      include_tasks: reload.yml
      listen: reload topic
`;

const IMPORTED = `
- name: imported one
  shell: echo one >> {{ root }}/imported
- name: imported two
  shell: echo two >> {{ root }}/imported
`;

const RELOAD = `
- name: reload step
  shell: echo reload >> {{ root }}/reloads
- name: after reload
  copy: { content: "after\\n", dest: "{{ root }}/after" }
`;

type Stats = Record<string, Record<string, number>>;

describe.skipIf(!sshdAvailable())('handler blocks and includes on real sshd hosts', () => {
  let sshd: SshdHarness;
  let dir: string;

  beforeAll(async () => {
    sshd = await startSshdHosts(2);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-handler-nodes-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'imported.yml'), IMPORTED);
    writeFileSync(join(dir, 'reload.yml'), RELOAD);
    writeFileSync(join(dir, 'hosts.ini'), sshd.inventoryIni('hosts'));
  });

  afterAll(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runTsplay(flavour: string): Promise<{ events: RunEvent[]; stats: Stats }> {
    const playbook = await loadPlaybook(join(dir, 'site.yml'));
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    const pool = new ConnectionPool({ hostKeyChecking: true, knownHostsFiles: [sshd.knownHostsPath], connectTimeoutMs: 10_000 });
    const events: RunEvent[] = [];
    const summary = await runPlaybook({ playbook, inventory, extraVars: { flavour }, pool, emit: (e) => events.push(e) });
    return { events, stats: summary.stats as unknown as Stats };
  }

  it('each notified handler runs once per host; the include_tasks handler runs its whole file once', async () => {
    const { events, stats } = await runTsplay('tsplay');
    for (const h of sshd.hosts) {
      const files = fileTree(join(h.dir, 'tsplay'));
      expect(files).toMatchObject({ b: `644 b ${h.name}\n`, imported: '644 one\n', reloads: '644 reload\n', after: '644 after\n' });
      expect(files.a).toBeUndefined();
      // directory, 2 copies; handlers: write b, imported one, the include (ok), reload step, after reload
      expect(stats[h.name]).toMatchObject({ ok: 8, changed: 7, failed: 0 });
    }
    const handlerTasks = events.flatMap((e) => (e.type === 'task_start' && e.handler ? [e.task.name] : []));
    expect(handlerTasks).toEqual(['write b', 'imported one', 'reload everything', 'reload step', 'after reload']);
  }, 60_000);
});
