/**
 * Builds the variables a task sees on one host: the layers buildTaskVars
 * merges by precedence, plus the magic variables the executor knows.
 */
import type { RoleInstance, TaskKeywords, VarsMap } from '../playbook/model.js';
import type { BatchContext, PlayContext } from './context.js';
import type { RunPlaybookOptions } from './types.js';
import { activeBatchHosts, activePlayHosts, layersOf } from './context.js';
import { hostStateOf } from './host-state.js';
import type { Scope } from './scope.js';

export interface VarsRequest {
  bc: BatchContext;
  host: string;
  scope?: Scope;
  task?: TaskKeywords & { vars: VarsMap };
  /** loop variables and the like, at task-vars level */
  extra?: VarsMap;
}

export function taskVarsFor(req: VarsRequest): VarsMap {
  const pc = req.bc.play;
  const run = pc.run;
  const state = hostStateOf(run.hosts, req.host);
  const role = req.task?.role;
  const roles = rolesInScope(pc, role);
  return run.services.buildTaskVars({
    roleDefaults: roles.map((r) => r.defaults),
    host: layersOf(run, req.host),
    facts: state.facts,
    plainFacts: state.plainFacts,
    playVars: pc.play.vars,
    varsFiles: [pc.varsFiles.get(req.host) ?? {}],
    roleVars: roles.map((r) => r.vars),
    roleParams: role?.params ?? {},
    blockVars: req.scope?.blockVars ?? [],
    taskVars: { ...(req.task?.vars ?? {}), ...(req.extra ?? {}) },
    includeParams: req.scope?.includeParams ?? {},
    includeVars: state.includeVars,
    setFacts: state.setFacts,
    registered: state.registered,
    extraVars: run.extraVars,
    magic: magicVars(req.bc, req.host, role),
  });
}

/** Roles of the play, then the task's own role last so its values win. */
function rolesInScope(pc: PlayContext, role: RoleInstance | undefined): RoleInstance[] {
  const list = pc.play.roles.filter((r) => r !== role && r.path !== role?.path);
  return role ? [...list, role] : list;
}

function magicVars(bc: BatchContext, host: string, role: RoleInstance | undefined): VarsMap {
  const pc = bc.play;
  const run = pc.run;
  const inv = run.opts.inventory;
  const batch = activeBatchHosts(bc);
  const magic: VarsMap = {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    groups: run.services.inventory.groupsMap(inv),
    group_names: run.services.inventory.groupNamesOf(inv, host),
    hostvars: hostvarsProxy(bc),
    play_hosts: batch,
    ansible_play_batch: batch,
    ansible_play_hosts: activePlayHosts(pc),
    ansible_play_hosts_all: pc.playHosts,
    ansible_play_name: pc.play.name,
    playbook_dir: run.opts.playbook.dir,
    ansible_check_mode: !!run.opts.check,
    ansible_diff_mode: !!run.opts.diff,
    ansible_verbosity: run.opts.verbosity ?? 0,
    ...runOptionVars(run.opts),
    omit: run.omit,
  };
  if (role) {
    magic.role_name = role.name;
    magic.role_path = role.path;
  }
  return magic;
}

/**
 * ansible_version: the Ansible release whose playbook language tsplay follows
 * (ansible-core 2.14), not tsplay's own version, so that content checking
 * `ansible_version.full is version('2.9', '>=')` runs unchanged. tsplay's
 * own version is `tsplay --version`.
 */
export const ANSIBLE_VERSION = { string: '2.14.0', full: '2.14.0', major: 2, minor: 14, revision: 0 } as const;

/** The command-line options Ansible exposes as variables (utils/vars.py load_options_vars). */
function runOptionVars(opts: RunPlaybookOptions): VarsMap {
  const vars: VarsMap = {
    ansible_version: { ...ANSIBLE_VERSION },
    ansible_run_tags: opts.tags && opts.tags.length > 0 ? [...opts.tags] : ['all'],
    ansible_skip_tags: [...(opts.skipTags ?? [])],
    ansible_forks: opts.forks ?? 50,
    ansible_inventory_sources: [...opts.inventory.sources],
  };
  // as Ansible: defined only when --limit was given
  if (opts.limit !== undefined && opts.limit !== '') vars.ansible_limit = opts.limit;
  return vars;
}

/** hostvars: another host's variables, built only when a template reads them. */
export function hostvarsProxy(bc: BatchContext): Record<string, VarsMap> {
  const inv = bc.play.run.opts.inventory;
  const cache = new Map<string, VarsMap>();
  const build = (name: string): VarsMap => {
    let v = cache.get(name);
    if (!v) {
      v = taskVarsFor({ bc, host: name });
      cache.set(name, v);
    }
    return v;
  };
  return new Proxy({} as Record<string, VarsMap>, {
    get: (_t, key) => (typeof key === 'string' && inv.hosts.has(key) ? build(key) : undefined),
    has: (_t, key) => typeof key === 'string' && inv.hosts.has(key),
    ownKeys: () => [...inv.hosts.keys()],
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && inv.hosts.has(key)
        ? { enumerable: true, configurable: true, writable: false, value: build(key) }
        : undefined,
  });
}
