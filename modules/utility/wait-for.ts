import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export interface WaitForParams {
  host?: string;
  port?: number;
  path?: string;
  search_regex?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent' | 'drained';
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
  msg?: string;
}

type Mode = 'started' | 'stopped' | 'drained' | 'present' | 'absent' | 'sleep';

/**
 * The whole wait as ONE remote shell loop (one round trip). Arguments arrive
 * as positional parameters, so host, path and regex are data. Ports are
 * probed with bash's /dev/tcp, else nc, else ss (local listeners only).
 */
export const WAIT_SCRIPT = String.raw`
mode=$1 host=$2 port=$3 path=$4 regex=$5 timeout=$6 delay=$7 pause=$8 ct=$9
start=$(date +%s)
elapsed() { echo "elapsed=$(( $(date +%s) - start ))"; }
[ "$delay" -gt 0 ] && sleep "$delay"
if [ "$mode" = sleep ]; then sleep "$timeout"; elapsed; exit 0; fi
if command -v bash >/dev/null 2>&1; then via=bash; elif command -v nc >/dev/null 2>&1; then via=nc; elif command -v ss >/dev/null 2>&1; then via=ss; else via=none; fi
tmo() { if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi; }
port_open() {
  case $via in
    bash) tmo "$ct" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null ;;
    nc) nc -z -w "$ct" "$host" "$port" 2>/dev/null ;;
    ss) ss -Hltn "sport = :$port" 2>/dev/null | grep -q . ;;
    *) echo "cannot probe ports on this host: it has none of bash, nc, ss" >&2; exit 3 ;;
  esac
}
port_match() {
  [ "$via" = bash ] || { echo "search_regex on a port needs bash on the host" >&2; exit 3; }
  tmo "$ct" bash -c 'exec 3<>"/dev/tcp/$1/$2" && head -c 65536 <&3' _ "$host" "$port" 2>/dev/null | grep -Eq -- "$regex"
}
path_ok() { [ -e "$path" ] || return 1; [ -z "$regex" ] || grep -Eq -- "$regex" "$path" 2>/dev/null; }
drained() {
  command -v ss >/dev/null 2>&1 || { echo "state=drained needs ss on the host" >&2; exit 3; }
  [ "$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)" -eq 0 ]
}
check() {
  case $mode in
    started) if [ -n "$regex" ]; then port_match; else port_open; fi ;;
    stopped) ! port_open ;;
    drained) drained ;;
    present) path_ok ;;
    absent) [ ! -e "$path" ] ;;
  esac
}
while :; do
  if check; then elapsed; exit 0; fi
  if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then elapsed; exit 1; fi
  sleep "$pause"
done
`;

/** What to wait for, from the parameters (Ansible's rules: path or port; present = started). */
export function waitMode(p: WaitForParams): Mode {
  const state = p.state ?? 'started';
  if (p.path !== undefined) {
    if (state === 'drained') throw new ModuleFailure('state=drained applies to a port, not a path');
    return state === 'absent' || state === 'stopped' ? 'absent' : 'present';
  }
  if (p.port === undefined) return 'sleep';
  if (state === 'present') return 'started';
  if (state === 'absent') return 'stopped';
  return state;
}

/** The argv of the remote loop. */
export function waitArgv(p: WaitForParams): string[] {
  const n = (v: number | undefined, d: number) => String(Math.max(0, Math.floor(v ?? d)));
  return [
    'sh', '-c', WAIT_SCRIPT, 'tsplay-wait_for', waitMode(p), p.host ?? '127.0.0.1', String(p.port ?? ''), p.path ?? '',
    p.search_regex ?? '', n(p.timeout, 300), n(p.delay, 0), String(Math.max(0.1, p.sleep ?? 1)), n(p.connect_timeout, 5),
  ];
}

