/** One play: its hosts, batches (serial), vars_files, fact gathering, strategy. */
import { isAbsolute, join } from 'node:path';
import type { Play, Task, VarsMap } from '../playbook/model.js';
import type { BatchContext, PlayContext, RunContext } from './context.js';
import { ensureLayers } from './context.js';
import { flattenHandlers } from './handlers.js';
import { hostStateOf } from './host-state.js';
import { orderHosts, splitBatches } from './batches.js';
import { statsOf } from './stats.js';
import { runFree, runLinear } from './strategy.js';
import { taskVarsFor } from './task-vars.js';
import { walkPlay } from './walker.js';
import type { HostWalker } from './walker.js';

export async function runPlay(run: RunContext, play: Play, playIndex: number): Promise<void> {
  const hosts = playHosts(run, play);
  const pc: PlayContext = {
    run,
    play,
    playIndex,
    playHosts: hosts,
    handlers: flattenHandlers(play.handlers),
    varsFiles: new Map(),
    taskRefs: new WeakMap(),
    nextTaskNumber: 0,
    stepAnswers: new WeakMap(),
    gatherTask: play.gatherFacts ? gatherTask(run, play) : undefined,
  };
  for (const h of hosts) statsOf(run.stats, h);
  run.layers.clear(); // group_vars may differ per playbook dir; add_host may have changed hosts
  await ensureLayers(run);
  const batches = splitBatches(hosts, play.serial, play.source);
  if (batches.length === 0) {
    run.emitter.emit({ type: 'play_start', v: 1, name: play.name, hosts: [], source: play.source });
    run.emitter.emit({ type: 'warning', v: 1, message: `no hosts matched "${play.hosts}"`, source: play.source });
  }
  for (let i = 0; i < batches.length && !run.interrupted && !pc.stopped; i++) {
    const batch = batches[i]!.filter((h) => hostStateOf(run.hosts, h).active);
    const serialBatch = play.serial && play.serial.length > 0 ? i + 1 : undefined;
    run.emitter.emit({ type: 'play_start', v: 1, name: play.name, hosts: batch, source: play.source, serialBatch });
    const bc: BatchContext = { play: pc, batch, batchIndex: i, endBatch: false, runOnce: new Map(), runOnceVisits: new Map() };
    await loadVarsFiles(bc);
    await runBatch(bc);
    if (!pc.stopped && batch.length > 0 && batch.every((h) => !hostStateOf(run.hosts, h).active)) {
      // ansible-playbook: a batch where every host failed ends the run ("NO MORE HOSTS LEFT")
      pc.stopped = 'no more hosts left: every host of the batch failed';
      run.halted = pc.stopped;
      if (i < batches.length - 1 || playIndex < run.opts.playbook.plays.length - 1) {
        run.emitter.emit({ type: 'warning', v: 1, message: `${pc.stopped}; stopping the run`, source: play.source });
      }
    }
  }
  run.emitter.emit({ type: 'play_end', v: 1, name: play.name, stopped: run.interrupted ? 'interrupted' : pc.stopped });
}

function playHosts(run: RunContext, play: Play): string[] {
  const { templar, inventory } = run.services;
  const inv = run.opts.inventory;
  const pattern = templar.isTemplated(play.hosts) ? templar.renderString(play.hosts, { ...play.vars, ...run.extraVars }) : play.hosts;
  let hosts = inventory.matchHosts(inv, pattern, { source: play.source });
  if (run.opts.limit) hosts = inventory.limitHosts(inv, hosts, run.opts.limit);
  hosts = hosts.filter((h) => hostStateOf(run.hosts, h).active);
  return orderHosts(hosts, play.order);
}

function gatherTask(run: RunContext, play: Play): Task | undefined {
  if (!run.services.getModule('setup')) {
    run.emitter.emit({ type: 'warning', v: 1, message: 'gather_facts: the setup module is not available, facts not gathered', source: play.source });
    return undefined;
  }
  return {
    kind: 'task',
    name: 'Gathering Facts',
    module: 'setup',
    moduleAs: 'setup',
    args: {},
    argsSource: play.source,
    source: play.source,
    when: [],
    tags: ['always'],
    vars: {},
    notify: [],
    listen: [],
  };
}

async function runBatch(bc: BatchContext): Promise<void> {
  const pc = bc.play;
  const force = !!(pc.run.opts.forceHandlers || pc.play.forceHandlers);
  const walkers = new Map<string, HostWalker>();
  for (const h of bc.batch) {
    if (hostStateOf(pc.run.hosts, h).active) walkers.set(h, walkPlay(pc, { gatherTask: pc.gatherTask, forceHandlers: force }));
  }
  if ((pc.run.opts.strategy ?? pc.play.strategy) === 'free') await runFree(bc, walkers);
  else await runLinear(bc, walkers);
}

/** vars_files are rendered per host (they may name host variables) and read once per path. */
async function loadVarsFiles(bc: BatchContext): Promise<void> {
  const pc = bc.play;
  const run = pc.run;
  if (pc.play.varsFiles.length === 0) return;
  const cache = new Map<string, Promise<VarsMap>>();
  for (const host of bc.batch) {
    const merged: VarsMap = {};
    try {
      const vars = taskVarsFor({ bc, host });
      for (const raw of pc.play.varsFiles) {
        const rel = String(run.services.templar.render(raw, vars));
        const file = isAbsolute(rel) ? rel : join(run.opts.playbook.dir, rel);
        if (!cache.has(file)) cache.set(file, run.services.readVarsFile(file));
        Object.assign(merged, await cache.get(file));
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      run.emitter.emit({ type: 'warning', v: 1, message: `vars_files: ${message}`, host, source: pc.play.source });
      hostStateOf(run.hosts, host).failed = true;
      statsOf(run.stats, host).failed++;
    }
    pc.varsFiles.set(host, merged);
  }
}
