import { defineModule } from '../../engine/module-api.js';
import { toList } from './add-host.js';
import { ACCOUNT_NAME } from './group.js';
import { parseUserProbe, planUser, type UserFacts, type UserParams } from './user-plan.js';

/** One round trip: passwd entry, primary group name, supplementary groups, shadow hash, same-name group. */
export const USER_PROBE = String.raw`
n=$1
echo '@@passwd'; getent passwd "$n"
echo '@@primary'; g=$(getent passwd "$n" | cut -d: -f4); [ -n "$g" ] && getent group "$g" | cut -d: -f1
echo '@@groups'; getent group | awk -F: -v u="$n" '{ k = split($4, m, ","); for (i = 1; i <= k; i++) if (m[i] == u) print $1 }'
echo '@@shadow'; getent shadow "$n" 2>/dev/null | cut -d: -f2
echo '@@samegroup'; getent group "$n" >/dev/null && echo yes
echo '@@end'
`;

const line = (description: string) => ({ type: 'string', pattern: '^[^\\n\\r:]*$', description });

export const user = defineModule<UserParams, UserFacts, string[]>({
  name: 'user',
  aliases: ['ansible.builtin.user'],
  doc: {
    short: 'Manage a local user account',
    description:
      'Creates, changes or removes a user with useradd/usermod/userdel (argv, no shell), probed with getent in one round trip. ' +
      'password is a crypt hash (e.g. from `password_hash`); it is compared with the shadow entry and never shown.',
    examples: ['- user:', '    name: postgres', '    system: true', '    home: /var/lib/postgresql', '    shell: /bin/bash', '    groups: [ssl-cert]', '    append: true'].join('\n'),
    returns: { name: 'the user', uid: 'its id', group: 'primary group', groups: 'supplementary groups', home: 'home directory', shell: 'login shell', state: 'present or absent' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: ACCOUNT_NAME, maxLength: 32, description: 'The user name.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the account exists.' },
      uid: { type: 'integer', minimum: 0, description: 'The user id.' },
      group: line('Primary group (name or gid).'),
      groups: { description: 'Supplementary groups (list or comma-separated); [] or "" removes all unless append.', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      append: { type: 'boolean', default: false, description: 'Add to groups instead of setting exactly these.' },
      shell: line('Login shell.'),
      home: line('Home directory.'),
      create_home: { type: 'boolean', default: true, description: 'Create the home directory when creating the user.' },
      createhome: { type: 'boolean', description: 'Alias of create_home.' },
      system: { type: 'boolean', default: false, description: 'Create a system account (only at creation).' },
      password: line('Crypt hash of the password (never shown).'),
      update_password: { type: 'string', enum: ['always', 'on_create'], default: 'always', description: 'Change an existing password hash when it differs, or only set it at creation.' },
      comment: line('GECOS comment (full name).'),
      remove: { type: 'boolean', default: false, description: 'With state=absent: also remove the home directory and mail spool.' },
      force: { type: 'boolean', default: false, description: 'With state=absent: remove even when logged in (userdel -f).' },
    },
  },
  async probe(ctx, p) {
    const res = await ctx.run(['sh', '-c', USER_PROBE, 'tsplay-user', p.name]);
    return parseUserProbe(res.stdout);
  },
  plan(p, facts) {
    return planUser({ ...p, groups: p.groups === undefined ? undefined : toList(p.groups) }, facts);
  },
  async apply(ctx, p, plan) {
    const secrets = p.password ? [p.password] : [];
    await ctx.runOk(plan.state!, { secrets });
    const after = parseUserProbe((await ctx.run(['sh', '-c', USER_PROBE, 'tsplay-user', p.name])).stdout);
    return { changed: true, data: { ...plan.data, uid: after.uid ?? null, home: after.home ?? plan.data?.home ?? null } };
  },
});
