import { defineModule } from '../../engine/module-api.js';

export interface GroupParams {
  name: string;
  gid?: number;
  state?: 'present' | 'absent';
  system?: boolean;
}

export interface GroupFacts {
  exists: boolean;
  gid?: number;
}

export function parseGetentGroup(out: string, name: string): GroupFacts {
  const line = out.split('\n').find((l) => l.split(':')[0] === name);
  if (!line) return { exists: false };
  return { exists: true, gid: Number(line.split(':')[2]) };
}

/** Names useradd/groupadd accept (Debian's default NAME_REGEX, plus upper case and dots). */
export const ACCOUNT_NAME = '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$';

export const group = defineModule<GroupParams, GroupFacts, string[]>({
  name: 'group',
  aliases: ['ansible.builtin.group'],
  doc: {
    short: 'Manage a local group',
    description: 'Creates, changes the gid of, or removes a group with groupadd/groupmod/groupdel; probed with getent.',
    examples: ['- group:', '    name: postgres', '    system: true'].join('\n'),
    returns: { name: 'the group', gid: 'its id', state: 'present or absent', system: 'whether it is a system group' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: ACCOUNT_NAME, maxLength: 32, description: 'The group name.' },
      gid: { type: 'integer', minimum: 0, description: 'The group id.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the group exists.' },
      system: { type: 'boolean', default: false, description: 'Create a system group (id below 1000) when it does not exist.' },
    },
  },
  async probe(ctx, p) {
    const res = await ctx.run(['getent', 'group', p.name]);
    return parseGetentGroup(res.stdout, p.name);
  },
  plan(p, facts) {
    const state = p.state ?? 'present';
    const data = { name: p.name, state, system: p.system === true, gid: facts.gid ?? p.gid ?? null };
    if (state === 'absent') {
      return facts.exists ? { changes: [`remove group ${p.name}`], data, state: ['groupdel', p.name] } : { changes: [], reason: `group ${p.name} is absent`, data };
    }
    if (!facts.exists) {
      const argv = ['groupadd', ...(p.gid !== undefined ? ['-g', String(p.gid)] : []), ...(p.system ? ['-r'] : []), p.name];
      return { changes: [`create group ${p.name}${p.gid !== undefined ? ` (gid ${p.gid})` : ''}`], data, state: argv };
    }
    if (p.gid !== undefined && p.gid !== facts.gid) {
      return { changes: [`change gid of ${p.name} from ${facts.gid} to ${p.gid}`], data: { ...data, gid: p.gid }, state: ['groupmod', '-g', String(p.gid), p.name] };
    }
    return { changes: [], reason: `group ${p.name} is present`, data };
  },
  async apply(ctx, p, plan) {
    await ctx.runOk(plan.state!);
    const after = parseGetentGroup((await ctx.run(['getent', 'group', p.name])).stdout, p.name);
    return { changed: true, data: { ...plan.data, gid: after.gid ?? null } };
  },
});
