/** apt's one-round-trip probe and its parsers (pure; tested on recorded bookworm output). */
import { nonEmptyLines, splitSections } from './common.js';

/**
 * $1 deb path or '', $2 1 to simulate `apt-get -f install`, $3 1 to simulate
 * autoremove, $4 '' (no cache update) or the cache's validity in seconds
 * (0: always update), $5 1 in check mode (the update is only reported),
 * $6 the lock timeout, then package names. The cache is brought up to date
 * before anything is read, as Ansible does, so "latest" means latest; the
 * deb's own package is looked up too.
 */
export const APT_PROBE = String.raw`
deb=$1 fixed=$2 autorm=$3 valid=$4 check=$5 lock=$6; shift 6
export LC_ALL=C
now=$(date +%s)
stamp=$(stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0)
echo @@updated
if [ -n "$valid" ] && { [ "$valid" = 0 ] || [ $((now - stamp)) -gt "$valid" ]; }; then
  if [ "$check" = 1 ]; then echo check
  elif out=$(apt-get update -q -o "DPkg::Lock::Timeout=$lock" 2>&1); then
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp; stamp=$now; echo yes
  else echo failed; echo @@update_output; printf '%s\n' "$out" | tail -n 15; fi
else echo no; fi
echo @@now; echo "$now"
echo @@stamp; echo "$stamp"
echo @@deb
if [ -n "$deb" ]; then
  if [ -f "$deb" ]; then
    dpkg-deb -f "$deb" Package Version
    p=$(dpkg-deb -f "$deb" Package 2>/dev/null); [ -n "$p" ] && set -- "$@" "$p"
  else echo '@missing'; fi
fi
echo @@dpkg; [ $# -gt 0 ] && dpkg-query -W -f='${'$'}{Package}\t${'$'}{db:Status-Status}\t${'$'}{Version}\n' -- "$@" 2>/dev/null
echo @@policy; [ $# -gt 0 ] && apt-cache policy "$@" 2>/dev/null
echo @@fixed; [ "$fixed" = 1 ] && apt-get -s -f install 2>&1 | grep -E '^[0-9]+ upgraded'
echo @@autoremove; [ "$autorm" = 1 ] && apt-get -s autoremove 2>/dev/null | grep '^Remv '
echo @@end
`;

export interface AptFacts {
  /** installed name -> version (status "installed" only) */
  installed: Record<string, string>;
  /** names with only configuration files left */
  configOnly: string[];
  /** name -> candidate version, null for "(none)" or unknown to apt */
  candidates: Record<string, string | null>;
  /** seconds since the last cache update; undefined when never updated */
  cacheAge?: number;
  deb?: { package: string; version: string } | 'missing';
  /** `apt-get -f install` would change something */
  needsFix: boolean;
  /** packages `apt-get autoremove` would remove */
  autoremovable: string[];
  /** the cache update the probe made: yes, no (not needed or asked), check (needed, check mode), failed */
  cacheUpdate: 'yes' | 'no' | 'check' | 'failed';
  /** apt-get update's last lines when it failed */
  updateOutput?: string;
}

/** dpkg-query -W -f='${Package}\t${db:Status-Status}\t${Version}\n' lines. */
export function parseDpkgQuery(text: string): { installed: Record<string, string>; configOnly: string[] } {
  const installed: Record<string, string> = {};
  const configOnly: string[] = [];
  for (const line of nonEmptyLines(text)) {
    const [name = '', status = '', version = ''] = line.split('\t');
    if (status === 'installed') installed[name] = version;
    else if (status === 'config-files') configOnly.push(name);
  }
  return { installed, configOnly };
}

/** `apt-cache policy NAMES`: "name:" then "  Candidate: v" per package. */
export function parseAptPolicy(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      current = head[1]!.split(':')[0]!;
      out[current] = null;
      continue;
    }
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current !== undefined) out[current] = cand[1] === '(none)' ? null : cand[1]!;
  }
  return out;
}

function parseDeb(text: string | undefined): AptFacts['deb'] {
  const t = (text ?? '').trim();
  if (t === '') return undefined;
  if (t === '@missing') return 'missing';
  const field = (k: string): string => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(t)?.[1]?.trim() ?? '';
  return { package: field('Package'), version: field('Version') };
}

const UPDATE_WORDS = ['yes', 'no', 'check', 'failed'] as const;

export function parseAptProbe(out: string): AptFacts {
  const s = splitSections(out);
  const now = Number(nonEmptyLines(s.now)[0]);
  const stamp = Number(nonEmptyLines(s.stamp)[0]);
  const fixed = /^(\d+) upgraded, (\d+) newly installed, (\d+) to remove/m.exec(s.fixed ?? '');
  return {
    ...parseDpkgQuery(s.dpkg ?? ''),
    candidates: parseAptPolicy(s.policy ?? ''),
    cacheAge: Number.isFinite(now) && Number.isFinite(stamp) && stamp > 0 ? Math.max(0, now - stamp) : undefined,
    deb: parseDeb(s.deb),
    needsFix: fixed ? fixed.slice(1, 4).some((n) => n !== '0') : false,
    autoremovable: nonEmptyLines(s.autoremove).map((l) => l.split(/\s+/)[1] ?? '').filter((n) => n !== ''),
    cacheUpdate: UPDATE_WORDS.find((w) => w === nonEmptyLines(s.updated)[0]) ?? 'no',
    updateOutput: s.update_output?.trim() || undefined,
  };
}
