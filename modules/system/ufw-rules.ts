/** ufw's rule files and settings as data (pure; tested on recorded bookworm files). */
import { nonEmptyLines, splitSections } from './common.js';

/** One `### tuple ###` line of /etc/ufw/user.rules or user6.rules. */
export interface UfwTuple {
  /** allow, deny_log, route:allow ... */
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** in, out, in_eth0, in_eth0!out_eth1 */
  direction: string;
  /** application profile of the destination (`ufw allow OpenSSH`), '-' for none */
  dapp?: string;
  sapp?: string;
  comment?: string;
}

export interface UfwFacts {
  installed: boolean;
  active: boolean;
  /** ENABLED in ufw.conf */
  enabledAtBoot: boolean;
  logLevel: string;
  ipv6: boolean;
  policies: { incoming: string; outgoing: string; routed: string };
  v4: UfwTuple[];
  v6: UfwTuple[];
}

export const UFW_PROBE = String.raw`
export LC_ALL=C
echo @@status; if command -v ufw >/dev/null 2>&1; then ufw status 2>&1 | head -n 1; else echo '@not-installed'; fi
echo @@conf; cat /etc/ufw/ufw.conf 2>/dev/null
echo @@default; cat /etc/default/ufw 2>/dev/null
echo @@v4; grep '^### tuple ###' /etc/ufw/user.rules 2>/dev/null
echo @@v6; grep '^### tuple ###' /etc/ufw/user6.rules 2>/dev/null
echo @@end
`;

function hexDecode(hex: string): string {
  return /^[0-9a-f]*$/i.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, 'hex').toString('utf8') : hex;
}

export function parseTuple(line: string): UfwTuple | undefined {
  const body = line.replace(/^### tuple ###\s*/, '');
  const commentAt = body.indexOf(' comment=');
  const comment = commentAt >= 0 ? hexDecode(body.slice(commentAt + 9).trim()) : undefined;
  const f = (commentAt >= 0 ? body.slice(0, commentAt) : body).trim().split(/\s+/);
  // application rules carry two more fields (dapp, sapp) before the direction
  if (f.length !== 7 && f.length !== 9) return undefined;
  const [action, proto, dport, dst, sport, src] = f as [string, string, string, string, string, string];
  const apps = f.length === 9 ? { dapp: f[6]!.replace(/%20/g, ' '), sapp: f[7]!.replace(/%20/g, ' ') } : {};
  return { action, proto, dport, dst, sport, src, direction: f[f.length - 1]!, ...apps, comment };
}

function confValue(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}=\"?([^\"\\n]*)\"?`, 'm').exec(text);
  return m?.[1];
}

const POLICY_WORD: Record<string, string> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };

export function parseUfwProbe(out: string): UfwFacts {
  const s = splitSections(out);
  const status = nonEmptyLines(s.status)[0] ?? '';
  const conf = s.conf ?? '';
  const def = s.default ?? '';
  const policy = (k: string): string => POLICY_WORD[confValue(def, k) ?? ''] ?? 'unknown';
  const tuples = (t: string | undefined): UfwTuple[] => nonEmptyLines(t).map(parseTuple).filter((x): x is UfwTuple => x !== undefined);
  return {
    installed: status !== '@not-installed',
    active: status === 'Status: active',
    enabledAtBoot: confValue(conf, 'ENABLED') === 'yes',
    logLevel: confValue(conf, 'LOGLEVEL') ?? 'off',
    ipv6: confValue(def, 'IPV6') !== 'no',
    policies: { incoming: policy('DEFAULT_INPUT_POLICY'), outgoing: policy('DEFAULT_OUTPUT_POLICY'), routed: policy('DEFAULT_FORWARD_POLICY') },
    v4: tuples(s.v4),
    v6: tuples(s.v6),
  };
}

const app = (v: string | undefined): string => (v === undefined || v === '-' ? '' : v);

/**
 * The same rule, comments aside. Application rules (dapp) get their ports and
 * protocol from the profile, so those are not compared for them.
 */
export function sameRule(have: UfwTuple, want: UfwTuple): boolean {
  const common = have.action === want.action && have.dst === want.dst && have.src === want.src && have.direction === want.direction;
  if (!common || app(have.dapp) !== app(want.dapp) || app(have.sapp) !== app(want.sapp)) return false;
  return app(want.dapp) !== '' || (have.proto === want.proto && have.dport === want.dport && have.sport === want.sport);
}
