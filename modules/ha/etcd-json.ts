/**
 * etcdctl (3.4, v3 API) JSON output. Member and cluster IDs are uint64 printed
 * as JSON numbers: above 2^53 JSON.parse would round them, so they are quoted
 * before parsing and kept as hex strings (what etcdctl's commands take).
 */

export interface EtcdMember {
  /** hex, as `etcdctl member remove` wants it */
  id: string;
  /** empty while the member was added but never started */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export interface MemberList {
  clusterId: string;
  /** the member that answered */
  answeredBy: string;
  members: EtcdMember[];
}

export interface EndpointStatus {
  endpoint: string;
  clusterId: string;
  memberId: string;
  leader: string;
  version: string;
  isLearner: boolean;
}

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  error?: string;
}

const ID_KEYS = ['ID', 'member_id', 'cluster_id', 'leader'];

/** Parses etcdctl JSON with its uint64 IDs turned into hex strings. */
export function parseEtcdJson(text: string): unknown {
  const quoted = text.replace(new RegExp(`"(${ID_KEYS.join('|')})":\\s*(\\d+)`, 'g'), '"$1":"$2"');
  return JSON.parse(quoted, (key, value: unknown) =>
    ID_KEYS.includes(key) && typeof value === 'string' && /^\d+$/.test(value) ? toHex(value) : value,
  );
}

/** decimal uint64 -> hex, as etcdctl prints and takes member IDs */
export function toHex(decimal: string): string {
  return BigInt(decimal).toString(16);
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function parseMemberList(text: string): MemberList {
  const doc = obj(parseEtcdJson(text));
  const header = obj(doc.header);
  const members = (Array.isArray(doc.members) ? doc.members : []).map((raw): EtcdMember => {
    const m = obj(raw);
    return {
      id: String(m.ID ?? ''),
      name: typeof m.name === 'string' ? m.name : '',
      peerUrls: strings(m.peerURLs),
      clientUrls: strings(m.clientURLs),
      isLearner: m.isLearner === true,
    };
  });
  return { clusterId: String(header.cluster_id ?? ''), answeredBy: String(header.member_id ?? ''), members };
}

export function parseEndpointStatus(text: string): EndpointStatus[] {
  const doc = parseEtcdJson(text);
  return (Array.isArray(doc) ? doc : []).map((raw) => {
    const e = obj(raw);
    const st = obj(e.Status);
    const header = obj(st.header);
    return {
      endpoint: String(e.Endpoint ?? ''),
      clusterId: String(header.cluster_id ?? ''),
      memberId: String(header.member_id ?? ''),
      leader: String(st.leader ?? ''),
      version: String(st.version ?? ''),
      isLearner: st.isLearner === true,
    };
  });
}

export function parseEndpointHealth(text: string): EndpointHealth[] {
  const doc = parseEtcdJson(text);
  return (Array.isArray(doc) ? doc : []).map((raw) => {
    const e = obj(raw);
    const out: EndpointHealth = { endpoint: String(e.endpoint ?? ''), health: e.health === true };
    if (typeof e.error === 'string') out.error = e.error;
    return out;
  });
}

/** JSON output that may be absent (the command failed before printing): empty rather than a throw. */
export function tryParse<T>(parse: (t: string) => T, text: string, empty: T): T {
  if (!text.trim()) return empty;
  try {
    return parse(text);
  } catch {
    return empty;
  }
}

/** The host part of a URL (lowercase, no brackets), or '' */
export function urlHost(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return '';
  }
}

/** URLs compare without a trailing slash and case-insensitively in scheme and host */
export function sameUrl(a: string, b: string): boolean {
  const norm = (u: string): string => {
    try {
      const x = new URL(u);
      return `${x.protocol}//${x.host}${x.pathname.replace(/\/$/, '')}`.toLowerCase();
    } catch {
      return u.replace(/\/$/, '').toLowerCase();
    }
  };
  return norm(a) === norm(b);
}
