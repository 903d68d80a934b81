/** Running apt-get: argv building (pure), the policy-rc.d wrapper, lock handling. */
import type { CommandResult } from '../../engine/connection/types.js';
import type { ModuleContext } from '../../engine/module-api.js';
import { ModuleFailure } from '../../engine/module-api.js';
import { runScript, tail } from './common.js';

export const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none', LC_ALL: 'C' };

export interface AptRunOptions {
  lockTimeout: number;
  dpkgOptions: string;
  installRecommends?: boolean;
  defaultRelease?: string;
  force?: boolean;
}

/** `-o` options every apt-get transaction gets. */
export function aptCommonArgs(o: AptRunOptions): string[] {
  const args = ['-y', '-q', '-o', `DPkg::Lock::Timeout=${o.lockTimeout}`];
  for (const opt of o.dpkgOptions.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    args.push('-o', `Dpkg::Options::=--${opt.replace(/^-+/, '')}`);
  }
  return args;
}

export function aptInstallArgv(specs: string[], o: AptRunOptions): string[] {
  const argv = ['apt-get', 'install', ...aptCommonArgs(o)];
  if (o.installRecommends === false) argv.push('--no-install-recommends');
  if (o.installRecommends === true) argv.push('--install-recommends');
  if (o.defaultRelease) argv.push('-t', o.defaultRelease);
  if (o.force) argv.push('--allow-downgrades', '--allow-remove-essential', '--allow-change-held-packages');
  return [...argv, ...specs];
}

export function aptRemoveArgv(names: string[], o: AptRunOptions & { purge?: boolean }): string[] {
  return ['apt-get', o.purge ? 'purge' : 'remove', ...aptCommonArgs(o), ...(o.force ? ['--allow-remove-essential'] : []), ...names];
}

/**
 * Runs "$@" with /usr/sbin/policy-rc.d answering $1 (101: no service may
 * start) when $1 is not empty; an existing policy-rc.d is kept aside and put
 * back, even when the command fails or the shell is interrupted.
 */
export const POLICY_RC_D_WRAPPER = String.raw`
code=$1; shift
if [ -n "$code" ]; then
  p=/usr/sbin/policy-rc.d
  restore() { rm -f "$p"; if [ -e "$p.tsplay-saved" ]; then mv "$p.tsplay-saved" "$p"; fi; }
  trap restore EXIT; trap 'exit 129' HUP INT TERM
  if [ -e "$p" ]; then mv "$p" "$p.tsplay-saved"; fi
  printf '#!/bin/sh\nexit %s\n' "$code" > "$p" && chmod 755 "$p" || exit 1
fi
"$@"
`;

const LOCK_HELD = /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/;
const LOCK_WAITED = /Waiting for cache lock|Waiting for lock/;

/** Explains a lock timeout, or says the run had to wait for the lock. */
export function lockMessage(res: CommandResult, timeout: number): { fail?: string; waited?: string } {
  const text = `${res.stderr}\n${res.stdout}`;
  const holder = /held by process (\d+) \(([^)]*)\)/.exec(text);
  const who = holder ? `process ${holder[1]} (${holder[2]})` : 'another process';
  if (res.rc !== 0 && LOCK_HELD.test(text)) {
    return { fail: `the dpkg lock is held by ${who}: gave up after waiting ${timeout} s (lock_timeout)` };
  }
  if (LOCK_WAITED.test(text)) return { waited: `waited for the dpkg lock held by ${who}` };
  return {};
}

export async function runApt(ctx: ModuleContext, argv: string[], o: { policyRcD?: number; lockTimeout: number }): Promise<CommandResult> {
  const res = await runScript(ctx, {
    script: POLICY_RC_D_WRAPPER,
    name: 'tsplay-apt',
    args: [o.policyRcD === undefined ? '' : String(o.policyRcD), ...argv],
    env: APT_ENV,
  });
  const lock = lockMessage(res, o.lockTimeout);
  if (lock.fail) throw new ModuleFailure(lock.fail, { command: res });
  if (lock.waited) ctx.warn(lock.waited);
  if (res.rc !== 0) {
    throw new ModuleFailure(`${argv.slice(0, 2).join(' ')} failed (rc ${res.rc}): ${tail(res.stderr.trim() || res.stdout.trim(), 15)}`, { command: res });
  }
  return res;
}
