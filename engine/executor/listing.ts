/** --list-hosts, --list-tasks, --list-tags: what a run would touch, without running. */
import type { Inventory } from '../inventory/types.js';
import type { Play, Playbook, TaskNode, VarsMap } from '../playbook/model.js';
import type { SourcePos } from '../errors.js';
import { orderHosts } from './batches.js';
import { loadDefaultServices } from './services.js';
import { makeTagFilter, shouldRunByTags } from './tags.js';
import type { ExecutorServices } from './types.js';
import { displayName } from './task-ref.js';

export interface ListOptions {
  playbook: Playbook;
  inventory?: Inventory;
  limit?: string;
  extraVars?: VarsMap;
  tags?: string[];
  skipTags?: string[];
  services?: ExecutorServices;
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

export async function collectTasks(opts: ListOptions): Promise<PlayTasks[]> {
  const filter = makeTagFilter(opts.tags, opts.skipTags);
  return opts.playbook.plays.map((play) => ({
    play: play.name,
    tags: play.tags,
    tasks: flatten(play).filter((t) => shouldRunByTags(t.tags, filter)),
  }));
}

export async function collectTags(opts: ListOptions): Promise<PlayTags[]> {
  return opts.playbook.plays.map((play) => {
    const all = new Set<string>(play.tags);
    for (const t of flatten(play)) t.tags.forEach((tag) => all.add(tag));
    return { play: play.name, tags: [...all].sort() };
  });
}

function flatten(play: Play): ListedTask[] {
  const out: ListedTask[] = [];
  for (const section of play.sections) walk(section.tasks, play.tags, out);
  return out;
}

function walk(nodes: TaskNode[], inherited: string[], out: ListedTask[]): void {
  for (const node of nodes) {
    const tags = [...new Set([...inherited, ...node.tags])];
    if (node.kind === 'block') {
      for (const part of [node.block, node.rescue, node.always]) walk(part, tags, out);
    } else {
      out.push({ name: displayName(node), tags, source: node.source, role: node.role?.name, include: node.kind !== 'task' || undefined });
    }
  }
}

/** --list-hosts, as ansible-playbook prints it. */
export async function listHosts(opts: ListOptions): Promise<string> {
  const plays = await collectHosts(opts);
  const lines = [`\nplaybook: ${opts.playbook.file}`, ''];
  plays.forEach((p, i) => {
    lines.push(`  play #${i + 1} (${p.pattern}): ${p.play}\tTAGS: [${p.tags.join(', ')}]`);
    lines.push(`    pattern: ['${p.pattern}']`, `    hosts (${p.hosts.length}):`, ...p.hosts.map((h) => `      ${h}`), '');
  });
  return `${lines.join('\n')}\n`;
}

/** --list-tasks: the tasks --tags/--skip-tags select, includes shown as such. */
export async function listTasks(opts: ListOptions): Promise<string> {
  const plays = await collectTasks(opts);
  const lines = [`\nplaybook: ${opts.playbook.file}`, ''];
  plays.forEach((p, i) => {
    lines.push(`  play #${i + 1} (${opts.playbook.plays[i]!.hosts}): ${p.play}\tTAGS: [${p.tags.join(', ')}]`, '    tasks:');
    for (const t of p.tasks) lines.push(`      ${t.role ? `${t.role} : ` : ''}${t.name}\tTAGS: [${t.tags.join(', ')}]`);
    lines.push('');
  });
  return `${lines.join('\n')}\n`;
}

/** --list-tags: every tag of each play. */
export async function listTags(opts: ListOptions): Promise<string> {
  const plays = await collectTags(opts);
  const lines = [`\nplaybook: ${opts.playbook.file}`, ''];
  plays.forEach((p, i) => {
    lines.push(`  play #${i + 1} (${opts.playbook.plays[i]!.hosts}): ${p.play}\tTAGS: [${opts.playbook.plays[i]!.tags.join(', ')}]`);
    lines.push(`      TASK TAGS: [${p.tags.join(', ')}]`, '');
  });
  return `${lines.join('\n')}\n`;
}
