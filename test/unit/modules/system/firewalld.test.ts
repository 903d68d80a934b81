import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firewalld, planFirewalld, type FirewalldParams } from '../../../../modules/system/firewalld.js';
import { parseFirewalldProbe, parseListAll } from '../../../../modules/system/firewalld-probe.js';
import { FakeHost, HOSTILE, runSys, withDefaults } from './fake-host.js';

const fx = (n: string): string => readFileSync(new URL(`../../../fixtures/system/${n}`, import.meta.url), 'utf8');
const RT = fx('firewalld-list-all-runtime.txt');
const PERM = fx('firewalld-list-all-permanent.txt');
const RICH = 'rule family="ipv4" source address="10.0.0.0/8" port port="8008" protocol="tcp" accept';
const online = (rich = '') => `@@running\n1\n@@zone\npublic\n@@runtime\n${RT}@@permanent\n${PERM}${rich}@@end\n`;
const offline = `@@running\n0\n@@zone\npublic\n@@permanent\n${fx('firewalld-offline-list-all.txt')}@@end\n`;
const pc = { host: 'h1' };
const p = (x: Record<string, unknown>) => withDefaults<FirewalldParams>(firewalld, x);

describe('firewalld --list-all parser', () => {
  it('reads runtime and permanent views recorded on a bookworm lab host', () => {
    expect(parseListAll(RT)).toEqual({ zone: 'public', ports: ['5432/tcp', '6000-6010/udp'], services: ['dhcpv6-client', 'ssh'], sources: ['10.9.0.0/16'], interfaces: [], richRules: [RICH] });
    expect(parseListAll(PERM)).toMatchObject({ zone: 'public', ports: ['5432/tcp'], services: ['dhcpv6-client', 'http', 'ssh'], sources: [] });
    expect(parseListAll('Error: INVALID_ZONE: nosuch\n')).toEqual({ error: 'Error: INVALID_ZONE: nosuch' });
  });
  it('reads the RHEL 9 layout (interfaces, cockpit)', () => {
    expect(parseListAll(fx('firewalld-list-all-rhel9.txt'))).toMatchObject({ interfaces: ['eth0'], services: ['cockpit', 'dhcpv6-client', 'ssh'], ports: ['5432/tcp', '8008/tcp'], richRules: [] });
  });
  it('reads the probe: running, zone, rich rule answers, offline', () => {
    const f = parseFirewalldProbe(online('@@rich\nyes\nno\n'));
    expect(f).toMatchObject({ installed: true, running: true, zone: 'public', rich: { runtime: true, permanent: false } });
    const o = parseFirewalldProbe(offline);
    expect(o.running).toBe(false);
    expect(o.runtime).toBeUndefined();
    expect(parseFirewalldProbe('@@missing\n@@end\n').installed).toBe(false);
  });
});

describe('firewalld planner', () => {
  const f = parseFirewalldProbe(online());
  it('adds where missing: permanent + immediate touches both views only where needed', () => {
    expect(planFirewalld(p({ port: '5432/tcp', permanent: true, immediate: true, state: 'enabled' }), f, pc)).toEqual([]);
    expect(planFirewalld(p({ port: '6000-6010/udp', permanent: true, immediate: true, state: 'enabled' }), f, pc).map((s) => s.argv)).toEqual([
      ['firewall-cmd', '--permanent', '--zone', 'public', '--add-port=6000-6010/udp'],
    ]);
    expect(planFirewalld(p({ service: 'http', state: 'enabled' }), f, pc).map((s) => s.argv)).toEqual([['firewall-cmd', '--zone', 'public', '--add-service=http']]);
    expect(planFirewalld(p({ service: 'http', permanent: true, state: 'enabled' }), f, pc)).toEqual([]);
    expect(planFirewalld(p({ source: '10.9.0.0/16', state: 'disabled' }), f, pc).map((s) => s.desc)).toEqual(['remove source 10.9.0.0/16 from zone public (runtime)']);
    // bound elsewhere or not at all, an interface is moved into the zone
    expect(planFirewalld(p({ interface: 'eth1', state: 'enabled' }), f, pc).map((s) => s.argv)).toEqual([['firewall-cmd', '--zone', 'public', '--change-interface=eth1']]);
  });
  it('uses firewalld\'s own answer for rich rules', () => {
    const g = parseFirewalldProbe(online('@@rich\nyes\nno\n'));
    expect(planFirewalld(p({ rich_rule: RICH, permanent: true, immediate: true, state: 'enabled' }), g, pc).map((s) => s.argv)).toEqual([
      ['firewall-cmd', '--permanent', '--zone', 'public', `--add-rich-rule=${RICH}`],
    ]);
  });
  it('offline: permanent-only changes with firewall-offline-cmd, runtime changes refused', () => {
    const o = parseFirewalldProbe(offline);
    expect(planFirewalld(p({ port: '2379/tcp', permanent: true, state: 'enabled' }), o, pc).map((s) => s.argv)).toEqual([['firewall-offline-cmd', '--zone', 'public', '--add-port=2379/tcp']]);
    expect(() => planFirewalld(p({ port: '2379/tcp', permanent: true, immediate: true, state: 'enabled' }), o, pc)).toThrow(/firewalld is not running on h1/);
  });
  it('refuses bad ports, errors from firewall-cmd and hosts without firewalld', () => {
    expect(() => planFirewalld(p({ port: '5432', state: 'enabled' }), f, pc)).toThrow(/is not PORT\/PROTO/);
    expect(() => planFirewalld(p({ port: '5432/tcp', state: 'enabled' }), { ...f, error: 'Error: INVALID_ZONE: x' }, pc)).toThrow('firewall-cmd: Error: INVALID_ZONE: x');
    expect(() => planFirewalld(p({ service: '--panic-on', state: 'enabled' }), f, pc)).toThrow(/option/);
  });
});

describe('firewalld runs (scripted host)', () => {
  it('check mode probes only; hostile zone and rich rule reach the probe as data; changed then ok', async () => {
    let rt = RT;
    const h = new FakeHost((c) => {
      if (c.argv[3] === 'tsplay-firewalld-probe') return `@@running\n1\n@@zone\npublic\n@@runtime\n${rt}@@permanent\n${PERM}@@end\n`;
      if (c.argv[0] === 'firewall-cmd') rt = rt.replace('ports: 5432/tcp', 'ports: 2379/tcp 5432/tcp');
      return undefined;
    });
    const params = { port: '2379/tcp', state: 'enabled' };
    expect((await runSys(firewalld, params, h, { check: true })).changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    expect((await runSys(firewalld, params, h)).changed).toBe(true);
    expect((await runSys(firewalld, params, h)).changed).toBe(false);
    const h2 = new FakeHost(() => '@@missing\n@@end\n');
    await expect(runSys(firewalld, { zone: HOSTILE[1], rich_rule: HOSTILE[2], state: 'enabled' }, h2)).rejects.toThrow(/not installed/);
    expect(h2.calls[0]!.args).toEqual([HOSTILE[1], HOSTILE[2]]);
  });
});
