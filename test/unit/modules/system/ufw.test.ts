import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { desiredTuples, planUfw, ruleArgv, ufw, type UfwParams } from '../../../../modules/system/ufw.js';
import { parseTuple, parseUfwProbe } from '../../../../modules/system/ufw-rules.js';
import { FakeHost, HOSTILE, runSys, withDefaults } from './fake-host.js';

const fx = (n: string): string => readFileSync(new URL(`../../../fixtures/system/${n}`, import.meta.url), 'utf8');
const tuples = (t: string) => t.split('\n').filter((l) => l.startsWith('### tuple')).join('\n');
const CONF = 'ENABLED=yes\nLOGLEVEL=low\n';
const DEFAULTS = 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="DROP"\n';
/** probe output over the rule files recorded on a bookworm lab host */
const probeOut = (status = 'Status: active', v4 = tuples(fx('ufw-user.rules')), v6 = tuples(fx('ufw-user6.rules'))) =>
  `@@status\n${status}\n@@conf\n${CONF}@@default\n${DEFAULTS}@@v4\n${v4}\n@@v6\n${v6}\n@@end\n`;
const facts = () => parseUfwProbe(probeOut());
const p = (x: Record<string, unknown>) => withDefaults<UfwParams>(ufw, x);

describe('ufw files (recorded bookworm rules)', () => {
  it('parses tuples with hex comments, interfaces, routes and app fields', () => {
    const f = facts();
    expect(f).toMatchObject({ installed: true, active: true, enabledAtBoot: true, logLevel: 'low', ipv6: true, policies: { incoming: 'deny', outgoing: 'allow', routed: 'deny' } });
    expect(f.v4).toHaveLength(7);
    expect(f.v4[0]).toEqual({ action: 'allow', proto: 'tcp', dport: '5432', dst: '0.0.0.0/0', sport: 'any', src: '0.0.0.0/0', direction: 'in', comment: 'pg x' });
    expect(f.v6.map((t) => t.action)).toContain('allow_log-all');
    expect(parseTuple('### tuple ### allow any 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in')?.direction).toBe('in');
    expect(parseUfwProbe('@@status\n@not-installed\n@@end\n').installed).toBe(false);
  });
});

