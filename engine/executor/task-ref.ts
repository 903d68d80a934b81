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
      name: displayName(node),
      module: node.kind === 'task' ? node.module : node.kind,
      source: node.source,
      role: node.role?.name,
    };
    pc.taskRefs.set(node, ref);
  }
  return ref;
}
