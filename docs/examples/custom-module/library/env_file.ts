/**
 * env_file: KEY=VALUE entries of a dotenv-style file (/etc/default/app,
 * systemd EnvironmentFile=). An example of a tsplay module written by a user:
 * it lives in library/ beside the playbook and is compiled at run time.
 *
 * The contract: probe reads the host (never changes it), plan is pure (the
 * changes given the params and what probe found), apply performs the plan.
 * Check mode runs probe and plan only; idempotence is plan(p, factsAfter)
 * having no changes.
 */
import { defineModule, ModuleFailure, shellQuote } from 'tsplay';

export interface EnvFileParams {
  path: string;
  /** entries to set (present) or names to remove (absent) */
  entries: Record<string, string | number | boolean>;
  state?: 'present' | 'absent';
  mode?: string;
  create?: boolean;
}

export interface EnvFileFacts {
  exists: boolean;
  content: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value written so that sh and systemd read it back unchanged. */
export function formatValue(value: string | number | boolean): string {
  const s = String(value);
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The new file content: existing lines kept in place, entries updated or appended. */
export function editEnv(content: string, p: EnvFileParams): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const wanted = new Map(Object.entries(p.entries).map(([k, v]) => [k, `${k}=${formatValue(v)}`]));
  const absent = p.state === 'absent';
  const out: string[] = [];
  for (const line of lines) {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
    if (key === undefined || !wanted.has(key)) out.push(line);
    else if (!absent) {
      out.push(wanted.get(key)!);
      wanted.delete(key);
    }
  }
  if (!absent) out.push(...wanted.values());
  return out.length ? `${out.join('\n')}\n` : '';
}

export default defineModule<EnvFileParams, EnvFileFacts, { content: string }>({
  name: 'env_file',
  doc: {
    short: 'Set or remove KEY=VALUE entries in a dotenv-style file',
    description: 'Other lines and comments are kept in place. Values that need it are double-quoted.',
    examples: `- name: settings of the app
  env_file:
    path: /etc/default/myapp
    entries: { PORT: 8080, LOG_LEVEL: info }
- env_file: { path: /etc/default/myapp, entries: { DEBUG: "" }, state: absent }`,
    returns: { path: 'the file', keys: 'the entry names set or removed' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'entries'],
    properties: {
      path: { type: 'string', description: 'the file on the host' },
      entries: {
        type: 'object',
        description: 'NAME: value pairs to set (state=present) or names to remove (state=absent)',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'whether the entries should be in the file' },
      mode: { type: 'string', default: '0644', description: 'permissions of the file when it is written' },
      create: { type: 'boolean', default: true, description: 'create the file when it does not exist' },
    },
  },

  async probe(ctx, p) {
    const r = await ctx.run(`test -f ${shellQuote(p.path)} && cat ${shellQuote(p.path)}`);
    return { exists: r.rc === 0, content: r.rc === 0 ? r.stdout : '' };
  },

  plan(p, facts) {
    for (const k of Object.keys(p.entries)) if (!NAME.test(k)) throw new ModuleFailure(`'${k}' is not a valid variable name`);
    if (!facts.exists && p.state === 'absent') return { changes: [], reason: 'file absent', data: { path: p.path, keys: [] } };
    if (!facts.exists && p.create === false) throw new ModuleFailure(`${p.path} does not exist (create: false)`);
    const after = editEnv(facts.content, p);
    const data = { path: p.path, keys: Object.keys(p.entries) };
    if (facts.exists && after === facts.content) return { changes: [], reason: 'entries already as wanted', data };
    return {
      changes: [facts.exists ? `update ${p.path}` : `create ${p.path}`],
      diff: [{ path: p.path, before: facts.content, after }],
      data,
      state: { content: after },
    };
  },

  async apply(ctx, p, plan) {
    await ctx.put(plan.state!.content, p.path, { mode: p.mode ?? '0644' });
    return { changed: true, diff: plan.diff, data: plan.data };
  },
});
