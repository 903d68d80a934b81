/** Stable task references ("play#/task#") and display names. */
import type { TaskRef } from '../output/events.js';
import type { DynamicInclude, Task } from '../playbook/model.js';
import { layersOf, type PlayContext } from './context.js';

export function displayName(node: Task | DynamicInclude): string {
  if (node.name) return node.name;
  if (node.kind === 'task') return node.moduleAs;
  return `${node.kind}: ${node.target}`;
}

export function taskRef(pc: PlayContext, node: Task | DynamicInclude): TaskRef {
  let ref = pc.taskRefs.get(node);
  if (!ref) {
    ref = {
      id: `${pc.playIndex + 1}/${++pc.nextTaskNumber}`,
      name: renderedName(pc, node),
      module: node.kind === 'task' ? node.module : node.kind,
      source: node.source,
      role: node.role?.name,
    };
    pc.taskRefs.set(node, ref);
  }
  return ref;
}

/**
 * Task names are rendered once, with the variables every host shares: role
 * defaults, the first host's inventory and group_vars layers, play vars, role
 * vars and params, extra vars. A name that needs loop or per-task variables
 * stays as written.
 */
function renderedName(pc: PlayContext, node: Task | DynamicInclude): string {
  const raw = displayName(node);
  const { templar } = pc.run.services;
  if (!node.name || !templar.isTemplated(raw)) return raw;
  const role = node.role;
  const first = pc.playHosts[0];
  const hostLayer = first ? (layersOf(pc.run, first).merged ?? {}) : {};
  const vars = { ...(role?.defaults ?? {}), ...hostLayer, ...pc.play.vars, ...(role?.vars ?? {}), ...(role?.params ?? {}), ...pc.run.extraVars };
  try {
    return templar.renderString(raw, vars);
  } catch {
    return raw;
  }
}
