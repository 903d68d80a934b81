/**
 * One lab host: an overlay over the template, booted with systemd-nspawn on
 * the lab bridge, reached over SSH with the lab key and its own host key.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsplayError } from '../errors.js';
import { shellJoin, shellQuote } from '../connection/types.js';
import { cgroupPids, hostCgroups, removeCgroup } from './cgroup.js';
import { labKeyPath, labPaths, templateDir } from './paths.js';
import { run, runOk, sleep, tail, type RunResult } from './sh.js';
import { alive, containerInit, nspawnFor, type HostRecord } from './state.js';

export interface HostEnv {
  lab: string;
  bridge: string;
  prefix: number;
  all: HostRecord[];
}

async function mountOverlay(hostDir: string): Promise<string> {
  const merged = join(hostDir, 'merged');
  for (const d of ['upper', 'work', 'merged']) mkdirSync(join(hostDir, d), { recursive: true });
  const opts = `lowerdir=${templateDir()},upperdir=${join(hostDir, 'upper')},workdir=${join(hostDir, 'work')}`;
  await runOk(['mount', '-t', 'overlay', 'overlay', '-o', opts, merged], `mounting the overlay of ${hostDir}`, {
    hint: 'the kernel must support overlayfs over this filesystem',
  });
  return merged;
}

export async function isMounted(path: string): Promise<boolean> {
  return (await run(['mountpoint', '-q', path])).rc === 0;
}

function etcHosts(all: HostRecord[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const o of all) lines.push(`${o.address}\t${o.name}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Mounts the host's overlay and, on first use, writes its identity: hostname,
 * /etc/hosts, machine-id, static address and a fresh SSH host key. Returns
 * the public host key ("ssh-ed25519 AAAA...").
 */
