/** The lab's record on disk (lab.json) and what is really running. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { labPaths } from './paths.js';

export interface HostRecord {
  name: string;
  address: string;
  groups: string[];
  /** the nspawn machine name (= host name) */
  machine: string;
  /** the controller side of its veth, vb-NAME */
  veth: string;
}

export interface LabState {
  name: string;
  subnet: string;
  bridge: string;
  controller: string;
  hosts: HostRecord[];
  createdAt: string;
  /** the copy written into a repository checkout (inventories/lab.ini), removed by down */
  repoInventory?: string;
}

export function readState(lab: string): LabState | undefined {
  const file = labPaths(lab).state;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

export function writeState(state: LabState): void {
  writeFileSync(labPaths(state.name).state, `${JSON.stringify(state, null, 2)}\n`);
}

/** Splits a /proc/PID/cmdline into arguments. */
function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export interface NspawnProcess {
  pid: number;
  /** the -D directory */
  dir: string;
}

/** The -D argument of an nspawn command line (also -D=DIR, --directory DIR, --directory=DIR). */
export function nspawnDirectory(argv: string[]): string | undefined {
  if (!argv[0]?.endsWith('systemd-nspawn')) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-D' || a === '--directory') return argv[i + 1];
    const m = /^(?:-D|--directory=)(.+)$/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

function allPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** Every systemd-nspawn process whose -D is under `root`. */
export function nspawnProcessesUnder(root: string): NspawnProcess[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const out: NspawnProcess[] = [];
  for (const pid of allPids()) {
    const dir = nspawnDirectory(cmdline(pid));
    if (dir && (dir === root || dir.startsWith(prefix))) out.push({ pid, dir });
  }
  return out;
}

export function nspawnFor(merged: string): number | undefined {
  return nspawnProcessesUnder(merged).find((p) => p.dir.replace(/\/+$/, '') === merged)?.pid;
}

/** The container's init: the nspawn process's child. */
export function containerInit(nspawnPid: number): number | undefined {
  try {
    const kids = readFileSync(`/proc/${nspawnPid}/task/${nspawnPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    if (kids.length > 0) return kids[0];
  } catch {
    /* fall back to scanning parents */
  }
  for (const pid of allPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === nspawnPid) return pid;
    } catch {
      /* gone */
    }
  }
  return undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Overlay mount points under `root`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(root: string): string[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === root || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

