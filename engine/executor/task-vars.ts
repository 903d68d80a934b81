/**
 * Builds the variables a task sees on one host: the layers buildTaskVars
 * merges by precedence, plus the magic variables the executor knows.
 */
import type { RoleInstance, TaskKeywords, VarsMap } from '../playbook/model.js';
import type { BatchContext, PlayContext } from './context.js';
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
    omit: run.omit,
  };
  if (role) {
    magic.role_name = role.name;
    magic.role_path = role.path;
  }
  return magic;
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
