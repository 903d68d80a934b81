/** systemd's probes and what their output means (pure; tested on recorded bookworm output). */
import { splitSections, tail } from './common.js';

export type UnitProps = Record<string, string>;

export const SHOW_PROPS = [
  'Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'Result', 'ConditionResult', 'AssertResult',
  'ExecMainStatus', 'NeedDaemonReload', 'CanReload', 'FragmentPath',
];

/**
 * $1 scope flag (--system, --user, --global), $2 the unit, $3 the properties,
 * $4 seconds to let a just-started unit settle first (a Type=simple unit that
 * dies at once is "active" for a moment): one `systemctl show` (is-enabled for --global).
 * Exits with systemctl's status: a host where systemctl cannot reach systemd
 * fails the probe (and --check) instead of looking like a stopped unit.
 */
export const SYSTEMD_PROBE = String.raw`
scope=$1 unit=$2
export LC_ALL=C SYSTEMD_PAGER= SYSTEMD_COLORS=0
if [ "$scope" = --user ] && [ -z "$XDG_RUNTIME_DIR" ]; then export XDG_RUNTIME_DIR="/run/user/$(id -u)"; fi
if [ -n "$4" ]; then sleep "$4"; fi
echo @@show
rc=0
if [ "$scope" = --global ]; then systemctl --global is-enabled -- "$unit" 2>/dev/null | sed 's/^/UnitFileState=/'
else systemctl "$scope" show -p "$3" -- "$unit" || rc=$?; fi
echo @@end
exit $rc
`;

/** $1 scope flag, $2 unit: what an operator would look at after a failed start. */
export const SYSTEMD_FAILURE_INFO = String.raw`
scope=$1 unit=$2
export LC_ALL=C SYSTEMD_PAGER= SYSTEMD_COLORS=0
if [ "$scope" = --user ] && [ -z "$XDG_RUNTIME_DIR" ]; then export XDG_RUNTIME_DIR="/run/user/$(id -u)"; fi
echo @@status; systemctl "$scope" status --no-pager -l -n 0 -- "$unit" 2>&1
echo @@journal
if [ "$scope" = --user ]; then journalctl --user -u "$unit" -n 30 --no-pager 2>&1; else journalctl -u "$unit" -n 30 --no-pager 2>&1; fi
echo @@end
`;

/** systemctl "$@", with the user manager reachable for --user (the become user's runtime dir). */
export const SYSTEMCTL_RUN = String.raw`
if [ "$1" = --user ] && [ -z "$XDG_RUNTIME_DIR" ]; then export XDG_RUNTIME_DIR="/run/user/$(id -u)"; fi
exec systemctl "$@"
`;

export function parseShow(text: string): UnitProps {
  const props: UnitProps = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return props;
}

export function parseSystemdProbe(out: string): UnitProps {
  return parseShow(splitSections(out).show ?? '');
}

const RUNNING = new Set(['active', 'activating', 'reloading']);
/** is-enabled answers that mean "starts at boot" (rc 0 of `systemctl is-enabled`) */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'transient', 'linked', 'linked-runtime']);

export const isRunning = (u: UnitProps): boolean => RUNNING.has(u.ActiveState ?? '');
export const isEnabled = (u: UnitProps): boolean => ENABLED.has(u.UnitFileState ?? '');
export const isMasked = (u: UnitProps): boolean => u.LoadState === 'masked' || (u.UnitFileState ?? '').startsWith('masked');
export const isNotFound = (u: UnitProps): boolean => u.LoadState === 'not-found' && !isMasked(u);

export interface FailureInfo {
  status: string;
  journal: string;
  /** "ConditionPathExists=/x was not met" lines of systemctl status */
  conditions: string[];
}

export function parseFailureInfo(out: string): FailureInfo {
  const s = splitSections(out);
  const status = (s.status ?? '').trimEnd();
  const conditions = status
    .split('\n')
    .map((l) => l.replace(/^[\s└─├│]+/u, '').trim())
    .filter((l) => /^(Condition|Assert)\w+=.* was not met$/.test(l));
  // systemd 252 (bookworm) says it in the journal: "... was skipped because of an unmet condition check (ConditionPathExists=/x)."
  const skipped = [...(s.journal ?? '').matchAll(/unmet (?:condition|assert) check \(((?:Condition|Assert)\w+=[^)]*)\)/g)].map((m) => `${m[1]} was not met`);
  const last = skipped.at(-1);
  return { status, journal: tail(s.journal ?? '', 30), conditions: conditions.length ? conditions : last ? [last] : [] };
}

/**
 * After a start: null when the unit did start (or a oneshot ran and finished
 * well), else why not. Skipped units are not "started".
 */
export function startVerdict(u: UnitProps): { kind: 'condition' | 'failed'; detail: string } | null {
  if (isRunning(u)) return null;
  if (u.ConditionResult === 'no' || u.AssertResult === 'no') return { kind: 'condition', detail: `ActiveState=${u.ActiveState}, ConditionResult=${u.ConditionResult}` };
  if (u.ActiveState === 'inactive' && (u.Result ?? 'success') === 'success' && (u.ExecMainStatus ?? '0') === '0') return null;
  return { kind: 'failed', detail: `ActiveState=${u.ActiveState}, SubState=${u.SubState}, Result=${u.Result}, ExecMainStatus=${u.ExecMainStatus}` };
}
