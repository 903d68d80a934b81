/** Ansible-compatible crontab editing: a `#Ansible: NAME` marker line above each managed job (pure). */

export interface CronJob {
  name: string;
  minute?: string;
  hour?: string;
  day?: string;
  month?: string;
  weekday?: string;
  special_time?: string;
  job?: string;
  disabled?: boolean;
  /** the user column of /etc/cron.d files */
  user?: string;
}

export const MARKER = '#Ansible: ';

/** The job line as Ansible writes it. */
export function jobLine(j: CronJob, withUser: boolean): string {
  const when = j.special_time ? `@${j.special_time}` : [j.minute ?? '*', j.hour ?? '*', j.day ?? '*', j.month ?? '*', j.weekday ?? '*'].join(' ');
  const line = `${when}${withUser ? ` ${j.user ?? 'root'}` : ''} ${j.job ?? ''}`;
  return j.disabled ? `#${line}` : line;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The job line under the marker of `name`, if any. */
export function findJob(text: string, name: string): string | undefined {
  const lines = splitLines(text);
  const i = lines.indexOf(`${MARKER}${name}`);
  return i < 0 ? undefined : lines[i + 1];
}

/** Sets (line given) or removes (undefined) the job named `name`; other lines untouched. */
export function editCron(text: string, name: string, line: string | undefined): string {
  const lines = splitLines(text);
  const i = lines.indexOf(`${MARKER}${name}`);
  if (i >= 0) lines.splice(i, 2, ...(line === undefined ? [] : [`${MARKER}${name}`, line]));
  else if (line !== undefined) lines.push(`${MARKER}${name}`, line);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
