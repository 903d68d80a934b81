/**
 * The public API (`import ... from 'tsplay'`) is a deliberate list: a name
 * added or removed here is a decision, not an accident of a wildcard export.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../../engine/index.js';
import { ModuleFailure as InternalModuleFailure } from '../../../engine/module-api.js';

const EXPECTED = [
  'ExitCode',
  'LocalConnection',
  'ModuleFailure',
  'SshConnection',
  'Templar',
  'TsplayError',
  'TsplayErrors',
  'checkPlaybook',
  'createRenderer',
  'defineModule',
  'formatPos',
  'getModule',
  'isTsplayError',
  'listModules',
  'loadConfig',
  'loadCustomModules',
  'loadInventory',
  'loadPlaybook',
  'maskSecrets',
  'matchHosts',
  'playbookJsonSchema',
  'registerModule',
  'runPlaybook',
  'scaffoldRole',
  'shellJoin',
  'shellQuote',
  'toRegistered',
  'validateModuleArgs',
];

describe('public API', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });

  it('is the engine itself (ModuleFailure thrown by a custom module is the one the executor catches)', () => {
    expect(api.ModuleFailure).toBe(InternalModuleFailure);
    const mod = api.defineModule({ name: 'x', doc: { short: 'x' }, params: { type: 'object', properties: {} }, plan: () => ({ changes: [] }) });
    expect(mod.name).toBe('x');
  });

  it('runs a playbook end to end through the API, with the local connection', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-api-'));
    try {
      writeFileSync(join(dir, 'inv.ini'), 'localhost ansible_connection=local\n');
      writeFileSync(join(dir, 'pb.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { content: "hi\\n", dest: "${dir}/out.txt" }\n`);
      const inventory = await api.loadInventory([join(dir, 'inv.ini')]);
      expect(await api.checkPlaybook(join(dir, 'pb.yml'), { inventory })).toEqual([]);
      const playbook = await api.loadPlaybook(join(dir, 'pb.yml'));
      const events: api.RunEvent[] = [];
      const summary = await api.runPlaybook({ playbook, inventory, emit: (e) => events.push(e) });
      expect(summary.exitCode).toBe(0);
      expect(summary.stats.localhost).toMatchObject({ changed: 1, failed: 0 });
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hi\n');
      expect(events.some((e) => e.type === 'host_result' && e.result.status === 'changed')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
