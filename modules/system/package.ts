/** package: the generic front, delegating to apt, dnf or yum by the host's package manager. */
import { defineModule, ModuleFailure, type AnyModule, type ModuleContext } from '../../engine/module-api.js';
import { apt } from './apt.js';
import { factString, nonEmptyLines, runScript } from './common.js';
import { dnf, yum } from './dnf.js';
import { pkgNameSchema } from './pkg-common.js';

export interface PackageParams {
  name: string | string[];
  state?: 'present' | 'absent' | 'latest';
  update_cache?: boolean;
  cache_valid_time?: number;
  use?: 'auto' | 'apt' | 'dnf' | 'yum';
}

interface PackageFacts {
  mgr: 'apt' | 'dnf' | 'yum';
  inner: unknown;
}

const BACKENDS: Record<PackageFacts['mgr'], AnyModule> = { apt, dnf, yum };

/** Which manager a host uses, when facts were not gathered: the first one found. */
export const PKG_MGR_PROBE = 'for m in apt-get dnf yum; do command -v "$m" >/dev/null 2>&1 && echo "$m"; done; true';

export function pickManager(found: string[]): PackageFacts['mgr'] | undefined {
  const first = found[0];
  if (first === 'apt-get') return 'apt';
  return first === 'dnf' || first === 'yum' ? first : undefined;
}

/** The backend's params: update_cache/cache_valid_time only where the backend has them. */
export function backendParams(mgr: PackageFacts['mgr'], p: PackageParams): Record<string, unknown> {
  const base: Record<string, unknown> = { name: p.name, state: p.state ?? 'present', update_cache: p.update_cache ?? false };
  if (mgr === 'apt') return { ...base, cache_valid_time: p.cache_valid_time, dpkg_options: 'force-confdef,force-confold', lock_timeout: 120, purge: false, autoremove: false, force: false };
  return base;
}

async function managerOf(ctx: ModuleContext, p: PackageParams): Promise<PackageFacts['mgr']> {
  if (p.use && p.use !== 'auto') return p.use;
  const fact = factString(ctx.facts, 'pkg_mgr');
  if (fact === 'apt' || fact === 'dnf' || fact === 'yum') return fact;
  if (fact) throw new ModuleFailure(`package: the host's package manager ${fact} is not supported (apt, dnf, yum)`);
  const res = await runScript(ctx, { script: PKG_MGR_PROBE, name: 'tsplay-pkg-mgr' });
  const mgr = pickManager(nonEmptyLines(res.stdout));
  if (!mgr) throw new ModuleFailure('package: no supported package manager (apt-get, dnf, yum) found on the host');
  return mgr;
}

export const packageModule = defineModule<PackageParams, PackageFacts, { mgr: PackageFacts['mgr']; inner: unknown }>({
  name: 'package',
  aliases: ['ansible.builtin.package'],
  doc: {
    short: 'Install or remove packages with the host\'s package manager',
    description: 'Uses apt, dnf or yum, from the gathered fact pkg_mgr (or detected when facts were not gathered, or forced with use). See those modules.',
    examples: ['- package:', '    name: [haproxy, etcd-server]', '    state: present'].join('\n'),
    returns: { installed: 'packages installed or upgraded', removed: 'packages removed', backend: 'the package manager used' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: pkgNameSchema,
      state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present', description: 'present installs, latest also upgrades, absent removes.' },
      update_cache: { type: 'boolean', default: false, description: 'Refresh the package metadata first.' },
      cache_valid_time: { type: 'integer', minimum: 0, description: 'apt only: skip the refresh when the cache is younger than this many seconds.' },
      use: { type: 'string', enum: ['auto', 'apt', 'dnf', 'yum'], default: 'auto', description: 'The package manager; auto reads the facts.' },
    },
  },
  async probe(ctx, p) {
    const mgr = await managerOf(ctx, p);
    const inner = await BACKENDS[mgr].probe!(ctx, backendParams(mgr, p));
    return { mgr, inner };
  },
  plan(p, f, pc) {
    const inner = BACKENDS[f.mgr].plan(backendParams(f.mgr, p), f.inner, pc);
    return { ...inner, data: { ...inner.data, backend: f.mgr }, state: { mgr: f.mgr, inner: inner.state } };
  },
  async apply(ctx, p, plan) {
    const s = plan.state!;
    const r = await BACKENDS[s.mgr].apply!(ctx, backendParams(s.mgr, p), { ...plan, state: s.inner });
    return { ...r, data: { ...r.data, backend: s.mgr } };
  },
});
