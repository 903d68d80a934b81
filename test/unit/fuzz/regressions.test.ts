/** Cases the fuzz found, kept as plain tests; and the fuzz's own judge. */
import { describe, expect, it } from 'vitest';
import { TsplayError, TsplayErrors } from '../../../engine/errors.js';
import { parseYaml } from '../../../engine/yaml.js';
import { judge } from './verdict.js';
import { mutate } from './mutate.js';

function yamlError(text: string): TsplayError {
  try {
    parseYaml(text, 'f.yml');
  } catch (e) {
    if (e instanceof TsplayErrors) return e.errors[0]!;
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('YAML input the fuzz found', () => {
  it('an alias before its anchor is TSPLAY_YAML_SYNTAX at the alias (was a ReferenceError)', () => {
    const e = yamlError('a: 1\nb: *x\nc: &x 2\n');
    expect(e.code).toBe('TSPLAY_YAML_SYNTAX');
    expect(e.source).toMatchObject({ file: 'f.yml', line: 2 });
  });

  it('a merge of a scalar is TSPLAY_YAML_SYNTAX at the << key (was a plain Error)', () => {
    const e = yamlError('x:\n  a: 1\n  <<: 3\n');
    expect(e.code).toBe('TSPLAY_YAML_SYNTAX');
    expect(e.source).toMatchObject({ line: 3, col: 3 });
  });

  it('a list or mapping as a key is refused as PyYAML does (was a Node warning and a stringified key)', () => {
    const e = yamlError('ok: 1\n? [a, b]\n: 2\n');
    expect(e.code).toBe('TSPLAY_YAML_SYNTAX');
    expect(e.message).toContain('mapping key');
    expect(e.source?.line).toBe(2);
    expect(yamlError('- {{ x }}: 1\n').code).toBe('TSPLAY_YAML_SYNTAX');
  });
});

describe('the fuzz judge', () => {
  it('accepts success and positioned TsplayErrors, refuses anything else', () => {
    const at = { file: 'f', line: 1, col: 1 };
    expect(judge(undefined)).toBeUndefined();
    expect(judge(new TsplayError('TSPLAY_SCHEMA', 'x', { source: at }))).toBeUndefined();
    expect(judge(new TsplayErrors([new TsplayError('TSPLAY_SCHEMA', 'x', { source: at })]))).toBeUndefined();
    expect(judge(new TsplayError('TSPLAY_SCHEMA', 'x'))).toContain('without a position');
    expect(judge(new TypeError('boom'))).toContain('threw TypeError');
    expect(judge([new TsplayError('TSPLAY_INTERNAL', 'x', { source: at })])).toContain('internal');
  });

  it('mutations are reproducible from their seed and do change the text', () => {
    const text = 'a: 1\nb:\n  - "{{ x }}"\n';
    expect(mutate(text, 42)).toEqual(mutate(text, 42));
    const changed = Array.from({ length: 50 }, (_, i) => mutate(text, i).text !== text).filter(Boolean).length;
    expect(changed).toBeGreaterThan(40);
  });
});

describe('playbook input the fuzz found', () => {
  it('an empty option in a role argument spec is TSPLAY_SCHEMA at that option (was a TypeError)', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { checkPlaybook } = await import('../../../engine/playbook/index.js');
    const root = mkdtempSync(join(tmpdir(), 'fuzz-argspec-'));
    mkdirSync(join(root, 'roles/r/meta'), { recursive: true });
    mkdirSync(join(root, 'roles/r/tasks'), { recursive: true });
    writeFileSync(join(root, 'roles/r/tasks/main.yml'), '- debug: { msg: hi }\n');
    writeFileSync(join(root, 'roles/r/meta/argument_specs.yml'), 'argument_specs:\n  main:\n    options:\n      empty_one:\n      fine: { type: str, required: true }\n');
    writeFileSync(join(root, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  roles: [r]\n');
    const errors = await checkPlaybook(join(root, 'site.yml'), { rolesPath: [join(root, 'roles')] });
    const spec = errors.find((e) => e.message.includes("'empty_one'"));
    expect(spec?.code).toBe('TSPLAY_SCHEMA');
    expect(spec?.source).toMatchObject({ line: 4 });
    expect(errors.some((e) => e.message.includes("missing required argument 'fine'"))).toBe(true);
  });
});
