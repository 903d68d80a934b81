import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../engine/playbook/index.js';
import type { Task } from '../../../engine/playbook/model.js';

describe('templated keywords are kept for run time', () => {
  it('retries, delay, timeout and environment may be templates, as in Ansible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-kw-'));
    const file = join(dir, 'p.yml');
    writeFileSync(
      file,
      [
        '- hosts: all',
        '  environment: "{{ play_env }}"',
        '  tasks:',
        '    - command: /bin/true',
        '      register: r',
        '      until: r.rc == 0',
        '      retries: "{{ n }}"',
        '      delay: "{{ d }}"',
        '      timeout: "{{ t }}"',
        '      environment: "{{ proxy_env }}"',
      ].join('\n'),
    );
    const pb = await loadPlaybook(file, {});
    const task = pb.plays[0]!.sections.find((s) => s.name === 'tasks')!.tasks[0] as Task;
    expect(task.retries).toBe('{{ n }}');
    expect(task.delay).toBe('{{ d }}');
    expect(task.timeout).toBe('{{ t }}');
    expect(task.environment).toBe('{{ proxy_env }}');
    expect(pb.plays[0]!.environment).toBe('{{ play_env }}');
  });
});
