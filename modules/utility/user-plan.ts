/** Pure parts of `user`: the probe parser and the planner that builds the useradd/usermod/userdel argv. */
import type { Plan } from '../../engine/module-api.js';

export interface UserParams {
  name: string;
  state?: 'present' | 'absent';
  uid?: number;
  group?: string;
  groups?: string | string[];
  append?: boolean;
  shell?: string;
  home?: string;
  create_home?: boolean;
  createhome?: boolean;
  system?: boolean;
  password?: string;
  update_password?: 'always' | 'on_create';
  comment?: string;
  remove?: boolean;
  force?: boolean;
}

export interface UserFacts {
  exists: boolean;
  uid?: number;
  gid?: number;
  comment?: string;
  home?: string;
  shell?: string;
  /** primary group name */
  group?: string;
  /** supplementary groups */
  groups: string[];
  /** the shadow hash, when readable */
  hash?: string;
  /** a group named like the user exists */
  sameNameGroup: boolean;
}

function section(out: string, name: string): string[] {
  const m = new RegExp(`@@${name}\\n([\\s\\S]*?)(?=\\n?@@)`).exec(out);
  return (m?.[1] ?? '').split('\n').filter((l) => l.trim() !== '');
}

export function parseUserProbe(out: string): UserFacts {
  const pw = section(out, 'passwd')[0];
  const samegroup = section(out, 'samegroup')[0] === 'yes';
  if (!pw) return { exists: false, groups: [], sameNameGroup: samegroup };
  const f = pw.split(':');
  return {
    exists: true,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
    group: section(out, 'primary')[0],
    groups: section(out, 'groups').sort(),
    hash: section(out, 'shadow')[0],
    sameNameGroup: samegroup,
  };
}

type UserPlan = Plan<string[]>;

function createPlan(p: UserParams & { groups?: string[] }, facts: UserFacts, data: Record<string, unknown>): UserPlan {
  const argv = ['useradd'];
  if (p.uid !== undefined) argv.push('-u', String(p.uid));
  if (p.group !== undefined) argv.push('-g', p.group);
  else if (facts.sameNameGroup) argv.push('-g', p.name);
  if (p.groups && p.groups.length) argv.push('-G', p.groups.join(','));
  if (p.shell !== undefined) argv.push('-s', p.shell);
  if (p.home !== undefined) argv.push('-d', p.home);
  if (p.comment !== undefined) argv.push('-c', p.comment);
  if (p.password !== undefined) argv.push('-p', p.password);
  if (p.system) argv.push('-r');
  argv.push((p.create_home ?? p.createhome ?? true) ? '-m' : '-M', p.name);
  return { changes: [`create user ${p.name}`], data, state: argv };
}

/** The usermod flags for what differs, with a human line for each. */
function modifications(p: UserParams & { groups?: string[] }, facts: UserFacts): { argv: string[]; changes: string[] } {
  const argv: string[] = [];
  const changes: string[] = [];
  const change = (flag: string, value: string, text: string) => {
    argv.push(flag, value);
    changes.push(text);
  };
  if (p.uid !== undefined && p.uid !== facts.uid) change('-u', String(p.uid), `uid ${facts.uid} -> ${p.uid}`);
  if (p.group !== undefined && p.group !== facts.group && p.group !== String(facts.gid)) change('-g', p.group, `primary group ${facts.group} -> ${p.group}`);
  if (p.groups !== undefined) {
    const wanted = [...new Set(p.groups)].sort();
    const missing = wanted.filter((g) => !facts.groups.includes(g));
    if (p.append && missing.length) {
      argv.push('-a');
      change('-G', missing.join(','), `add to groups ${missing.join(', ')}`);
    } else if (!p.append && wanted.join(',') !== facts.groups.join(',')) {
      change('-G', wanted.join(','), `groups [${facts.groups.join(', ')}] -> [${wanted.join(', ')}]`);
    }
  }
  if (p.shell !== undefined && p.shell !== facts.shell) change('-s', p.shell, `shell ${facts.shell} -> ${p.shell}`);
  if (p.home !== undefined && p.home !== facts.home) change('-d', p.home, `home ${facts.home} -> ${p.home}`);
  if (p.comment !== undefined && p.comment !== facts.comment) change('-c', p.comment, `comment changed`);
  if (p.password !== undefined && (p.update_password ?? 'always') === 'always' && p.password !== facts.hash) change('-p', p.password, 'password changed');
  return { argv, changes };
}

export function planUser(p: UserParams & { groups?: string[] }, facts: UserFacts): UserPlan {
  const state = p.state ?? 'present';
  const data: Record<string, unknown> = {
    name: p.name, state, uid: p.uid ?? facts.uid ?? null, group: p.group ?? facts.group ?? null,
    groups: p.groups ?? facts.groups, home: p.home ?? facts.home ?? null, shell: p.shell ?? facts.shell ?? null,
    comment: p.comment ?? facts.comment ?? null, system: p.system === true,
  };
  if (state === 'absent') {
    if (!facts.exists) return { changes: [], reason: `user ${p.name} is absent`, data };
    const argv = ['userdel', ...(p.remove ? ['-r'] : []), ...(p.force ? ['-f'] : []), p.name];
    return { changes: [`remove user ${p.name}${p.remove ? ' and its home' : ''}`], data, state: argv };
  }
  if (!facts.exists) return createPlan(p, facts, data);
  const mod = modifications(p, facts);
  if (mod.argv.length === 0) return { changes: [], reason: `user ${p.name} is as wanted`, data };
  return { changes: mod.changes.map((c) => `user ${p.name}: ${c}`), data, state: ['usermod', ...mod.argv, p.name] };
}