describe('ufw planner', () => {
  it('sees each recorded rule as present (the commands that made them, as params)', () => {
    const made: Record<string, unknown>[] = [
      { rule: 'allow', port: 5432, proto: 'tcp', comment: 'pg x' },
      { rule: 'allow', from_ip: '10.0.0.0/8', port: '8008', proto: 'tcp' },
      { rule: 'deny', interface: 'host0', proto: 'udp', from_ip: '10.1.2.3', from_port: 53, port: '6000-6010' },
      { rule: 'limit', port: 22, proto: 'tcp' },
      { rule: 'allow', direction: 'out', port: 443 },
      { rule: 'allow', route: true, interface_in: 'host0', interface_out: 'host0' },
      { rule: 'reject', port: 7000 },
    ];
    for (const m of made) expect({ m, steps: planUfw(p(m), facts()) }).toEqual({ m, steps: [] });
  });
  it('adds a missing rule to both families, only v4 for a v4 source, and deletes only what exists', () => {
    expect(desiredTuples(p({ rule: 'allow', port: 2379, proto: 'tcp' }), true).v6?.src).toBe('::/0');
    expect(desiredTuples(p({ rule: 'allow', port: 2379, proto: 'tcp', from_ip: '10.0.0.5' }), true).v6).toBeUndefined();
    // the lab's ufw wrote "allow tcp 99 0.0.0.0/0 any 10.0.0.5 in" for "from 10.0.0.5/32"
    expect(desiredTuples(p({ rule: 'allow', port: 99, proto: 'tcp', from_ip: '10.0.0.5/32' }), true).v4?.src).toBe('10.0.0.5');
    expect(planUfw(p({ rule: 'allow', port: 2379, proto: 'tcp' }), facts()).map((s) => s.desc)).toEqual(['add rule: allow in proto tcp from any to any port 2379']);
    expect(planUfw(p({ rule: 'allow', port: 5432, proto: 'tcp', delete: true }), facts()).map((s) => s.argv)).toEqual([['ufw', 'delete', 'allow', 'in', 'proto', 'tcp', 'from', 'any', 'to', 'any', 'port', '5432']]);
    expect(planUfw(p({ rule: 'allow', port: 5433, proto: 'tcp', delete: true }), facts())).toEqual([]);
    // 8008 exists only from 10.0.0.0/8: from any is another rule
    expect(planUfw(p({ rule: 'allow', port: 8008, proto: 'tcp' }), facts())).toHaveLength(1);
    expect(planUfw(p({ rule: 'allow', port: 5432, proto: 'tcp', comment: 'postgres' }), facts()).map((s) => s.desc)[0]).toMatch(/^update the comment of rule/);
  });
  it('takes default as community.general.ufw names policy (bug: roles using default: deny were refused)', () => {
    expect(planUfw(p({ default: 'reject', direction: 'routed' }), facts()).map((s) => s.argv)).toEqual([['ufw', 'default', 'reject', 'routed']]);
    expect(planUfw(p({ default: 'deny' }), facts())).toEqual(planUfw(p({ policy: 'deny' }), facts()));
    expect(() => planUfw(p({ default: 'deny', policy: 'allow' }), facts())).toThrow(/same argument/);
  });
  it('is idempotent for state, policy and logging; reset and reload always run', () => {
    expect(planUfw(p({ state: 'enabled', policy: 'deny', logging: 'on' }), facts())).toEqual([]);
    const inactive = parseUfwProbe(probeOut('Status: inactive'));
    expect(planUfw(p({ state: 'enabled' }), inactive).map((s) => s.argv)).toEqual([['ufw', '--force', 'enable']]);
    expect(planUfw(p({ state: 'disabled' }), inactive).map((s) => s.argv)).toEqual([['ufw', 'disable']]);
    expect(planUfw(p({ policy: 'allow', direction: 'outgoing' }), facts())).toEqual([]);
    expect(planUfw(p({ policy: 'reject', direction: 'routed' }), facts()).map((s) => s.argv)).toEqual([['ufw', 'default', 'reject', 'routed']]);
    expect(planUfw(p({ logging: 'high' }), facts()).map((s) => s.argv)).toEqual([['ufw', 'logging', 'high']]);
    expect(planUfw(p({ state: 'reloaded' }), facts())).toHaveLength(1);
    expect(planUfw(p({ state: 'reset' }), facts())).toHaveLength(1);
    expect(() => planUfw(p({}), facts())).toThrow(/at least one/);
  });
  it('application profiles: compared by profile, not by the ports it brings (recorded OpenSSH tuples)', () => {
    const v4 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.0/8 OpenSSH - in';
    const f = parseUfwProbe(probeOut('Status: active', v4, '### tuple ### allow tcp 22 ::/0 any ::/0 in'));
    expect(f.v4[1]).toMatchObject({ dapp: 'OpenSSH', sapp: '-', direction: 'in' });
    expect(planUfw(p({ rule: 'allow', name: 'OpenSSH', from_ip: '10.0.0.0/8' }), f)).toEqual([]);
    expect(planUfw(p({ rule: 'allow', name: 'OpenSSH' }), f).map((s) => s.argv)).toEqual([['ufw', 'allow', 'in', 'from', 'any', 'to', 'any', 'app', 'OpenSSH']]);
    // a plain 22/tcp rule is not the OpenSSH rule and the other way round
    expect(planUfw(p({ rule: 'allow', port: 22, proto: 'tcp', from_ip: '10.0.0.0/8' }), f)).toHaveLength(1);
    expect(planUfw(p({ rule: 'allow', port: 22, proto: 'tcp' }), f)).toEqual([]);
    expect(parseTuple('### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 WWW%20Full - in')?.dapp).toBe('WWW Full');
  });
  it('builds the ufw command with each value its own word', () => {
    expect(ruleArgv(p({ rule: 'allow', route: true, interface_in: 'eth0', interface_out: 'eth1', log: true, proto: 'tcp', from_ip: '10.0.0.0/8', from_port: 1000, to_ip: '10.1.0.1', port: '80', comment: 'web', insert: 1 }))).toEqual([
      'ufw', 'route', 'insert', '1', 'allow', 'in', 'on', 'eth0', 'out', 'on', 'eth1', 'log', 'proto', 'tcp', 'from', '10.0.0.0/8', 'port', '1000', 'to', '10.1.0.1', 'port', '80', 'comment', 'web',
    ]);
  });
});

describe('ufw runs (scripted host)', () => {
  it('check mode only probes; apply runs the rule with hostile comments as data; run twice: changed then ok', async () => {
    let v4 = tuples(fx('ufw-user.rules'));
    const h = new FakeHost((c) => {
      if (c.argv[3] === 'tsplay-ufw-probe') return probeOut('Status: active', v4, '');
      if (c.argv[0] === 'ufw') v4 += '\n### tuple ### allow tcp 6432 0.0.0.0/0 any 0.0.0.0/0 in';
      return undefined;
    });
    const params = { rule: 'allow', port: 6432, proto: 'tcp', from_ip: '0.0.0.0/0' };
    expect((await runSys(ufw, params, h, { check: true })).changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    expect((await runSys(ufw, { ...params, comment: HOSTILE[1] }, h)).changed).toBe(true);
    expect(h.calls[2]!.argv.at(-1)).toBe(HOSTILE[1]);
    expect(h.calls[2]!.wire).toContain(`'${HOSTILE[1]}'`);
    expect((await runSys(ufw, params, h)).changed).toBe(false);
  });
});
