import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defineModule, ModuleFailure, type ApplyResult, type ModuleContext } from '../../engine/module-api.js';
import { APT_PROBE, parseAptProbe, parseDpkgQuery, type AptFacts } from './apt-probe.js';
import { APT_ENV, aptCommonArgs, aptInstallArgv, aptRemoveArgv, runApt, type AptRunOptions } from './apt-run.js';
import { asList, refuseOptionLike, runScript, failCommand } from './common.js';
import {
  describeChanges, entries, failUnavailable, packageDiff, parseAptSpec, pkgNameSchema, planPackages, predictInstalled,
  type PkgChangeSet, type PkgSpec,
} from './pkg-common.js';

export interface AptParams {
  name?: string | string[];
  pkg?: string | string[];
  state?: 'present' | 'absent' | 'latest' | 'fixed';
  update_cache?: boolean;
  cache_valid_time?: number;
  default_release?: string;
  install_recommends?: boolean;
  deb?: string;
  purge?: boolean;
  autoremove?: boolean;
  force?: boolean;
  dpkg_options?: string;
  policy_rc_d?: number;
  lock_timeout?: number;
}

export interface AptPlanState {
  cacheUpdated: boolean;
  /** installed versions the probe saw */
  before: Record<string, string>;
  changes: PkgChangeSet;
  fix: boolean;
  autoremove: boolean;
  debPath?: string;
  specs: PkgSpec[];
}

export type AptProbeFacts = AptFacts & { debPath?: string };

export function aptSpecs(p: AptParams): PkgSpec[] {
  const names = asList(p.name ?? p.pkg);
  refuseOptionLike('package name', names);
  return names.map(parseAptSpec);
}

/** Where a deb named by the task is on the host: as given, or uploaded from the controller. */
async function locateDeb(ctx: ModuleContext, deb: string, facts: AptFacts): Promise<string | undefined> {
  if (facts.deb !== 'missing') return deb;
  const local = ctx.findFile('files', deb);
  if (!existsSync(local)) return undefined;
  const remote = `/tmp/tsplay-${basename(deb)}`;
  await ctx.put(readFileSync(local), remote, { mode: '0644' });
  return remote;
}

async function probeApt(ctx: ModuleContext, p: AptParams, deb: string): Promise<AptFacts> {
  const names = aptSpecs(p).map((s) => s.name);
  const valid = p.update_cache ? String(p.cache_valid_time ?? 0) : '';
  const flags = [p.state === 'fixed' ? '1' : '0', p.autoremove ? '1' : '0', valid, ctx.check ? '1' : '0', String(p.lock_timeout ?? 120)];
  const res = await runScript(ctx, { script: APT_PROBE, name: 'tsplay-apt-probe', args: [deb, ...flags, ...names], env: APT_ENV });
  if (!res.stdout.includes('@@end')) failCommand('probing apt', res);
  const facts = parseAptProbe(res.stdout);
  if (facts.cacheUpdate === 'failed') throw new ModuleFailure(`apt-get update failed: ${facts.updateOutput ?? ''}`, { command: res });
  return facts;
}

function debChanges(p: AptParams, f: AptProbeFacts): PkgChangeSet {
  const none: PkgChangeSet = { install: [], upgrade: [], remove: [], unavailable: [] };
  if (!p.deb) return none;
  if (f.deb === 'missing' || f.deb === undefined || f.debPath === undefined) throw new ModuleFailure(`deb file ${p.deb} was found neither on the host nor on the controller`);
  const have = f.installed[f.deb.package];
  if (have === f.deb.version && !p.force) return none;
  return { ...none, install: [{ spec: f.debPath, name: f.deb.package, version: f.deb.version }] };
}

