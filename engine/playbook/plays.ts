/** A playbook file: plays and import_playbook entries. */
import { dirname, resolve } from 'node:path';
import type { Node } from 'yaml';
import { loadYaml, report, reportAt, type FileScope, type LoadCtx } from './context.js';
import type { Play, RoleInstance, TaskNode, TaskSection } from './model.js';
import type { YamlDoc } from '../yaml.js';
import type { SourcePos } from '../errors.js';
import { IMPORT_PLAYBOOK_KEYWORDS, PLAY_KEYWORDS } from './keywords.js';
import { baseKeywords, readCommonKeywords } from './task-keywords.js';
import { parseTaskList } from './tasks.js';
import { applyAll } from './inherit.js';
import { instantiateRole, parseRoleEntry } from './roles.js';
import { checkTaskTemplates } from './task-checks.js';
import { checkNotify } from './notify-check.js';
import { noteRuntimeGroups } from './runtime-groups.js';
import { isTemplated } from './module-args.js';
import { didYouMean } from './suggest.js';
import { describeType, isMapNode, isSeqNode, mapEntries, nodePos, seqItems, toValue, type MapEntry } from './ynode.js';
import { anchorVarsFiles, checkHosts, checkVarsFiles, readPlayOptions, type PlayOptions } from './play-options.js';

export async function loadPlays(ctx: LoadCtx, file: string, from?: SourcePos): Promise<Play[]> {
  if (ctx.importStack.includes(file)) {
    report(ctx, 'TSPLAY_INCLUDE', `import_playbook cycle: ${[...ctx.importStack, file].join(' -> ')}`, { source: from });
    return [];
  }
  const y = await loadYaml(ctx, file, from);
  if (!y) return [];
  const root = (y.doc.contents ?? null) as Node | null;
  if (!isSeqNode(y, root)) {
    reportAt(ctx, y, root, 'TSPLAY_SCHEMA', `a playbook must be a list of plays, found ${describeType(y.value)}`, { fallback: { file, line: 1, col: 1 } });
    return [];
  }
  ctx.importStack.push(file);
  try {
    const plays: Play[] = [];
    for (const node of seqItems(y, root)) {
      if (!isMapNode(y, node)) {
        reportAt(ctx, y, node, 'TSPLAY_SCHEMA', `a play must be a mapping (hosts:, tasks:, ...), found ${describeType(toValue(y, node))}`);
        continue;
      }
      const entries = mapEntries(y, node);
      const imp = entries.find((e) => e.key === 'import_playbook' || e.key === 'ansible.builtin.import_playbook');
      if (imp) plays.push(...(await importPlaybook(ctx, y, entries, imp)));
      else {
        const play = await parsePlay(ctx, y, node, entries);
        if (ctx.checking) checkNotify(ctx, play);
        noteRuntimeGroups(ctx, play);
        plays.push(play);
      }
    }
    return plays;
  } finally {
    ctx.importStack.pop();
  }
}