/** Ansible's timeout message for each mode. */
export function timeoutMessage(p: WaitForParams): string {
  const where = `${p.host ?? '127.0.0.1'}:${p.port}`;
  switch (waitMode(p)) {
    case 'started': return p.search_regex ? `Timeout when waiting for search string ${p.search_regex} in ${where}` : `Timeout when waiting for ${where}`;
    case 'stopped': return `Timeout when waiting for ${where} to stop.`;
    case 'drained': return `Timeout when waiting for ${where} to drain`;
    case 'present': return p.search_regex ? `Timeout when waiting for search string ${p.search_regex} in ${p.path}` : `Timeout when waiting for file ${p.path}`;
    case 'absent': return `Timeout when waiting for ${p.path} to be absent.`;
    default: return 'Timeout';
  }
}

interface WaitFacts {
  rc: number;
  elapsed: number;
  stderr: string;
}

export const waitFor = defineModule<WaitForParams, WaitFacts>({
  name: 'wait_for',
  aliases: ['ansible.builtin.wait_for'],
  doc: {
    short: 'Wait for a port, a file or a string on the host',
    description:
      'Runs the whole wait as one shell loop on the host (one round trip): a port accepting connections (bash /dev/tcp, nc or ' +
      'ss, whichever exists), closed, or drained of connections; a file present (optionally containing search_regex) or absent; ' +
      'or with neither, just sleeps timeout seconds. Skipped in check mode, as in Ansible (the service it waits for was not really ' +
      'started); `check_mode: false` forces it. Delegate to localhost to wait from the controller.',
    examples: ['- wait_for:', '    port: 8008', '    timeout: 60', '- wait_for:', '    path: /var/lib/postgresql/15/main/PG_VERSION', '- wait_for:', '    port: 5432', '    state: drained'].join('\n'),
    returns: { elapsed: 'seconds waited', state: 'the state waited for', port: 'the port', path: 'the path' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'Address to connect to, as seen from the host.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
      path: { type: 'string', description: 'File to wait for.' },
      search_regex: { type: 'string', description: 'Extended regular expression to find in the file or the port banner.' },
      state: { type: 'string', enum: ['started', 'stopped', 'present', 'absent', 'drained'], default: 'started', description: 'What to wait for.' },
      timeout: { type: 'integer', minimum: 0, default: 300, description: 'Seconds to wait at most (includes delay).' },
      delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { type: 'number', minimum: 0.1, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds for one connection attempt.' },
      msg: { type: 'string', description: 'Message on timeout instead of the default.' },
    },
  },
  async probe(ctx, p) {
    if (p.port !== undefined && p.path !== undefined) throw new ModuleFailure('wait_for takes port or path, not both');
    // check mode: what it waits for was probably not really started; Ansible skips it too
    if (ctx.check) return { rc: 0, elapsed: 0, stderr: '' };
    const budget = (p.delay ?? 0) + (p.timeout ?? 300) + (p.connect_timeout ?? 5) + 10;
    const res = await ctx.run(waitArgv(p), { timeoutMs: budget * 1000 });
    const elapsed = Number(/elapsed=(\d+)/.exec(res.stdout)?.[1] ?? Math.round(res.durationMs / 1000));
    return { rc: res.rc, elapsed, stderr: res.stderr.trim() };
  },
  plan(p, facts, pc) {
    if (pc.check) return { changes: [], skipped: 'wait_for does not run in check mode (set check_mode: false to force it)' };
    const data: Record<string, unknown> = { elapsed: facts.elapsed, state: p.state ?? 'started' };
    if (p.port !== undefined) data.port = p.port;
    if (p.path !== undefined) data.path = p.path;
    if (p.search_regex !== undefined) data.search_regex = p.search_regex;
    if (facts.rc === 1) throw new ModuleFailure(p.msg ?? timeoutMessage(p), { data });
    if (facts.rc !== 0) throw new ModuleFailure(facts.stderr || `wait_for could not run on the host (rc ${facts.rc})`, { data });
    return { changes: [], data };
  },
});
