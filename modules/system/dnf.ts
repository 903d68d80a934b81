/** dnf and yum: one module factory, the rpm probe and check-update parsers (pure). */
import { defineModule, ModuleFailure, type AnyModule, type ApplyResult, type ModuleContext } from '../../engine/module-api.js';
import { asList, failCommand, nonEmptyLines, refuseOptionLike, runScript, splitSections } from './common.js';
import {
  describeChanges, entries, packageDiff, parseRpmSpec, pkgNameSchema, planPackages, predictInstalled,
  type PkgChangeSet, type PkgSpec, type PkgState,
} from './pkg-common.js';

export interface RpmParams {
  name?: string | string[];
  pkg?: string | string[];
  state?: PkgState | 'installed' | 'removed';
  enablerepo?: string | string[];
  disablerepo?: string | string[];
  update_cache?: boolean;
}

export interface RpmFacts {
  /** metadata refreshed by the probe (update_cache) */
  refreshed: boolean;
  refreshError?: string;
  /** spec -> installed version-release.arch (first when several are installed) */
  installed: Record<string, string>;
  /** name -> version an upgrade would bring (state=latest only) */
  updates: Record<string, string>;
}

interface RpmPlanState {
  changes: PkgChangeSet;
  specs: PkgSpec[];
  before: Record<string, string>;
}

/**
 * $1 dnf|yum, $2 1 to list upgrades, $3 1 to refresh the metadata first (not
 * in check mode), $4 the repository options, then the specs; each queried
 * alone so the answer names the spec asked.
 */
export const RPM_PROBE = String.raw`
mgr=$1 latest=$2 refresh=$3 repos=$4; shift 4
export LC_ALL=C
# repository options come one a line: split on newlines only, never globbed (dnf globs them itself)
set -f; IFS='
'
echo @@refresh
if [ "$refresh" = 1 ]; then
  if out=$("$mgr" -y -q $repos makecache 2>&1); then echo yes; else echo failed; printf '%s\n' "$out" | tail -n 15; fi
fi
unset IFS; set +f
echo @@rpm
for n; do v=$(rpm -q --qf '%{VERSION}-%{RELEASE}.%{ARCH} ' -- "$n" 2>/dev/null) || v=@none; printf '%s\t%s\n' "$n" "$v"; done
echo @@updates; [ "$latest" = 1 ] && "$mgr" -q check-update -- "$@" 2>/dev/null
echo @@end
`;

export function parseRpmQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    const [spec = '', versions = ''] = line.split('\t');
    const first = versions.trim().split(/\s+/)[0] ?? '';
    if (first !== '' && first !== '@none') out[spec] = first;
  }
  return out;
}

/** `dnf check-update` rows: "name.arch  version-release  repo" (continuation lines and notices skipped). */
export function parseCheckUpdate(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    if (/^(Obsoleting|Security:|Last metadata)/.test(line)) break;
    const m = /^(\S+)\.([a-z0-9_]+)\s+(\S+)\s+\S+$/.exec(line);
    if (m) out[m[1]!] = `${m[3]}.${m[2]}`;
  }
  return out;
}

export function parseRpmProbe(out: string): RpmFacts {
  const s = splitSections(out);
  const refresh = nonEmptyLines(s.refresh);
  return {
    refreshed: refresh[0] === 'yes',
    refreshError: refresh[0] === 'failed' ? refresh.slice(1).join('\n') || 'makecache failed' : undefined,
    installed: parseRpmQuery(s.rpm ?? ''),
    updates: parseCheckUpdate(s.updates ?? ''),
  };
}

function normState(s: RpmParams['state']): PkgState {
  if (s === 'installed' || s === undefined) return 'present';
  return s === 'removed' ? 'absent' : s;
}

export function rpmSpecs(p: RpmParams): PkgSpec[] {
  const names = asList(p.name ?? p.pkg);
  refuseOptionLike('package name', names);
  return names.map(parseRpmSpec);
}

export function repoArgs(p: RpmParams): string[] {
  const repos = [...asList(p.enablerepo).map((r) => `--enablerepo=${r}`), ...asList(p.disablerepo).map((r) => `--disablerepo=${r}`)];
  return repos;
}

