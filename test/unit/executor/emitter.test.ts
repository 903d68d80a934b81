import { describe, expect, it } from 'vitest';
import { RedactingEmitter } from '../../../engine/executor/emitter.js';
import { MASK, Redactor } from '../../../engine/output/redact.js';
import type { RunEvent } from '../../../engine/output/events.js';
import { runYaml } from './harness.js';

function warning(message: string): RunEvent {
  return { type: 'warning', v: 1, message };
}

describe('RedactingEmitter holds a Redactor', () => {
  it("uses the Redactor's rules: minimum length, each line of a multi-line secret, longest first", () => {
    const out: RunEvent[] = [];
    const e = new RedactingEmitter((ev) => out.push(ev));
    e.addSecret(['abc', 'line-one\nline-two', { deep: 'hunter22' }, 'hunter22-long']);
    e.emit(warning('abc line-two hunter22-long hunter22'));
    expect(out[0]).toMatchObject({ message: `abc ${MASK} ${MASK} ${MASK}` });
    const list = e.secretList();
    expect(list.slice(0, 2)).toEqual(['line-one\nline-two', 'hunter22-long']);
    expect(list.slice(2).sort()).toEqual(['hunter22', 'line-one', 'line-two']);
  });

  it("a Redactor handed in is the one set: the CLI's own output masks what the run found", () => {
    const cli = new Redactor();
    cli.add('vault-pass-1');
    const out: RunEvent[] = [];
    const e = new RedactingEmitter((ev) => out.push(ev), { redactor: cli });
    e.addNoLogSecrets({ stdout: 'token-xyz', path: '/etc/app' });
    expect(cli.has('token-xyz')).toBe(true);
    expect(cli.has('/etc/app')).toBe(false);
    e.emit(warning('vault-pass-1 token-xyz /etc/app'));
    expect(out[0]).toMatchObject({ message: `${MASK} ${MASK} /etc/app` });
  });

  it('another redactor is told each new secret once; the caller redact runs last', () => {
    const told: string[] = [];
    const out: RunEvent[] = [];
    const e = new RedactingEmitter((ev) => out.push(ev), { onSecret: (s) => told.push(s), redact: (s) => s.replace('visible', 'X') });
    e.addSecret('s3cret-value');
    e.addSecret('s3cret-value');
    e.addSecret('ab');
    e.emit(warning('visible s3cret-value'));
    expect(told).toEqual(['s3cret-value']);
    expect(out[0]).toMatchObject({ message: `X ${MASK}` });
  });

  it('runPlaybook holds the CLI Redactor it is given', async () => {
    const cli = new Redactor();
    const h = await runYaml(`
- hosts: h1
  gather_facts: false
  tasks:
    - fake: { name: x, data: { stdout: "the-hidden-output" } }
      no_log: true
    - debug: { msg: "the-hidden-output again" }
`, { inventory: '[web]\nh1\n', redactor: cli });
    expect(cli.has('the-hidden-output')).toBe(true);
    expect(JSON.stringify(h.events)).not.toContain('the-hidden-output');
  });
});
