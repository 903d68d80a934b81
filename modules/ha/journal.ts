/**
 * Known etcd and Patroni failure lines, turned into the explanation a user
 * needs. Pure: tested on recorded journal excerpts.
 */
import { shellJoin } from '../../engine/connection/types.js';
import type { ModuleContext } from '../../engine/module-api.js';

interface Hint {
  pattern: RegExp;
  explain: string;
  /** the service will not recover by waiting */
  fatal?: boolean;
}

const HINTS: Hint[] = [
  {
    pattern: /couldn't find local name .* in the initial cluster configuration/i,
    explain: 'not listed in the initial cluster config: ETCD_NAME is missing from ETCD_INITIAL_CLUSTER',
    fatal: true,
  },
  {
    pattern: /the member has been permanently removed from the cluster/i,
    explain: 'member has been permanently removed: the data dir belongs to a member removed from the cluster; wipe it and add the member again',
    fatal: true,
  },
  {
    pattern: /cluster ID mismatch|conflicting cluster ID/i,
    explain: 'conflicting cluster ID: this member and its peers belong to different clusters (ETCD_INITIAL_CLUSTER_TOKEN, ETCD_INITIAL_CLUSTER_STATE or a stale data dir differ)',
    fatal: true,
  },
  { pattern: /error validating peerURLs/i, explain: "the peer URLs in ETCD_INITIAL_CLUSTER do not match the cluster's member list", fatal: true },
  { pattern: /has already been bootstrapped/i, explain: 'the member was already bootstrapped: a data dir exists, so ETCD_INITIAL_CLUSTER is ignored', fatal: true },
  { pattern: /address already in use|Port \d+ is already in use|could not bind/i, explain: 'a port is owned by another process', fatal: true },
  {
    pattern: /Failed to get list of machines|EtcdConnectionFailed|failed to connect to etcd|etcd3? is not accessible|DCS is not accessible/i,
    explain: 'Patroni cannot reach etcd (check etcd3.hosts, that every etcd member is up and the cluster version is 3.4)',
  },
  { pattern: /password authentication failed/i, explain: 'a PostgreSQL password is wrong (replication or superuser)' },
  { pattern: /database system identifier differs|system ID mismatch/i, explain: 'system ID mismatch: the data dir belongs to another cluster than the one in etcd', fatal: true },
  { pattern: /initdb: error|initdb failed|Initdb failed/i, explain: 'initdb failed' },
  { pattern: /Failed to bootstrap cluster|PatroniFatalException/i, explain: 'Patroni failed to bootstrap the cluster', fatal: true },
  { pattern: /pg_basebackup: error|Error creating replica|failed to bootstrap from leader/i, explain: 'the replica could not be cloned from the leader (pg_basebackup)' },
];

/** Explanations for the known failure lines in a journal excerpt, each once. */
export function explainJournal(journal: string): string[] {
  const out: string[] = [];
  for (const h of HINTS) {
    if (h.pattern.test(journal) && !out.includes(h.explain)) out.push(h.explain);
  }
  return out;
}

/** A cause in the journal that waiting longer will not cure, or undefined. */
export function fatalCause(journal: string): string | undefined {
  return HINTS.find((h) => h.fatal && h.pattern.test(journal))?.explain;
}

/** The lines that match a known failure (each distinct text once, the last `max`). */
export function keyLines(journal: string, max = 8): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of journal.split('\n')) {
    const text = stripPrefix(line);
    if (HINTS.some((h) => h.pattern.test(text)) && !seen.has(text)) (seen.add(text), out.push(line));
  }
  return out.slice(-max);
}

/** `2026-11-22T04:28:43+0000 host unit[pid]: text` -> `text` */
function stripPrefix(line: string): string {
  return line.replace(/^\S+ \S+ [^:]+: /, '');
}

/** Consecutive lines with the same text (timestamps aside) folded into one with a count. */
export function collapseRepeats(journal: string): string {
  const out: string[] = [];
  let prev = '';
  let count = 0;
  const flush = (): void => {
    if (count > 1) out[out.length - 1] += `  (repeated ${count} times)`;
  };
  for (const line of journal.split('\n')) {
    const text = stripPrefix(line);
    if (text === prev && out.length) {
      count++;
      continue;
    }
    flush();
    out.push(line);
    prev = text;
    count = 1;
  }
  flush();
  return out.join('\n');
}

/** The last lines of a unit's journal, since an epoch second when given (never throws; '' when unavailable). */
export async function readJournal(ctx: ModuleContext, unit: string, opts: { lines?: number; since?: number } = {}): Promise<string> {
  const argv = ['journalctl', '-u', unit, '-n', String(opts.lines ?? 300), '--no-pager', '-o', 'short-iso'];
  if (opts.since !== undefined) argv.push(`--since=@${opts.since}`);
  const r = await ctx.run(shellJoin(argv));
  return r.rc === 0 ? r.stdout.trim() : '';
}

/**
 * A failure message: what failed, the likely causes, the key lines found in
 * the wider excerpt, then the last 50 lines (repeats folded).
 */
export function failureMessage(what: string, unit: string, journal: string): string {
  const why = explainJournal(journal);
  const parts = [what];
  if (why.length) parts.push(`likely cause: ${why.join('; ')}`);
  const keys = keyLines(journal);
  if (keys.length) parts.push(`key lines:\n${keys.join('\n')}`);
  const tail = journal.split('\n').slice(-50).join('\n');
  parts.push(journal ? `journalctl -u ${unit} -n 50 --no-pager:\n${collapseRepeats(tail)}` : `(no journal for ${unit})`);
  return parts.join('\n');
}