export async function prepareHost(h: HostRecord, env: HostEnv): Promise<string> {
  const hostDir = labPaths(env.lab).hostDir(h.name);
  const fresh = !existsSync(join(hostDir, 'upper'));
  const merged = (await isMounted(join(hostDir, 'merged'))) ? join(hostDir, 'merged') : await mountOverlay(hostDir);
  const keyFile = join(merged, 'etc/ssh/ssh_host_ed25519_key');
  if (fresh || !existsSync(keyFile)) {
    writeFileSync(join(merged, 'etc/hostname'), `${h.name}\n`);
    writeFileSync(join(merged, 'etc/hosts'), etcHosts(env.all));
    writeFileSync(join(merged, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
    // the only locale a minbase system has; without the file pam_env logs an error per login
    writeFileSync(join(merged, 'etc/default/locale'), 'LANG=C.UTF-8\n');
    mkdirSync(join(merged, 'etc/systemd/network'), { recursive: true });
    writeFileSync(join(merged, 'etc/systemd/network/10-host0.network'), `[Match]\nName=host0\n\n[Network]\nAddress=${h.address}/${env.prefix}\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`);
    rmSync(`${keyFile}`, { force: true });
    rmSync(`${keyFile}.pub`, { force: true });
    await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', keyFile], `generating ${h.name}'s host key`);
  }
  return readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** Boots the host detached (its own session), console to console.log; resolves with nspawn's pid. */
export async function bootHost(h: HostRecord, env: HostEnv): Promise<number> {
  const p = labPaths(env.lab);
  appendFileSync(p.console(h.name), `\n--- tsplay: boot at ${new Date().toISOString()}\n`);
  const log = openSync(p.console(h.name), 'a');
  const args = ['-q', '--register=no', '--keep-unit', '-D', p.merged(h.name), '-b', '-M', h.machine, `--network-bridge=${env.bridge}`];
  // enter the host's own cgroup, then become nspawn (see cgroup.ts)
  const enter = hostCgroups(env.lab, h.name).map((d) => `echo $$ > ${shellQuote(join(d, 'cgroup.procs'))}`);
  const script = `${enter.join(' && ')}${enter.length ? ' && ' : ''}exec ${shellJoin(['systemd-nspawn', ...args])}`;
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['ignore', log, log] });
  child.on('error', () => undefined);
  child.unref();
  closeSync(log);
  // the shell execs nspawn once it is in its cgroup: wait for that
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = nspawnFor(p.merged(h.name));
    if (pid !== undefined) return pid;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new TsplayError('TSPLAY_LAB', `systemd-nspawn did not start for ${h.name}`, { host: h.name, excerpt: consoleTail(env.lab, h.name) });
    }
    await sleep(20);
  }
}

export function sshArgs(address: string, knownHosts: string, extra: string[] = []): string[] {
  return [
    'ssh', '-i', labKeyPath(), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=3', '-o', 'LogLevel=ERROR', '-o', 'SendEnv=-LC_* -LANG', ...extra, `root@${address}`,
  ];
}

export async function sshExec(address: string, knownHosts: string, cmd: string, timeoutMs = 120_000): Promise<RunResult> {
  return run([...sshArgs(address, knownHosts), cmd], { timeoutMs });
}

/** Runs a shell command in the host's namespaces from the controller (works while its link is cut). */
export async function nsenterExec(lab: string, host: string, cmd: string, timeoutMs = 120_000): Promise<RunResult> {
  const init = hostInit(lab, host);
  if (init === undefined) return { rc: 255, stdout: '', stderr: `${host} is not running` };
  return run(['nsenter', '-t', String(init), '-a', '/bin/sh', '-c', cmd], { timeoutMs });
}

export function hostInit(lab: string, host: string): number | undefined {
  const nspawn = nspawnFor(labPaths(lab).merged(host));
  return nspawn === undefined ? undefined : containerInit(nspawn);
}

/** Waits until SSH answers and systemd says running or degraded. */
export async function waitReady(h: HostRecord, env: HostEnv & { knownHosts: string }, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const merged = labPaths(env.lab).merged(h.name);
  let last = '';
  while (Date.now() < deadline) {
    if (nspawnFor(merged) === undefined) {
      throw new TsplayError('TSPLAY_LAB', `${h.name} stopped while booting`, { host: h.name, excerpt: consoleTail(env.lab, h.name) });
    }
    const r = await sshExec(h.address, env.knownHosts, 'systemctl is-system-running --wait', 60_000);
    last = (r.stdout.trim() || r.stderr.trim()).split('\n').pop() ?? '';
    if (last === 'running' || last === 'degraded') return last;
    if (r.rc !== 255 && last !== 'starting' && last !== 'initializing') break;
    await sleep(250);
  }
  throw new TsplayError('TSPLAY_LAB', `${h.name} (${h.address}) did not become ready: ${last || 'no answer'}`, {
    host: h.name,
    excerpt: consoleTail(env.lab, h.name),
    hint: `see ${labPaths(env.lab).console(h.name)}; \`tsplay lab ssh ${h.name} systemctl --failed\``,
  });
}

export function consoleTail(lab: string, host: string): string {
  try {
    return tail(readFileSync(labPaths(lab).console(host), 'utf8'), 10);
  } catch {
    return '';
  }
}

/** Powers the host off through systemd; kills nspawn if it does not finish in time. */
export async function powerOff(lab: string, host: string, timeoutMs = 30_000): Promise<void> {
  const nspawn = nspawnFor(labPaths(lab).merged(host));
  if (nspawn === undefined) return;
  const init = containerInit(nspawn);
  if (init !== undefined) await run(['nsenter', '-t', String(init), '-a', 'systemctl', 'poweroff'], { timeoutMs: 10_000 });
  await killAfter(nspawn, timeoutMs);
  for (const dir of hostCgroups(lab, host)) {
    for (const pid of cgroupPids(dir)) process.kill(pid, 'SIGKILL');
    removeCgroup(dir);
  }
}

/** Waits for a process to exit; then SIGTERM, then SIGKILL. */
export async function killAfter(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    if (!alive(pid)) return;
    try {
      process.kill(pid, sig);
    } catch {
      return;
    }
    const until = Date.now() + 5000;
    while (alive(pid) && Date.now() < until) await sleep(100);
  }
}

/** The controller-side name of the host's veth (peer of its host0). */
export async function findVeth(lab: string, host: string): Promise<string | undefined> {
  const r = await nsenterExec(lab, host, 'cat /sys/class/net/host0/iflink');
  const index = Number(r.stdout.trim());
  if (r.rc !== 0 || !index) return undefined;
  const links = await run(['ip', '-j', 'link', 'show']);
  const list = JSON.parse(links.stdout || '[]') as { ifindex: number; ifname: string }[];
  return list.find((l) => l.ifindex === index)?.ifname;
}