/** argv of each transaction: install, upgrade, remove (pure). */
export function rpmTransactions(mgr: 'dnf' | 'yum', p: RpmParams, c: PkgChangeSet): string[][] {
  const out: string[][] = [];
  if (c.install.length) out.push([mgr, '-y', ...repoArgs(p), 'install', ...c.install.map((s) => s.spec)]);
  if (c.upgrade.length) out.push([mgr, '-y', ...repoArgs(p), 'upgrade', ...c.upgrade.map((s) => s.spec)]);
  if (c.remove.length) out.push([mgr, '-y', 'remove', ...c.remove.map((s) => s.spec)]);
  return out;
}

function rpmParamsSchema(mgr: string): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: pkgNameSchema,
      pkg: { ...pkgNameSchema, description: 'Alias of name.' },
      state: { type: 'string', enum: ['present', 'installed', 'absent', 'removed', 'latest'], default: 'present', description: 'present installs, latest also upgrades, absent removes.' },
      enablerepo: { description: `Repositories to enable for this ${mgr} run.`, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      disablerepo: { description: `Repositories to disable for this ${mgr} run.`, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      update_cache: { type: 'boolean', default: false, description: `Refresh the metadata (${mgr} makecache) before deciding; not in check mode, and not a change by itself.` },
    },
  };
}

export function makeRpmModule(mgr: 'dnf' | 'yum'): AnyModule {
  return defineModule<RpmParams, RpmFacts, RpmPlanState>({
    name: mgr,
    aliases: [`ansible.builtin.${mgr}`],
    doc: {
      short: `Install, upgrade or remove RPM packages with ${mgr}`,
      description: `All named packages go in one ${mgr} transaction per action. The probe (rpm -q per package, ${mgr} check-update for latest) is one round trip.`,
      examples: [`- ${mgr}:`, '    name: [postgresql15-server, haproxy]', '    enablerepo: pgdg15', `- ${mgr}: name=etcd state=latest`].join('\n'),
      returns: { installed: 'packages installed or upgraded: [{name, version}]', removed: 'packages removed: [{name, version}]', stdout: `${mgr} output` },
    },
    params: rpmParamsSchema(mgr),
    async probe(ctx, p) {
      const specs = rpmSpecs(p).map((s) => s.spec);
      const refresh = p.update_cache && !ctx.check ? '1' : '0';
      const res = await runScript(ctx, { script: RPM_PROBE, name: 'tsplay-rpm-probe', args: [mgr, normState(p.state) === 'latest' ? '1' : '0', refresh, repoArgs(p).join('\n'), ...specs] });
      if (!res.stdout.includes('@@end')) failCommand('probing rpm', res);
      const facts = parseRpmProbe(res.stdout);
      if (facts.refreshError) throw new ModuleFailure(`${mgr} makecache failed: ${facts.refreshError}`, { command: res });
      return facts;
    },
    plan(p, f) {
      const specs = rpmSpecs(p);
      const state = normState(p.state);
      const view = { installed: f.installed, candidates: f.updates };
      const changes = planPackages(specs, state, view);
      const lines = describeChanges(changes, view);
      const data = { cache_updated: f.refreshed, installed: entries(changes.install.concat(changes.upgrade), predictInstalled(changes, view)), removed: entries(changes.remove, f.installed) };
      if (lines.length === 0) return { changes: [], reason: `packages already ${state}`, data };
      const diff = [packageDiff(specs, f.installed, predictInstalled(changes, view))];
      return { changes: lines, data, diff, state: { changes, specs, before: f.installed } };
    },
    async apply(ctx, p, plan) {
      return applyRpm(ctx, mgr, p, plan.state!);
    },
  });
}

async function applyRpm(ctx: ModuleContext, mgr: 'dnf' | 'yum', p: RpmParams, s: RpmPlanState): Promise<ApplyResult> {
  const env = { LC_ALL: 'C' };
  let stdout = '';
  for (const argv of rpmTransactions(mgr, p, s.changes)) {
    const res = await ctx.run(argv, { env });
    if (res.rc !== 0) failCommand(`${mgr} ${argv.find((a) => !a.startsWith('-') && a !== mgr)}`, res);
    stdout += res.stdout;
  }
  const probe = await runScript(ctx, { script: RPM_PROBE, name: 'tsplay-rpm-probe', args: [mgr, '0', '0', '', ...s.specs.map((x) => x.spec)] });
  const after = parseRpmProbe(probe.stdout).installed;
  return {
    changed: true,
    data: { installed: entries([...s.changes.install, ...s.changes.upgrade], after), removed: entries(s.changes.remove, s.before), stdout },
    diff: [packageDiff(s.specs, s.before, after)],
  };
}

export const dnf = makeRpmModule('dnf');
export const yum = makeRpmModule('yum');
