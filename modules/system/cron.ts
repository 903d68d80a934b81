import { defineModule, ModuleFailure, type ModuleContext } from '../../engine/module-api.js';
import { nonEmptyLines, runScript, splitSections, failCommand } from './common.js';
import { editCron, findJob, jobLine } from './cron-edit.js';

export interface CronParams {
  name: string;
  job?: string;
  minute?: string;
  hour?: string;
  day?: string;
  month?: string;
  weekday?: string;
  special_time?: 'annually' | 'daily' | 'hourly' | 'monthly' | 'reboot' | 'weekly' | 'yearly';
  user?: string;
  state?: 'present' | 'absent';
  cron_file?: string;
  disabled?: boolean;
}

export interface CronFacts {
  /** the crontab or cron file text ('' when none) */
  text: string;
  exists: boolean;
  /** crontab(1) is installed (user crontabs only) */
  hasCrontab: boolean;
}

interface CronState {
  after: string;
}

/** $1 the cron file path or '', $2 the user or '': the file, or `crontab -l`. */
export const CRON_PROBE = String.raw`
file=$1 user=$2
if [ -n "$file" ]; then
  echo @@exists; [ -f "$file" ] && echo yes
  echo @@crontab; echo yes
  echo @@text; cat -- "$file" 2>/dev/null
else
  echo @@exists; echo yes
  echo @@crontab; command -v crontab >/dev/null 2>&1 && echo yes
  echo @@text; if [ -n "$user" ]; then crontab -l -u "$user" 2>/dev/null; else crontab -l 2>/dev/null; fi
fi
echo @@end
`;

export function parseCronProbe(out: string): CronFacts {
  const s = splitSections(out);
  const text = s.text ?? '';
  return { text: text === '' ? '' : text.endsWith('\n') ? text : `${text}\n`, exists: nonEmptyLines(s.exists)[0] === 'yes', hasCrontab: nonEmptyLines(s.crontab)[0] === 'yes' };
}

export const cronPath = (f: string): string => (f.startsWith('/') ? f : `/etc/cron.d/${f}`);

async function writeCron(ctx: ModuleContext, p: CronParams, text: string): Promise<void> {
  if (p.cron_file) {
    if (text === '') await ctx.runOk(['rm', '-f', '--', cronPath(p.cron_file)]);
    else await ctx.put(text, cronPath(p.cron_file), { mode: '0644' });
    return;
  }
  const argv = ['crontab', ...(p.user ? ['-u', p.user] : []), '-'];
  const res = await ctx.run(argv, { stdin: text });
  if (res.rc !== 0) failCommand(argv.join(' '), res);
}

export const cron = defineModule<CronParams, CronFacts, CronState>({
  name: 'cron',
  aliases: ['ansible.builtin.cron'],
  doc: {
    short: 'Manage cron jobs (user crontabs or /etc/cron.d files)',
    description: 'Each job is kept under a "#Ansible: NAME" line, as Ansible does, so jobs written by either tool are recognised. A cron_file left empty is removed.',
    examples: ['- cron:', '    name: vacuum', '    minute: "0"', '    hour: "3"', '    job: /usr/local/bin/vacuum-all', '    user: postgres', '    cron_file: tsplay-vacuum'].join('\n'),
    returns: { name: 'the job name', job: 'the line written' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[^\\n]+$', description: 'The job\'s unique name (the marker line).' },
      job: { type: 'string', pattern: '^[^\\n]*$', description: 'The command (required with state=present).' },
      minute: { type: 'string', pattern: '^\\S+$', default: '*', description: 'Minute field.' },
      hour: { type: 'string', pattern: '^\\S+$', default: '*', description: 'Hour field.' },
      day: { type: 'string', pattern: '^\\S+$', default: '*', description: 'Day of month field.' },
      month: { type: 'string', pattern: '^\\S+$', default: '*', description: 'Month field.' },
      weekday: { type: 'string', pattern: '^\\S+$', default: '*', description: 'Day of week field.' },
      special_time: { type: 'string', enum: ['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'], description: '@reboot, @daily ... instead of the time fields.' },
      user: { type: 'string', pattern: '^[A-Za-z0-9_.][A-Za-z0-9_.-]*$', description: 'Whose crontab; in a cron_file, the user the job runs as (default root).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the job exists.' },
      cron_file: { type: 'string', pattern: '^[^\\n]+$', description: 'A file in /etc/cron.d (or an absolute path) instead of a user crontab.' },
      disabled: { type: 'boolean', default: false, description: 'Keep the job commented out.' },
    },
  },
  async probe(ctx, p) {
    const res = await runScript(ctx, { script: CRON_PROBE, name: 'tsplay-cron-probe', args: [p.cron_file ? cronPath(p.cron_file) : '', p.user ?? ''] });
    return parseCronProbe(res.stdout);
  },
  plan(p, f) {
    const state = p.state ?? 'present';
    if (state === 'present' && p.job === undefined) throw new ModuleFailure('cron: job is required with state=present');
    if (!f.hasCrontab) throw new ModuleFailure('cron: crontab is not installed on this host (install cron, or use cron_file)');
    const line = state === 'present' ? jobLine(p, p.cron_file !== undefined) : undefined;
    const current = findJob(f.text, p.name);
    const data = { name: p.name, job: line ?? null };
    if (current === line && (state === 'absent' || f.exists)) return { changes: [], reason: `job ${p.name} is already ${state}`, data };
    const after = editCron(f.text, p.name, line);
    const where = p.cron_file ? cronPath(p.cron_file) : `crontab of ${p.user ?? 'the login user'}`;
    return {
      changes: [`${line === undefined ? 'remove' : current === undefined ? 'add' : 'update'} job ${p.name} in ${where}`],
      data,
      diff: [{ path: where, before: f.text, after }],
      state: { after },
    };
  },
  async apply(ctx, p, plan) {
    await writeCron(ctx, p, plan.state!.after);
    return { changed: true, data: plan.data, diff: plan.diff };
  },
});
