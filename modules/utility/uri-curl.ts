/**
 * Pure helpers of `uri`: the curl config (fed on stdin, so the URL, headers,
 * credentials and body never appear on a command line) and the parser of
 * what the remote script prints.
 */
import { ModuleFailure } from '../../engine/module-api.js';

export interface UriRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  user?: string;
  password?: string;
}

/** A double-quoted curl config string (curl understands \\ \" \n \r \t inside). */
export function curlQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

export function curlConfig(r: UriRequest): string {
  const lines = [`url = ${curlQuote(r.url)}`];
  if (r.method === 'HEAD') lines.push('head');
  else lines.push(`request = ${curlQuote(r.method)}`);
  for (const [name, value] of Object.entries(r.headers)) {
    if (/[\r\n:]/.test(name) || /[\r\n]/.test(value)) throw new ModuleFailure(`header ${JSON.stringify(name)} contains a line break or colon`);
    lines.push(`header = ${curlQuote(`${name}: ${value}`)}`);
  }
  if (r.user !== undefined) lines.push(`user = ${curlQuote(`${r.user}:${r.password ?? ''}`)}`);
  // data-raw: the body is sent exactly, a leading @ is not a file name
  if (r.body !== undefined) lines.push(`data-raw = ${curlQuote(r.body)}`);
  return `${lines.join('\n')}\n`;
}

/** The remote side: curl reads its config on stdin; headers and body go to private temporary files. */
export const CURL_SCRIPT = String.raw`
m=$1; shift
h=$(mktemp) && b=$(mktemp) || exit 98
w=$(curl -K - -sS -D "$h" -o "$b" -w '%{http_code} %{num_redirects} %{url_effective}' "$@"); rc=$?
printf '%s\n' "$m:rc $rc" "$m:w $w" "$m:headers"; cat "$h"; printf '\n%s\n' "$m:body"; cat "$b"; rm -f "$h" "$b"
`;

export interface CurlOutput {
  rc: number;
  status: number;
  redirects: number;
  url: string;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

/** Parses the script's output (marker-delimited; the body is everything after its marker). */
export function parseCurlOutput(out: string, marker: string): CurlOutput {
  const rc = Number(new RegExp(`^${marker}:rc (\\d+)$`, 'm').exec(out)?.[1] ?? '99');
  const w = new RegExp(`^${marker}:w (\\d+) (\\d+) ?(.*)$`, 'm').exec(out);
  const hStart = out.indexOf(`${marker}:headers\n`);
  const bStart = out.indexOf(`\n${marker}:body\n`, hStart);
  const headerText = hStart >= 0 && bStart >= 0 ? out.slice(hStart + marker.length + 9, bStart) : '';
  const body = bStart >= 0 ? out.slice(bStart + marker.length + 7) : '';
  const blocks = headerText.split(/\r?\n\r?\n/).filter((b) => /^HTTP\/\S+ \d{3}/.test(b.trim()));
  const last = blocks[blocks.length - 1]?.trim() ?? '';
  const [statusLine = '', ...headerLines] = last.split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return {
    rc,
    status: Number(w?.[1] ?? 0),
    redirects: Number(w?.[2] ?? 0),
    url: w?.[3] ?? '',
    reason: /^HTTP\/\S+ \d{3} ?(.*)$/.exec(statusLine)?.[1] ?? '',
    headers,
    body,
  };
}
