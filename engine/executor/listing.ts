/**
 * --list-hosts, --list-tasks, --list-tags: what a run would touch, without
 * running, printed as ansible-playbook 2.14 prints them (cli/playbook.py):
 * the playbook path as given, one pass over the plays however many listings
 * are asked, tasks selected by --tags/--skip-tags (so `never` tasks and their
 * tags are left out by default), only the `block:` part of blocks (Ansible
 * lists neither rescue nor always tasks), unnamed tasks by their action.
 */
import type { Inventory } from '../inventory/types.js';
import type { Play, Playbook, TaskNode, VarsMap } from '../playbook/model.js';
import type { SourcePos } from '../errors.js';
import { orderHosts } from './batches.js';
import { loadDefaultServices } from './services.js';
import { makeTagFilter, shouldRunByTags } from './tags.js';
import type { TagFilter } from './tags.js';
import type { ExecutorServices } from './types.js';

export interface ListOptions {
  playbook: Playbook;
  /** the playbook path as written on the command line (the listings print it); the loaded file otherwise */
  shownPath?: string;
  inventory?: Inventory;
  limit?: string;
  extraVars?: VarsMap;
  tags?: string[];
  skipTags?: string[];
  services?: ExecutorServices;
}

/** Which listings to print, in ansible-playbook's one pass over the plays. */
export interface ListWhat {
  hosts?: boolean;
  tasks?: boolean;
  tags?: boolean;
}

export interface PlayHosts { play: string; pattern: string; tags: string[]; hosts: string[] }
export interface ListedTask { name: string; tags: string[]; source: SourcePos; role?: string; include?: boolean }
export interface PlayTasks { play: string; tags: string[]; tasks: ListedTask[] }
export interface PlayTags { play: string; tags: string[] }

export async function collectHosts(opts: ListOptions): Promise<PlayHosts[]> {
  const services = opts.services ?? (await loadDefaultServices());
  const inv = opts.inventory;
  if (!inv) return [];
  return opts.playbook.plays.map((play) => {
    const vars = { ...play.vars, ...(opts.extraVars ?? {}) };
    const pattern = services.templar.isTemplated(play.hosts) ? services.templar.renderString(play.hosts, vars) : play.hosts;
    let hosts = services.inventory.matchHosts(inv, pattern, { source: play.source });
    if (opts.limit) hosts = services.inventory.limitHosts(inv, hosts, opts.limit);
    return { play: play.name, pattern: play.hosts, tags: play.tags, hosts: orderHosts(hosts, play.order === 'shuffle' ? 'inventory' : play.order) };
  });
}

/** The tasks --tags/--skip-tags select, each with its tags (the play's included) sorted. */
export async function collectTasks(opts: ListOptions): Promise<PlayTasks[]> {
  const filter = makeTagFilter(opts.tags, opts.skipTags);
  return opts.playbook.plays.map((play) => ({ play: play.name, tags: play.tags, tasks: selected(play, filter) }));
}

/** The play's tags and those of the tasks --tags/--skip-tags select, sorted. */
export async function collectTags(opts: ListOptions): Promise<PlayTags[]> {
  const filter = makeTagFilter(opts.tags, opts.skipTags);
  return opts.playbook.plays.map((play) => {
    const all = new Set<string>(play.tags);
    for (const t of selected(play, filter)) t.tags.forEach((tag) => all.add(tag));
    return { play: play.name, tags: [...all].sort() };
  });
}

function selected(play: Play, filter: TagFilter): ListedTask[] {
  const out: ListedTask[] = [];
  for (const section of play.sections) walk(section.tasks, play.tags, out);
  return out.filter((t) => shouldRunByTags(t.tags, filter));
}

function walk(nodes: TaskNode[], inherited: string[], out: ListedTask[]): void {
  for (const node of nodes) {
    const tags = [...new Set([...inherited, ...node.tags])].sort();
    if (node.kind === 'block') {
      walk(node.block, tags, out);
      continue;
    }
    // Ansible's task.get_name() with a name ("role : name"), else the action
    const action = node.kind === 'task' ? node.moduleAs : node.kind;
    const name = node.name ? `${node.role ? `${node.role.name} : ` : ''}${node.name}` : action;
    out.push({ name, tags, source: node.source, role: node.role?.name, include: node.kind !== 'task' || undefined });
  }
}

/** Every listing asked for, as one ansible-playbook run prints them together. */
export async function listPlaybook(opts: ListOptions, what: ListWhat): Promise<string> {
  const plays = opts.playbook.plays;
  const hosts = what.hosts ? await collectHosts(opts) : [];
  const tasks = what.tasks ? await collectTasks(opts) : [];
  const tags = what.tags ? await collectTags(opts) : [];
  let out = `\nplaybook: ${opts.shownPath ?? opts.playbook.file}\n`;
  plays.forEach((play, i) => {
    // play tags as Ansible joins its set: ',' without a space
    out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(',')}]`;
    const h = hosts[i];
    if (h) out += `\n    pattern: ['${h.pattern}']\n    hosts (${h.hosts.length}):${h.hosts.map((n) => `\n      ${n}`).join('')}`;
    out += '\n';
    if (!what.tasks && !what.tags) return;
    let section = what.tasks ? '    tasks:\n' : '';
    for (const t of tasks[i]?.tasks ?? []) section += `      ${t.name}\tTAGS: [${t.tags.join(', ')}]\n`;
    if (what.tags) section += `      TASK TAGS: [${tags[i]!.tags.join(', ')}]\n`;
    out += section; // Display.display adds no newline to text ending in one
  });
  return out;
}

/** --list-hosts, as ansible-playbook prints it. */
export function listHosts(opts: ListOptions): Promise<string> {
  return listPlaybook(opts, { hosts: true });
}

/** --list-tasks: the tasks --tags/--skip-tags select, includes shown as such. */
export function listTasks(opts: ListOptions): Promise<string> {
  return listPlaybook(opts, { tasks: true });
}

/** --list-tags: every tag of each play's selected tasks. */
export function listTags(opts: ListOptions): Promise<string> {
  return listPlaybook(opts, { tags: true });
}
