import { describe, expect, it } from 'vitest';
import { applyKeywords } from '../../../engine/playbook/inherit.js';
import type { Block, Task } from '../../../engine/playbook/model.js';

const source = { file: 'f.yml', line: 1, col: 1 };

function task(extra: Partial<Task> = {}): Task {
  return { kind: 'task', source, when: [], tags: [], vars: {}, module: 'm', moduleAs: 'm', args: {}, argsSource: source, notify: [], listen: [], ...extra };
}

describe('keyword inheritance', () => {
  it('ANDs when (outer first), merges tags and layers vars and environment', () => {
    const t = applyKeywords(task({ when: ['inner'], tags: ['b'], vars: { x: 2 }, environment: { A: '2' } }), {
      when: ['outer'],
      tags: ['a', 'b'],
      vars: { x: 1, y: 1 },
      environment: { A: '1', B: '1' },
    }) as Task;
    expect(t).toMatchObject({ when: ['outer', 'inner'], tags: ['a', 'b'], vars: { x: 2, y: 1 }, environment: { A: '2', B: '1' } });
  });

  it('inherits other keywords only where the task does not set them', () => {
    const t = applyKeywords(task({ become: false }), { become: true, becomeUser: 'root', ignoreErrors: true, notify: ['h'] }) as Task;
    expect(t).toMatchObject({ become: false, becomeUser: 'root', ignoreErrors: true, notify: ['h'] });
  });

  it('reaches every task of a block, rescue and always', () => {
    const block: Block = { kind: 'block', source, when: [], tags: [], vars: {}, block: [task()], rescue: [task()], always: [task({ when: ['w'] })] };
    applyKeywords(block, { when: ['c'], delegateTo: 'h1' });
    expect(block.when).toEqual(['c']);
    expect([...block.block, ...block.rescue, ...block.always].map((n) => [n.when, n.delegateTo])).toEqual([
      [['c'], 'h1'],
      [['c'], 'h1'],
      [['c', 'w'], 'h1'],
    ]);
  });
});
