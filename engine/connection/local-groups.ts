/**
 * The process groups of running local commands. Each local command runs in
 * its own process group (detached), so neither a terminal's Ctrl-C nor
 * tsplay's own exit reaches it: without this, an interrupted run kept the
 * process alive until the command ended (its pipes hold the event loop).
 *
 * - terminate(): SIGTERM to each group, SIGKILL to what is left after a
 *   short grace; resolves once every command has ended, or, if something
 *   that left the group still holds a command's pipes, after a second grace
 *   with those pipes dropped.
 * - a process 'exit' hook SIGKILLs whatever is still running when tsplay
 *   leaves abruptly (second Ctrl-C, process.exit).
 */

/** how long a command gets to end after SIGTERM before SIGKILL */
export const TERMINATE_GRACE_MS = 1500;

/** signals a whole process group; false when it is already gone */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 1)) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** every group started by any LocalConnection of this process, for the exit hook */
const everyGroup = new Set<number>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  for (const pgid of everyGroup) signalGroup(pgid, 'SIGKILL');
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllOnExit);
}

interface Tracked {
  /** resolves when the command has ended (its pipes closed) */
  done: Promise<void>;
  /** stops waiting for the command: drops its pipes so it no longer holds the event loop */
  forget: () => void;
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
}

export class LocalGroups {
  private readonly running = new Map<number, Tracked>();

  /** tracks a command's group until `ended` settles */
  add(pgid: number, ended: Promise<unknown>, forget: () => void): void {
    if (!(pgid > 1)) return;
    installExitHook();
    everyGroup.add(pgid);
    const done = ended.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(pgid, { done, forget });
    void done.then(() => {
      this.running.delete(pgid);
      everyGroup.delete(pgid);
    });
  }

  get size(): number {
    return this.running.size;
  }

  /** SIGTERM every running command's group, SIGKILL after `graceMs`; resolves when all have ended */
  async terminate(graceMs = TERMINATE_GRACE_MS): Promise<void> {
    const groups = [...this.running.entries()];
    if (groups.length === 0) return;
    for (const [pgid] of groups) signalGroup(pgid, 'SIGTERM');
    const allEnded = Promise.all(groups.map(([, t]) => t.done));
    if (await within(allEnded, graceMs)) return;
    for (const [pgid] of groups) if (this.running.has(pgid)) signalGroup(pgid, 'SIGKILL');
    if (await within(allEnded, graceMs)) return;
    // a process that left the group (setsid) still holds the pipes: stop waiting for it
    for (const [pgid, t] of groups) if (this.running.has(pgid)) t.forget();
  }
}
