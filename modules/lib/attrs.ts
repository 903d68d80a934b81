/** Owner, group and mode: what differs on a path, and the commands that fix it. */
import { shellQuote } from '../../engine/connection/types.js';
import type { PathStat } from './probe.js';
import { formatMode, targetMode, type ModeParam } from './mode.js';

export interface AttrParams {
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

export interface AttrChange {
  /** final mode, octal string */
  mode?: string;
  owner?: string;
  group?: string;
  descriptions: string[];
}

/** True when `want` (a name or a numeric id) names the current owner/group. */
export function idMatches(want: string, name: string, id: number): boolean {
  return want === name || (/^\d+$/.test(want) && Number(want) === id);
}

/** What must change on an existing path to satisfy owner/group/mode. */
export function planAttrs(p: AttrParams, st: PathStat): AttrChange {
  const out: AttrChange = { descriptions: [] };
  if (p.owner !== undefined && p.owner !== '' && !idMatches(String(p.owner), st.owner, st.uid)) {
    out.owner = String(p.owner);
    out.descriptions.push(`owner ${st.owner} -> ${p.owner}`);
  }
  if (p.group !== undefined && p.group !== '' && !idMatches(String(p.group), st.group, st.gid)) {
    out.group = String(p.group);
    out.descriptions.push(`group ${st.group} -> ${p.group}`);
  }
  if (st.type !== 'link') {
    const want = targetMode(p.mode, { current: st.mode, isDir: st.type === 'directory' });
    if (want !== undefined && want !== st.mode) {
      out.mode = formatMode(want);
      out.descriptions.push(`mode ${formatMode(st.mode)} -> ${out.mode}`);
    }
  }
  return out;
}

export function hasAttrChange(c: AttrChange | undefined): c is AttrChange {
  return !!c && (c.mode !== undefined || c.owner !== undefined || c.group !== undefined);
}

/** chown/chmod commands (joined with &&) that apply an attribute change. */
export function attrCommand(path: string, c: AttrChange, opts: { recurse?: boolean; noDereference?: boolean } = {}): string {
  const parts: string[] = [];
  const r = opts.recurse ? ' -R' : '';
  if (c.owner !== undefined || c.group !== undefined) {
    const who = `${c.owner ?? ''}${c.group !== undefined ? `:${c.group}` : ''}`;
    parts.push(`chown${r}${opts.noDereference ? ' -h' : ''} ${shellQuote(who)} -- ${shellQuote(path)}`);
  }
  if (c.mode !== undefined) parts.push(`chmod${r} ${shellQuote(c.mode)} -- ${shellQuote(path)}`);
  return parts.join(' && ');
}