export function planApt(p: AptParams, f: AptProbeFacts): { changes: string[]; state: AptPlanState; data: Record<string, unknown>; reason: string } {
  const specs = aptSpecs(p);
  const state = p.state === 'fixed' ? 'present' : (p.state ?? 'present');
  const base = planPackages(specs, state, { installed: f.installed, candidates: f.candidates, complete: true });
  if (state === 'absent' && p.purge) base.remove.push(...specs.filter((s) => f.configOnly.includes(s.name) && !base.remove.includes(s)));
  // in check mode the cache was not updated: a package it does not know yet may come with the update
  if (f.cacheUpdate !== 'check') failUnavailable(base.unavailable);
  else base.install.push(...specs.filter((s) => base.unavailable.includes(s.spec)));
  const deb = debChanges(p, f);
  const changes: PkgChangeSet = { ...base, install: [...base.install, ...deb.install], unavailable: [] };
  const fix = p.state === 'fixed' && f.needsFix;
  const autoremove = p.autoremove === true && f.autoremovable.length > 0;
  const view = { installed: f.installed, candidates: { ...f.candidates, ...(deb.install[0] ? { [deb.install[0].name]: deb.install[0].version ?? null } : {}) } };
  const lines = [
    ...describeChanges(changes, view),
    ...(fix ? ['fix broken dependencies (apt-get -f install)'] : []),
    ...(autoremove ? [`autoremove ${f.autoremovable.join(', ')}`] : []),
  ];
  const allSpecs = [...specs, ...deb.install];
  return {
    changes: lines,
    state: { cacheUpdated: f.cacheUpdate === 'yes', before: f.installed, changes, fix, autoremove, debPath: f.debPath, specs: allSpecs },
    data: { cache_updated: f.cacheUpdate === 'yes', installed: entries(changes.install.concat(changes.upgrade), predictInstalled(changes, view)), removed: entries(changes.remove, f.installed) },
    reason: specs.length || p.deb ? `packages already ${state}` : 'nothing to do',
  };
}

export const apt = defineModule<AptParams, AptProbeFacts, AptPlanState>({
  name: 'apt',
  aliases: ['ansible.builtin.apt'],
  doc: {
    short: 'Install, upgrade or remove Debian packages with apt',
    description:
      'All named packages go in one apt-get transaction with DEBIAN_FRONTEND=noninteractive and dpkg options force-confdef,force-confold. ' +
      'The probe (dpkg-query and apt-cache policy) is one round trip. A dpkg lock held by another process is waited for up to lock_timeout seconds. ' +
      'policy_rc_d puts a /usr/sbin/policy-rc.d answering that code in place for the transaction (101: no service is started by the install), removed after, even on failure. ' +
      'update_cache refreshes the cache before anything is decided (with cache_valid_time only when it is older than that; not in check mode); ' +
      'a refresh alone is not a change, as in Ansible (cache_updated tells).',
    examples: [
      '- apt:',
      '    name: [postgresql-15, patroni, etcd-server]',
      '    update_cache: true',
      '    cache_valid_time: 3600',
      '    policy_rc_d: 101',
      '- apt: name=haproxy state=latest',
      '- apt:',
      '    deb: /tmp/tool_1.0_amd64.deb',
    ].join('\n'),
    returns: {
      installed: 'packages installed or upgraded: [{name, version}]',
      removed: 'packages removed: [{name, version}] (versions before)',
      cache_updated: 'whether apt-get update ran',
      stdout: 'apt-get output of the last transaction',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: pkgNameSchema,
      pkg: { ...pkgNameSchema, description: 'Alias of name.' },
      state: { type: 'string', enum: ['present', 'absent', 'latest', 'fixed'], default: 'present', description: 'present installs (name=version pins a version), latest also upgrades, absent removes, fixed repairs broken dependencies.' },
      update_cache: { type: 'boolean', default: false, description: 'Run apt-get update first.' },
      cache_valid_time: { type: 'integer', minimum: 0, description: 'Skip the update when the cache is younger than this many seconds.' },
      default_release: { type: 'string', description: 'Install from this release (-t).' },
      install_recommends: { type: 'boolean', description: 'true: --install-recommends, false: --no-install-recommends, unset: apt\'s default.' },
      deb: { type: 'string', description: 'A .deb file on the host (or, when absent there, on the controller: it is uploaded) to install.' },
      purge: { type: 'boolean', default: false, description: 'With state=absent, also remove configuration files.' },
      autoremove: { type: 'boolean', default: false, description: 'Remove dependencies no longer needed.' },
      force: { type: 'boolean', default: false, description: 'Allow downgrades, held packages and removal of essential packages.' },
      dpkg_options: { type: 'string', default: 'force-confdef,force-confold', description: 'Comma-separated dpkg options (without --).' },
      policy_rc_d: { type: 'integer', description: 'Exit code of a /usr/sbin/policy-rc.d in place during the transaction (101: services are not started).' },
      lock_timeout: { type: 'integer', minimum: 0, default: 120, description: 'Seconds to wait for a dpkg lock held by another process.' },
    },
  },
  async probe(ctx, p) {
    let facts = await probeApt(ctx, p, p.deb ?? '');
    let debPath = p.deb;
    if (p.deb) {
      debPath = await locateDeb(ctx, p.deb, facts);
      if (debPath !== undefined && debPath !== p.deb) facts = await probeApt(ctx, p, debPath);
    }
    return { ...facts, debPath };
  },
  plan(p, f) {
    const r = planApt(p, f);
    if (r.changes.length === 0) return { changes: [], reason: r.reason, data: r.data };
    const after = predictInstalled(r.state.changes, { installed: f.installed, candidates: f.candidates });
    return { changes: r.changes, state: r.state, data: r.data, diff: [packageDiff(r.state.specs, f.installed, after)] };
  },
  async apply(ctx, p, plan) {
    return applyApt(ctx, p, plan.state!);
  },
});

