/** `tsplay role init`: the scaffold passes `tsplay check`, and nothing is ever overwritten. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldRole } from '../../../engine/extend/role-init.js';
import { checkPlaybook } from '../../../engine/playbook/index.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { Templar } from '../../../engine/vars/index.js';
import { parseYaml } from '../../../engine/yaml.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsplay-role-init-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const check = async (playbook: string, inventoryFile: string) =>
  checkPlaybook(playbook, { inventory: await loadInventory([inventoryFile]), templar: new Templar() });

describe('scaffoldRole', () => {
  it('writes the Ansible layout with an argument spec, a README and a test playbook', () => {
    const { roleDir, files } = scaffoldRole({ name: 'webapp', path: join(root, 'roles') });
    expect(roleDir).toBe(join(root, 'roles', 'webapp'));
    for (const f of ['tasks/main.yml', 'handlers/main.yml', 'defaults/main.yml', 'vars/main.yml', 'meta/main.yml', 'meta/argument_specs.yml', 'README.md', 'tests/test.yml', 'tests/inventory', 'templates/webapp.conf.j2', 'files/.gitkeep']) {
      expect(files).toContain(f);
      expect(existsSync(join(roleDir, f))).toBe(true);
    }
    const spec = parseYaml(readFileSync(join(roleDir, 'meta/argument_specs.yml'), 'utf8'), 'spec').value as { argument_specs: { main: { options: Record<string, unknown> } } };
    expect(Object.keys(spec.argument_specs.main.options)).toEqual(['webapp_config_dir', 'webapp_settings']);
  });

  it('its test playbook passes the static check', async () => {
    const roleDir = join(root, 'roles', 'webapp');
    expect(await check(join(roleDir, 'tests/test.yml'), join(roleDir, 'tests/inventory'))).toEqual([]);
  });

  it('the argument spec is enforced where the role is used', async () => {
    const roleDir = join(root, 'roles', 'webapp');
    const bad = join(roleDir, 'tests', 'bad.yml');
    writeFileSync(bad, '- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: ../../webapp\n      webapp_settings: [not, a, dict]\n      webapp_confdir: /tmp/x\n');
    const problems = await check(bad, join(roleDir, 'tests/inventory'));
    expect(problems.map((p) => `${p.code} ${p.source?.line}:${p.source?.col} ${p.message}`)).toEqual([
      expect.stringMatching(/^TSPLAY_ROLE_ARGS 5:\d+ .*webapp_settings' must be of type dict/),
      expect.stringMatching(/^TSPLAY_ROLE_ARGS 6:7 .*unknown argument 'webapp_confdir'.*did you mean 'webapp_config_dir'/),
    ]);
  });

  it('refuses to overwrite an existing role, and rejects names that are not variable prefixes', () => {
    const readme = join(root, 'roles', 'webapp', 'README.md');
    writeFileSync(readme, 'mine');
    expect(() => scaffoldRole({ name: 'webapp', path: join(root, 'roles') })).toThrow(/already exists; nothing was written/);
    expect(readFileSync(readme, 'utf8')).toBe('mine');
    for (const name of ['Web', 'web-app', '1web', '../x', '']) expect(() => scaffoldRole({ name, path: join(root, 'roles') })).toThrow(/invalid role name/);
  });
});
