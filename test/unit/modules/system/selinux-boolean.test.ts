import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSebooleanProbe, seboolean, type SebooleanParams } from '../../../../modules/system/selinux-boolean.js';
import { FakeHost, runSys, withDefaults } from './fake-host.js';

// getenforce / getsebool / semanage boolean -l -n in the formats of RHEL 9 hosts
const ENF = readFileSync(new URL('../../../fixtures/system/seboolean-rhel9-enforcing.txt', import.meta.url), 'utf8');
const DIS = readFileSync(new URL('../../../fixtures/system/seboolean-rhel9-disabled.txt', import.meta.url), 'utf8');
const pc = { host: 'rhel1', check: false, diff: true, noLog: false };
const p = (x: Record<string, unknown>) => withDefaults<SebooleanParams>(seboolean, x);
const N = 'haproxy_connect_any';

describe('selinux_boolean', () => {
  it('parses getenforce, getsebool and the persistent value', () => {
    expect(parseSebooleanProbe(ENF, N)).toEqual({ mode: 'Enforcing', current: false, persistent: false, error: undefined });
    expect(parseSebooleanProbe('@@mode\nPermissive\n@@bool\nError getting active value for nosuch\n@@persistent\n@@end\n', 'nosuch')).toMatchObject({ current: undefined, error: 'Error getting active value for nosuch' });
    expect(parseSebooleanProbe(DIS, N).mode).toBe('Disabled');
  });
  it('plans setsebool now and persistently, and nothing once set', () => {
    const f = parseSebooleanProbe(ENF, N);
    expect(seboolean.plan(p({ name: N, state: true, persistent: true }), f, pc).changes).toEqual([`set ${N} off -> on`, `make ${N}=on persistent (was off)`]);
    expect(seboolean.plan(p({ name: N, state: 'off', persistent: true }), f, pc).changes).toEqual([]);
    const after = { ...f, current: true, persistent: true };
    expect(seboolean.plan(p({ name: N, state: true, persistent: true }), after, pc).changes).toEqual([]);
    expect(seboolean.plan(p({ name: N, state: true, persistent: true }), { ...f, current: true }, pc).changes).toEqual([`make ${N}=on persistent (was off)`]);
    expect(() => seboolean.plan(p({ name: 'nosuch', state: true }), parseSebooleanProbe('@@mode\nEnforcing\n@@bool\nError getting active value for nosuch\n@@end\n', 'nosuch'), pc)).toThrow(/cannot be read/);
  });
  it('fails on a host without SELinux, or is skipped with ignore_selinux_state', () => {
    const f = parseSebooleanProbe(DIS, N);
    expect(() => seboolean.plan(p({ name: N, state: true }), f, pc)).toThrow('SELinux is disabled on rhel1');
    expect(seboolean.plan(p({ name: N, state: true, ignore_selinux_state: true }), f, pc)).toEqual({ changes: [], skipped: 'SELinux is disabled on rhel1' });
  });
  it('check mode probes only; apply runs setsebool -P', async () => {
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-seboolean-probe' ? ENF : undefined));
    expect((await runSys(seboolean, { name: N, state: true, persistent: true }, h, { check: true })).changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    await runSys(seboolean, { name: N, state: true, persistent: true }, h);
    expect(h.calls.at(-1)!.argv).toEqual(['setsebool', '-P', N, 'on']);
  });
  it('refuses names that are not boolean names', () => {
    expect(() => p({ name: 'a;reboot', state: true })).toThrow(/invalid params/);
  });
});
