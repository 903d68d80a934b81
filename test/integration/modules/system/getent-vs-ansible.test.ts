/**
 * getent on this machine against ansible-core 2.14's getent: the same
 * getent_<database> facts, messages and failures for the same tasks
 * (skipped when ansible-playbook is absent).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getent } from '../../../../modules/system/getent.js';
import { makeTestContext } from '../../../helpers/ctx-utility-context.js';
import { runReadOnly } from '../../../unit/modules/files/find-run.js';
import { registeredByAnsible } from '../../executor/ansible-ref.js';

const hasAnsible = existsSync('/usr/bin/ansible-playbook');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-getent-'));

const CASES: Record<string, unknown>[] = [
  { database: 'passwd', key: 'root' },
  { database: 'passwd' },
  { database: 'group' },
  { database: 'hosts', key: 'localhost' },
  { database: 'services', key: 'http' },
  { database: 'services', key: 'nosuchsvc', fail_key: false },
  { database: 'passwd', key: 'nosuchuser' },
  { database: 'nosuchdb' },
  { database: 'passwd', service: 'files', split: 'x' },
  { database: 'protocols' },
  { database: 'passwd', key: "x'$(id) `id`" },
];

let theirs: Record<string, unknown>[] = [];

function runAnsible(): Record<string, unknown>[] {
  return registeredByAnsible(dir, 'getent', CASES, '\n      ignore_errors: true');
}

/** Ansible's registered result without its interpreter-discovery fact. */
function comparable(r: Record<string, unknown>): Record<string, unknown> {
  const facts = Object.fromEntries(Object.entries((r.ansible_facts ?? {}) as object).filter(([k]) => k.startsWith('getent_')));
  return { failed: r.failed === true, msg: r.msg, ansible_facts: Object.keys(facts).length > 0 ? facts : undefined };
}

beforeAll(() => {
  if (hasAnsible) theirs = runAnsible();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasAnsible)('getent matches ansible-core 2.14 on this machine', () => {
  it.each(CASES.map((c, i) => [JSON.stringify(c), i] as const))('%s', async (_label, i) => {
    const { result } = await runReadOnly(getent, CASES[i]!, makeTestContext());
    const ours = { ...result.data, failed: result.status === 'failed', msg: result.msg ?? result.data.msg };
    expect(comparable(ours)).toEqual(comparable(theirs[i]!));
  });
});