async function applyApt(ctx: ModuleContext, p: AptParams, s: AptPlanState): Promise<ApplyResult> {
  const o: AptRunOptions = {
    lockTimeout: p.lock_timeout ?? 120, dpkgOptions: p.dpkg_options ?? 'force-confdef,force-confold',
    installRecommends: p.install_recommends, defaultRelease: p.default_release, force: p.force,
  };
  const run = { policyRcD: p.policy_rc_d, lockTimeout: o.lockTimeout };
  const before = s.before;
  let stdout = '';
  const specs = [...s.changes.install, ...s.changes.upgrade].map((x) => (x.spec.endsWith('.deb') && !x.spec.startsWith('/') && !x.spec.startsWith('./') ? `./${x.spec}` : x.spec));
  if (specs.length) stdout += (await runApt(ctx, aptInstallArgv(specs, o), run)).stdout;
  if (s.changes.remove.length) stdout += (await runApt(ctx, aptRemoveArgv(s.changes.remove.map((x) => x.name), { ...o, purge: p.purge }), run)).stdout;
  if (s.fix) stdout += (await runApt(ctx, ['apt-get', 'install', '-f', ...aptCommonArgs(o)], run)).stdout;
  if (s.autoremove) stdout += (await runApt(ctx, ['apt-get', 'autoremove', ...aptCommonArgs(o), ...(p.purge ? ['--purge'] : [])], run)).stdout;
  const after = await installedVersions(ctx, s.specs);
  const installed = s.specs.filter((x) => after[x.name] !== undefined && after[x.name] !== before[x.name]);
  const removed = s.specs.filter((x) => before[x.name] !== undefined && after[x.name] === undefined);
  return {
    changed: true,
    data: { cache_updated: s.cacheUpdated, installed: entries(installed, after), removed: entries(removed, before), stdout },
    diff: [packageDiff(s.specs, before, after)],
  };
}

async function installedVersions(ctx: ModuleContext, specs: PkgSpec[]): Promise<Record<string, string>> {
  if (specs.length === 0) return {};
  const res = await ctx.run(['dpkg-query', '-W', '-f=${Package}\t${db:Status-Status}\t${Version}\n', '--', ...specs.map((s) => s.name)]);
  return parseDpkgQuery(res.stdout).installed;
}
