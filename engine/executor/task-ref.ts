/** Stable task references ("play#/task#") and display names. */
import type { TaskRef } from '../output/events.js';
import type { DynamicInclude, Task } from '../playbook/model.js';
import type { PlayContext } from './context.js';

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

/** Task names are rendered with play-level variables, as Ansible does; host or loop variables leave them as written. */
function renderedName(pc: PlayContext, node: Task | DynamicInclude): string {
  const raw = displayName(node);
  const { templar } = pc.run.services;
  if (!node.name || !templar.isTemplated(raw)) return raw;
  try {
    return templar.renderString(raw, { ...pc.play.vars, ...pc.run.extraVars });
  } catch {
    return raw;
  }
}