async function importPlaybook(ctx: LoadCtx, y: YamlDoc, entries: MapEntry[], imp: MapEntry): Promise<Play[]> {
  const file = toValue(y, imp.value);
  const kw = baseKeywords({ y, baseDir: dirname(y.file), handlers: false }, imp.keyNode);
  const rest = readCommonKeywords(ctx, { y, baseDir: dirname(y.file), handlers: false }, kw, entries.filter((e) => e !== imp));
  for (const e of rest) reportAt(ctx, y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown keyword '${e.key}' on import_playbook${didYouMean(e.key, Object.keys(IMPORT_PLAYBOOK_KEYWORDS))}`, { excerpt: e.key });
  if (typeof file !== 'string' || isTemplated(file)) {
    reportAt(ctx, y, imp.value ?? imp.keyNode, 'TSPLAY_INCLUDE', 'import_playbook needs a static file name', { excerpt: String(file) });
    return [];
  }
  const path = resolve(dirname(y.file), file);
  const plays = await loadPlays(ctx, path, nodePos(y, imp.value));
  for (const play of plays) {
    play.importedFrom ??= path;
    play.vars = { ...kw.vars, ...play.vars };
    play.tags = [...new Set([...kw.tags, ...play.tags])];
    if (kw.when.length) for (const s of play.sections) applyAll(s.tasks, { when: kw.when });
  }
  return plays;
}

/** Keywords that exist on tasks but not on plays. */
const TASK_ONLY = new Set(['when', 'delegate_to', 'delegate_facts', 'run_once', 'throttle']);

async function parsePlay(ctx: LoadCtx, y: YamlDoc, node: Node, entries: MapEntry[]): Promise<Play> {
  ctx.roleHandlers = [];
  ctx.rolesSeen = new Map();
  const scope: FileScope = { y, baseDir: dirname(y.file), handlers: false };
  const kw = baseKeywords(scope, node);
  kw.role = undefined;
  kw.baseDir = undefined;
  const opts: PlayOptions = readPlayOptions(ctx, y, entries);
  const rest = readCommonKeywords(ctx, scope, kw, entries.filter((e) => !opts.consumed.has(e) && !TASK_ONLY.has(e.key)));
  for (const e of [...rest, ...entries.filter((e) => TASK_ONLY.has(e.key))]) {
    const why = TASK_ONLY.has(e.key) ? ` ('${e.key}' is a task keyword, not valid on a play)` : didYouMean(e.key, Object.keys(PLAY_KEYWORDS));
    reportAt(ctx, y, e.keyNode, 'TSPLAY_UNKNOWN_KEY', `unknown play keyword '${e.key}'${why}`, { excerpt: e.key });
  }
  checkTaskTemplates(ctx, y, entries);
  if (ctx.checking) await checkVarsFiles(ctx, y, opts);
  checkHosts(ctx, y, entries.find((e) => e.key === 'hosts'), opts.hosts);
  for (const k of Object.keys(kw.vars)) ctx.knownVars.add(k);
  const get = (k: string) => entries.find((e) => e.key === k)?.value ?? null;
  const roles = await loadPlayRoles(ctx, y, get('roles'));
  const rolesHandlerCount = ctx.roleHandlers.length;
  const sections: TaskSection[] = [
    { name: 'pre_tasks', tasks: await parseTaskList(ctx, scope, get('pre_tasks'), 'pre_tasks') },
    { name: 'roles', tasks: roles.tasks },
    { name: 'tasks', tasks: await parseTaskList(ctx, scope, get('tasks'), 'tasks') },
    { name: 'post_tasks', tasks: await parseTaskList(ctx, scope, get('post_tasks'), 'post_tasks') },
  ];
  const handlers = await parseTaskList(ctx, { ...scope, handlers: true }, get('handlers'), 'handlers');
  if (!opts.hosts) reportAt(ctx, y, node, 'TSPLAY_SCHEMA', "a play needs 'hosts' (a host pattern such as 'all' or 'db')", { excerpt: undefined });
  return {
    name: kw.name ?? opts.hosts ?? '',
    hosts: opts.hosts ?? '',
    source: kw.source,
    vars: kw.vars,
    varsFiles: anchorVarsFiles(opts.varsFiles, y.file, ctx.playbookDir),
    roles: roles.instances,
    sections,
    // as ansible-playbook orders them: handlers of `roles:`, the play's, then import_role's
    handlers: [...ctx.roleHandlers.slice(0, rolesHandlerCount), ...handlers, ...ctx.roleHandlers.slice(rolesHandlerCount)],
    become: kw.become,
    becomeUser: kw.becomeUser,
    becomeMethod: kw.becomeMethod,
    gatherFacts: opts.gatherFacts,
    serial: opts.serial,
    strategy: opts.strategy,
    maxFailPercentage: opts.maxFailPercentage,
    anyErrorsFatal: kw.anyErrorsFatal ?? false,
    tags: kw.tags,
    environment: kw.environment ?? {},
    checkMode: kw.checkMode,
    diff: kw.diff,
    ignoreUnreachable: kw.ignoreUnreachable ?? false,
    ignoreErrors: kw.ignoreErrors === true,
    order: opts.order,
    forceHandlers: opts.forceHandlers,
    noLog: typeof kw.noLog === 'boolean' ? kw.noLog : undefined,
    timeout: kw.timeout,
    remoteUser: opts.remoteUser,
    connection: opts.connection,
  };
}

async function loadPlayRoles(ctx: LoadCtx, y: YamlDoc, node: Node | null): Promise<{ instances: RoleInstance[]; tasks: TaskNode[] }> {
  const out = { instances: [] as RoleInstance[], tasks: [] as TaskNode[] };
  if (node === null || toValue(y, node) === null) return out;
  if (!isSeqNode(y, node)) {
    reportAt(ctx, y, node, 'TSPLAY_SCHEMA', `'roles' must be a list of role names or {role: name, ...}, found ${describeType(toValue(y, node))}`);
    return out;
  }
  for (const item of seqItems(y, node)) {
    checkTaskTemplates(ctx, y, mapEntries(y, item));
    const entry = parseRoleEntry(ctx, y, item, dirname(y.file), dirname(y.file));
    if (!entry) continue;
    const loaded = await instantiateRole(ctx, { ...entry.request, dedup: true });
    if (!loaded) continue;
    if (!out.instances.includes(loaded.role)) {
      out.instances.push(...flattenDeps(loaded.role).filter((r) => !out.instances.includes(r)));
    }
    out.tasks.push(...applyAll(loaded.tasks, entry.outer));
    ctx.roleHandlers.push(...loaded.handlers);
  }
  return out;
}

/** A role after its dependencies (depth first), as the play's `roles` lists them. */
function flattenDeps(role: RoleInstance, seen = new Set<RoleInstance>()): RoleInstance[] {
  if (seen.has(role)) return [];
  seen.add(role);
  return [...role.dependencies.flatMap((d) => flattenDeps(d, seen)), role];
}
