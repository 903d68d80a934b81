/** firewalld's one-round-trip probe and the `--list-all` parser (pure; tested on recorded output). */
import { nonEmptyLines, splitSections } from './common.js';

export interface ZoneView {
  zone: string;
  ports: string[];
  services: string[];
  sources: string[];
  interfaces: string[];
  richRules: string[];
}

export interface FirewalldFacts {
  installed: boolean;
  running: boolean;
  zone: string;
  /** undefined when firewalld is not running */
  runtime?: ZoneView;
  permanent: ZoneView;
  /** --query-rich-rule answers for the task's rich rule */
  rich?: { runtime?: boolean; permanent: boolean };
  /** an error firewall-cmd gave (INVALID_ZONE ...) */
  error?: string;
}

/** $1 zone or '' for the default zone, $2 the rich rule or ''. */
export const FIREWALLD_PROBE = String.raw`
zone=$1 rich=$2
export LC_ALL=C
if ! command -v firewall-cmd >/dev/null 2>&1; then echo @@missing; echo @@end; exit 0; fi
if firewall-cmd --state >/dev/null 2>&1; then run=1; cmd=firewall-cmd; else run=0; cmd=firewall-offline-cmd; fi
[ -n "$zone" ] || zone=$($cmd --get-default-zone 2>/dev/null)
echo @@running; echo $run
echo @@zone; echo "$zone"
if [ $run = 1 ]; then
  echo @@runtime; firewall-cmd --zone "$zone" --list-all 2>&1
  echo @@permanent; firewall-cmd --permanent --zone "$zone" --list-all 2>&1
  if [ -n "$rich" ]; then echo @@rich; firewall-cmd --zone "$zone" --query-rich-rule="$rich" 2>&1; firewall-cmd --permanent --zone "$zone" --query-rich-rule="$rich" 2>&1; fi
else
  echo @@permanent; firewall-offline-cmd --zone "$zone" --list-all 2>&1
  if [ -n "$rich" ]; then echo @@rich; echo offline; firewall-offline-cmd --zone "$zone" --query-rich-rule="$rich" 2>&1; fi
fi
echo @@end
`;

const words = (v: string | undefined): string[] => (v ?? '').trim().split(/\s+/).filter((w) => w !== '');

/** `firewall-cmd --zone Z --list-all`: "zone (active)", then "  key: values", rich rules on tab-indented lines. */
export function parseListAll(text: string): ZoneView | { error: string } {
  const lines = text.split('\n');
  const head = lines.find((l) => l.trim() !== '') ?? '';
  if (head.startsWith('Error:') || /^(usage|FirewallD is not running)/i.test(head)) return { error: head.trim() };
  const fields: Record<string, string> = {};
  const rich: string[] = [];
  let inRich = false;
  for (const line of lines.slice(lines.indexOf(head) + 1)) {
    const kv = /^ {2}([a-z -]+):\s?(.*)$/.exec(line);
    if (kv) {
      fields[kv[1]!] = kv[2]!;
      inRich = kv[1] === 'rich rules';
    } else if (inRich && line.trim() !== '') rich.push(line.trim());
  }
  return {
    zone: head.split(/\s+/)[0]!,
    ports: words(fields.ports),
    services: words(fields.services),
    sources: words(fields.sources),
    interfaces: words(fields.interfaces),
    richRules: rich,
  };
}

const EMPTY: ZoneView = { zone: '', ports: [], services: [], sources: [], interfaces: [], richRules: [] };

export function parseFirewalldProbe(out: string): FirewalldFacts {
  const s = splitSections(out);
  if ('missing' in s) return { installed: false, running: false, zone: '', permanent: EMPTY };
  const running = nonEmptyLines(s.running)[0] === '1';
  const zone = nonEmptyLines(s.zone)[0] ?? '';
  const perm = parseListAll(s.permanent ?? '');
  const rt = running ? parseListAll(s.runtime ?? '') : undefined;
  const error = 'error' in perm ? perm.error : rt && 'error' in rt ? rt.error : undefined;
  const answers = nonEmptyLines(s.rich);
  return {
    installed: true,
    running,
    zone,
    runtime: rt && !('error' in rt) ? rt : undefined,
    permanent: 'error' in perm ? EMPTY : perm,
    rich: answers.length === 2 ? { runtime: answers[0] === 'offline' ? undefined : answers[0] === 'yes', permanent: answers[1] === 'yes' } : undefined,
    error,
  };
}
