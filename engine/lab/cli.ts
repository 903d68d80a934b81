/**
 * `tsplay lab ...` argument parsing; returns an exit code. The tsplay CLI
 * dispatches `tsplay lab ARGS` here as labCommand(ARGS).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ExitCode, isTsplayError, TsplayError } from '../errors.js';
import { destroyAll, downLab } from './down.js';
import { sshArgs } from './hosts.js';
import { findHost, formatStatus, labStatus, loadLab, setHostLink, startLabHost, stopLabHost } from './ops.js';
import { DEFAULT_LAB, DEFAULT_SUBNET, labKeyPath, labPaths, CACHE_DIR } from './paths.js';
import { defaultTopology, loadTopology } from './topology.js';
import { upLab, type UpResult } from './up.js';

export const LAB_USAGE = `usage: tsplay lab COMMAND [--name LAB]
  up [--hosts N | --topology FILE] [--subnet 10.x.y.0/24] [--install-deps] [--plain]
                      build (once, cached in ${CACHE_DIR}) and boot the hosts
  demo [--install-deps]  up (3 hosts), deploy playbooks/site.yml, show patronictl list and psql through HAProxy
  status [--json]     hosts, addresses, state, link, running services
  ssh HOST [CMD...]   a shell (or CMD) on HOST as root
  stop|start HOST     power a host off / boot it again (its disk is kept)
  cut|heal HOST       take the host's link on the bridge down / up
  down                power everything off, unmount, remove the bridge (keeps the cache)
  destroy             down every lab, then remove the cache too
defaults: --name ${DEFAULT_LAB}, --hosts 3 (node1..N, or LAB-1..N for another --name, in groups etcd, patroni, haproxy), --subnet ${DEFAULT_SUBNET}`;

const OPTIONS = {
  name: { type: 'string', short: 'n', default: DEFAULT_LAB },
  hosts: { type: 'string' },
  topology: { type: 'string', short: 't' },
  subnet: { type: 'string' },
  'install-deps': { type: 'boolean', default: false },
  plain: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = { name: string; hosts?: string; topology?: string; subnet?: string; 'install-deps': boolean; plain: boolean; json: boolean; help: boolean };

function badUsage(message: string): TsplayError {
  return new TsplayError('TSPLAY_OPTIONS', message, { hint: 'tsplay lab --help' });
}

export async function labCommand(argv: string[]): Promise<number> {
  try {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
      console.log(LAB_USAGE);
      return sub ? ExitCode.ok : ExitCode.badOptions;
    }
    if (sub === 'ssh') return sshCommand(rest);
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      console.log(LAB_USAGE);
      return ExitCode.ok;
    }
    return await dispatch(sub, values as Values, positionals);
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  if (isTsplayError(e)) {
    console.error(e.format());
    return e.code === 'TSPLAY_OPTIONS' ? ExitCode.badOptions : ExitCode.error;
  }
  if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${e.message}\n${LAB_USAGE}`);
    return ExitCode.badOptions;
  }
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return ExitCode.error;
}

function oneHost(sub: string, positionals: string[]): string {
  if (positionals.length !== 1) throw badUsage(`tsplay lab ${sub} takes one HOST`);
  return positionals[0]!;
}

async function dispatch(sub: string, v: Values, positionals: string[]): Promise<number> {
  const name = v.name;
  switch (sub) {
    case 'up':
      if (positionals.length > 0) throw badUsage(`unexpected argument ${positionals[0]}`);
      return upCommand(v);
    case 'demo': {
      const { demoCommand } = await import('./demo.js');
      return demoCommand({ name, installDeps: v['install-deps'], up: labCommand });
    }
    case 'status': {
      const { state, hosts } = await labStatus(name);
      console.log(v.json ? JSON.stringify({ ...state, hosts }, null, 2) : formatStatus(state, hosts));
      return ExitCode.ok;
    }
    case 'down': {
      const r = await downLab(name);
      console.log(r.found ? `lab ${name} is down: ${plural(r.stopped, 'host')} stopped, ${plural(r.unmounted, 'overlay')} unmounted, links removed: ${r.links.join(' ') || 'none'} (cache kept in ${CACHE_DIR})` : `no lab named ${name}: nothing to do`);
      return ExitCode.ok;
    }
    case 'destroy': {
      const labs = await destroyAll();
      console.log(`labs down: ${labs.join(' ') || 'none'}; cache ${CACHE_DIR} removed`);
      return ExitCode.ok;
    }
    case 'stop':
    case 'start': {
      const host = oneHost(sub, positionals);
      await (sub === 'stop' ? stopLabHost(name, host) : startLabHost(name, host));
      console.log(`${host}: ${sub === 'stop' ? 'powered off' : 'running'}`);
      return ExitCode.ok;
    }
    case 'cut':
    case 'heal': {
      const host = oneHost(sub, positionals);
      const veth = await setHostLink(name, host, sub === 'heal');
      console.log(`${host}: link ${veth} ${sub === 'cut' ? 'down (cut)' : 'up (healed)'}`);
      return ExitCode.ok;
    }
    default:
      throw badUsage(`unknown lab command "${sub}"`);
  }
}

async function upCommand(v: Values): Promise<number> {
  if (v.hosts !== undefined && v.topology !== undefined) throw badUsage('give --hosts or --topology, not both');
  const topology = v.topology ? await loadTopology(v.topology) : defaultTopology(v.hosts === undefined ? 3 : Number(v.hosts), v.name);
  // Ctrl-C while building or booting: let the current step stop (the terminal
  // interrupts its commands too), then take down what was made; the cache is kept
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    console.error(`\ninterrupted: lab ${v.name} will be taken down (Ctrl-C again to leave now, then: tsplay lab down)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const r = await upLab({ name: v.name, topology, subnet: v.subnet, installDeps: v['install-deps'], progress: v.plain ? 'plain' : 'auto', copyInventory: true }).catch((e: unknown) => {
      if (!interrupted) throw e;
      return undefined;
    });
    if (interrupted) {
      await downLab(v.name);
      console.error(`lab ${v.name} is down`);
      return ExitCode.interrupted;
    }
    console.log(describeLab(r!));
    return ExitCode.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function describeLab(r: UpResult): string {
  const s = r.state;
  const p = labPaths(s.name);
  const head = r.reused ? `lab ${s.name} is already up (nothing done)` : `lab ${s.name} is up in ${r.seconds.toFixed(1)} s${r.builtTemplate ? ' (template built)' : ''}`;
  const hosts = s.hosts.map((h) => `  ${h.name.padEnd(12)} ${h.address.padEnd(15)} ${h.groups.join(',')}`);
  return [
    head,
    `  bridge      ${s.bridge} ${s.subnet} (controller ${s.controller}; no NAT, no forwarding)`,
    ...hosts,
    `  inventory   ${p.inventory}${r.repoInventory ? ` (copy: ${r.repoInventory})` : ''}`,
    `  known_hosts ${p.knownHosts}`,
    `  key         ${labKeyPath()}`,
    `  ssh         tsplay lab ssh ${s.hosts[0]?.name ?? 'HOST'}${s.name === DEFAULT_LAB ? '' : ` --name ${s.name}`}`,
    `  down        tsplay lab down${s.name === DEFAULT_LAB ? '' : ` --name ${s.name}`}`,
  ].join('\n');
}

/** `ssh [--name LAB] HOST [CMD...]`: everything after HOST is the command, untouched. */
function sshCommand(args: string[]): number {
  let name = DEFAULT_LAB;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--name' || a === '-n') name = args[++i] ?? '';
    else if (a.startsWith('--name=')) name = a.slice(7);
    else break;
  }
  const host = args[i];
  if (!host) throw badUsage('tsplay lab ssh HOST [CMD...]');
  const state = loadLab(name);
  const h = findHost(state, host);
  const cmd = args.slice(i + 1);
  const argv = sshArgs(h.address, labPaths(name).knownHosts, cmd.length === 0 && process.stdin.isTTY ? ['-t'] : []);
  const r = spawnSync(argv[0]!, [...argv.slice(1), ...(cmd.length > 0 ? [cmd.join(' ')] : [])], { stdio: 'inherit' });
  return r.status ?? ExitCode.error;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
