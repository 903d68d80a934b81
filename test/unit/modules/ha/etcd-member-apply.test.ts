import { describe, expect, it } from 'vitest';
import type { CommandResult, Connection, ConnectionStats } from '../../../../engine/connection/types.js';
import { ModuleFailure } from '../../../../engine/module-api.js';
import { applyEtcdMember } from '../../../../modules/ha/etcd-member-apply.js';
import { planEtcdAbsent, planEtcdPresent } from '../../../../modules/ha/etcd-member-plan.js';
import { makeContext } from '../../../helpers/module-context-files.js';
import { etcdFacts, fixture, NODE3 } from './fixtures.js';

type Answer = Partial<CommandResult>;

/** Answers each command with the first rule whose pattern matches it (a rule may hold a queue of answers). */
class ScriptedConnection implements Connection {
  readonly host = 'hamod-3';
  readonly commands: string[] = [];
  constructor(private readonly rules: [RegExp, Answer[]][]) {}
  async connect(): Promise<void> {}
  async run(cmd: string | string[]): Promise<CommandResult> {
    const shown = Array.isArray(cmd) ? cmd.join(' ') : cmd;
    this.commands.push(shown);
    const rule = this.rules.find(([re]) => re.test(shown));
    const answers = rule?.[1] ?? [{}];
    const a = answers.length > 1 ? answers.shift()! : answers[0]!;
    return { rc: 0, stdout: '', stderr: '', durationMs: 1, shown, ...a };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer> {
    return Buffer.from('');
  }
  async close(): Promise<void> {}
  stats(): ConnectionStats {
    return { connections: 1, channels: 1, commands: this.commands.length, bytesSent: 0 };
  }
}

const facts = (): ReturnType<typeof etcdFacts> =>
  etcdFacts({ list: 'member-list-3.json', health: 'endpoint-health-cluster-3.json', local: { active: 'active', enabled: true, dataDirExists: true } });

describe('etcd_member apply', () => {
  it('retries a removal that etcd refuses right after the member joined ("unhealthy cluster")', async () => {
    const unhealthy = { rc: 1, stderr: fixture('etcd/member-remove-unhealthy.stderr') };
    const conn = new ScriptedConnection([[/member remove/, [unhealthy, unhealthy, { stdout: 'Member 98715aaf4a4fb474 removed from cluster 2249ff0e667422dc\n' }]]]);
    const p = { ...NODE3, state: 'absent' as const };
    const plan = planEtcdAbsent(p, facts(), 'hamod-3');
    const r = await applyEtcdMember(makeContext({ conn }), p, plan);
    expect(r.changed).toBe(true);
    expect(conn.commands.filter((c) => c.includes('member remove'))).toHaveLength(3);
    // removal goes to the other members, never to the member being removed
    expect(conn.commands[0]).toContain('--endpoints=http://10.213.40.11:2379,http://10.213.40.12:2379 ');
    expect(conn.commands.slice(3)).toEqual(['systemctl stop etcd', 'systemctl disable --quiet etcd', 'rm -rf -- /var/lib/etcd/default']);
  }, 20_000);

  it('promotes a learner through the other members only, retrying until it is in sync', async () => {
    const notInSync = { rc: 1, stderr: fixture('etcd/member-promote-notsync.stderr') };
    const conn = new ScriptedConnection([[/member promote/, [notInSync, { stdout: 'Member 48146e1e4de6f9bd promoted in cluster 2249ff0e667422dc\n' }]]]);
    const p = { ...NODE3, learner: true };
    const f = etcdFacts({ list: 'member-list-learner.json', local: { active: 'active', enabled: true } });
    f.list!.members.find((m) => m.isLearner)!.name = 'hamod-3';
    const plan = planEtcdPresent(p, f, 'hamod-3');
    expect(plan.state!.steps).toEqual(['promote']);
    await applyEtcdMember(makeContext({ conn }), p, plan);
    expect(conn.commands).toHaveLength(2);
    // through the learner's own endpoint etcd answered "rpc not supported for learner" (seen on the lab)
    for (const c of conn.commands) expect(c).toContain('--endpoints=http://10.213.40.11:2379,http://10.213.40.12:2379 ');
  }, 20_000);

  it('does not retry a permanent refusal', async () => {
    const conn = new ScriptedConnection([[/member remove/, [{ rc: 1, stderr: '{"level":"warn"}\nError: etcdserver: permission denied\n' }]]]);
    const p = { ...NODE3, state: 'absent' as const };
    const err = await applyEtcdMember(makeContext({ conn }), p, planEtcdAbsent(p, facts(), 'hamod-3')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe('etcdctl member remove 98715aaf4a4fb474 failed: Error: etcdserver: permission denied');
    expect(conn.commands).toHaveLength(1);
  });
});
