import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export interface GetentParams {
  database: string;
  key?: string;
  service?: string;
  split?: string;
  fail_key?: boolean;
}

export interface GetentFacts {
  rc: number;
  stdout: string;
}

/** Databases whose entries Ansible splits on ':' when no split is given. */
const COLON = new Set(['passwd', 'shadow', 'group', 'gshadow']);

/** The getent command (argv: no shell). `--` keeps a database or key starting with '-' from being an option. */
export function getentArgv(p: GetentParams): string[] {
  return ['getent', ...(p.service !== undefined ? ['-s', p.service] : []), '--', p.database, ...(p.key !== undefined ? [p.key] : [])];
}

/** Python's str.split(sep), and str.split() (whitespace runs, no empty fields) without one. */
function pySplit(line: string, sep: string | undefined): string[] {
  if (sep === undefined) return line.split(/\s+/).filter((f) => f !== '');
  return line.split(sep);
}

/**
 * getent's output as Ansible's getent_<database>: the first field -> the
 * others; a key seen again turns into a list of such lists.
 */
export function parseGetent(out: string, database: string, split?: string): Record<string, unknown> {
  const sep = split ?? (COLON.has(database) ? ':' : undefined);
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const line of out.split(/\r?\n/)) {
    if (line === '' && sep !== undefined) continue;
    const record = pySplit(line, sep);
    if (record.length === 0) continue;
    const [key, ...rest] = record as [string, ...string[]];
    const n = seen.get(key) ?? 0;
    if (n === 0) tree[key] = rest;
    else if (n === 1) tree[key] = [tree[key], rest];
    else (tree[key] as unknown[]).push(rest);
    seen.set(key, n + 1);
  }
  return tree;
}

/** The plan for getent's exit code (pure): facts, or Ansible's failure messages. */
export function planGetent(p: GetentParams, facts: GetentFacts): Record<string, unknown> {
  const db = `getent_${p.database}`;
  if (facts.rc === 0) return { ansible_facts: { [db]: parseGetent(facts.stdout, p.database, p.split) } };
  if (facts.rc === 2) {
    const msg = 'One or more supplied key could not be found in the database.';
    if (p.fail_key === false) return { ansible_facts: { [db]: { [p.key ?? 'null']: null } }, msg };
    throw new ModuleFailure(msg);
  }
  if (facts.rc === 1) throw new ModuleFailure('Missing arguments, or database unknown.');
  if (facts.rc === 3) throw new ModuleFailure('Enumeration not supported on this database.');
  if (facts.rc === 127) throw new ModuleFailure('Failed to find required executable "getent"');
  throw new ModuleFailure('Unexpected failure!');
}

export const getent = defineModule<GetentParams, GetentFacts>({
  name: 'getent',
  aliases: ['ansible.builtin.getent'],
  doc: {
    short: 'A wrapper to the unix getent utility',
    description:
      'Runs getent DATABASE [KEY] once and sets the fact getent_<database>: each entry\'s first field -> the list of the other fields ' +
      "(split on ':' for passwd, shadow, group and gshadow, on whitespace otherwise); a key returned twice becomes a list of lists. " +
      'Read as getent_passwd or ansible_facts.getent_passwd. shadow and gshadow hold password hashes: use no_log on such tasks. Runs in check mode.',
    examples: `- getent: { database: passwd, key: postgres }
- debug: { msg: "home {{ getent_passwd.postgres[4] }}" }
- getent: { database: services, key: http, fail_key: false }
- getent: { database: group, split: ':' }`,
    returns: {
      ansible_facts: 'getent_<database>: first field -> list of the other fields (or a list of such lists for repeated keys)',
      msg: 'with fail_key false and a missing key: why the key maps to null',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['database'],
    properties: {
      database: { description: 'The getent database: passwd, group, hosts, services, shadow, ...', type: 'string' },
      key: { description: 'Only this entry (default: the whole database, where enumeration is supported).', type: 'string' },
      service: { description: 'Override the NSS service (getent -s), e.g. files.', type: 'string' },
      split: { description: "Field separator; default ':' for passwd/shadow/group/gshadow, whitespace otherwise.", type: 'string' },
      fail_key: { description: 'Fail when the key is not found; with false the key maps to null.', type: 'boolean', default: true },
    },
  },
  async probe(ctx, p) {
    const r = await ctx.run(getentArgv(p));
    return { rc: r.rc, stdout: r.stdout };
  },
  plan(p, facts) {
    return { changes: [], data: planGetent(p, facts), reason: `getent ${p.database}` };
  },
});
