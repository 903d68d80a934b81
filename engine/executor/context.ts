/** The collaborators and shared state of one run, one play and one batch. */
import type { LimitFunction } from 'p-limit';
import type { HostStats, TaskRef } from '../output/events.js';
import type { HostVarLayers } from '../inventory/types.js';
import type { DynamicInclude, Play, Task, TaskNode, VarsMap } from '../playbook/model.js';
import type { SharedRun } from './run-once.js';
import type { RedactingEmitter } from './emitter.js';
import type { HostState } from './host-state.js';
import type { TagFilter } from './tags.js';
import type { ExecutorServices, PoolLike, RunPlaybookOptions } from './types.js';

export interface RunContext {
  opts: RunPlaybookOptions;
  services: ExecutorServices;
  pool: PoolLike;
  emitter: RedactingEmitter;
  hosts: Map<string, HostState>;
  stats: Record<string, HostStats>;
  /** bounds concurrent host work to `forks` */
  forks: LimitFunction;
  tagFilter: TagFilter;
  /** the placeholder `omit` renders to */
  omit: string;
  extraVars: VarsMap;
  /** --start-at-task: still looking for the task */
  startAtPending: boolean;
  /** --step: still asking (false after "continue") */
  stepAsking: boolean;
  interrupted: boolean;
  /** no further play runs (a whole batch failed, max_fail_percentage, any_errors_fatal), as ansible-playbook */
  halted?: string;
  /** inventory variable layers per host, read before tasks need them (reading is async) */
  layers: Map<string, HostVarLayers>;
  /** loaded include files, so hosts including the same file share task objects */
  includeCache: Map<string, Promise<TaskNode[]>>;
}

/** A handler as the executor runs it: a task, or an include_tasks run whole when notified. */
export type HandlerNode = Task | DynamicInclude;

export interface PlayContext {
  run: RunContext;
  play: Play;
  playIndex: number;
  /** all hosts the play matched (ansible_play_hosts_all) */
  playHosts: string[];
  /** play handlers, plus handlers of included roles; handler blocks flattened */
  handlers: HandlerNode[];
  /** vars_files per host, loaded at play start */
  varsFiles: Map<string, VarsMap>;
  taskRefs: WeakMap<object, TaskRef>;
  nextTaskNumber: number;
  /** the implicit fact-gathering task, when gather_facts is on */
  gatherTask?: Task;
  /** --step answers per task */
  stepAnswers: WeakMap<object, boolean>;
  /** set by meta: end_play, any_errors_fatal, max_fail_percentage: no further task or batch */
  stopped?: string;
  /** hosts that ran meta: end_host: out of ansible_play_hosts/ansible_play_batch for the rest of the play */
  endedHosts?: Set<string>;
}

export interface BatchContext {
  play: PlayContext;
  batch: string[];
  batchIndex: number;
  /** meta: end_batch */
  endBatch: boolean;
  /** run_once runs of the batch, per task and per time the task is reached */
  runOnce: Map<Task, Map<number, Promise<SharedRun>>>;
  /** how many times each host reached each run_once task */
  runOnceVisits: Map<Task, Map<string, number>>;
  /**
   * throttle: one limiter per task (and throttle value) for the batch, so
   * hosts reaching the task one by one (free) share it as a linear group does
   */
  throttles?: Map<Task, Map<number, LimitFunction>>;
}

/** Hosts of the batch still running the play (ansible_play_batch). */
export function activeBatchHosts(bc: BatchContext): string[] {
  return bc.batch.filter((h) => inPlay(bc.play, h));
}

/** Hosts of the play still running (ansible_play_hosts). */
export function activePlayHosts(pc: PlayContext): string[] {
  return pc.playHosts.filter((h) => inPlay(pc, h));
}

function inPlay(pc: PlayContext, host: string): boolean {
  return !!pc.run.hosts.get(host)?.active && !pc.endedHosts?.has(host);
}

const NO_LAYERS: HostVarLayers = { inventoryGroupVars: {}, inventoryHostVars: {}, playbookGroupVars: {}, playbookHostVars: {} };

/** Reads the variable layers of these hosts (or of every inventory host) that are not read yet. */
export async function ensureLayers(run: RunContext, hosts?: string[]): Promise<void> {
  const inv = run.opts.inventory;
  const wanted = (hosts ?? [...inv.hosts.keys()]).filter((h) => inv.hosts.has(h) && !run.layers.has(h));
  const read = await Promise.all(wanted.map((h) => run.services.inventory.hostVarLayers(inv, h, run.opts.playbook.dir)));
  wanted.forEach((h, i) => run.layers.set(h, read[i]!));
}

export function layersOf(run: RunContext, host: string): HostVarLayers {
  return run.layers.get(host) ?? NO_LAYERS;
}
