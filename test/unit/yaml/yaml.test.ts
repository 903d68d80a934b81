import { describe, expect, it } from 'vitest';
import { parseYaml, positionAt, keyPosition } from '../../../engine/yaml.js';
import { TsplayError, TsplayErrors } from '../../../engine/errors.js';

describe('parseYaml (PyYAML 1.1 dialect, as Ansible reads YAML)', () => {
  it('reads yes/no/on/off as booleans, y/n as strings, 0644 as octal', () => {
    const v = parseYaml('a: y\nb: n\nc: yes\nd: Off\ne: TRUE\nf: 0644\ng: "yes"\nh: [Y, N]\n', 'x.yml').value;
    expect(v).toEqual({ a: 'y', b: 'n', c: true, d: false, e: true, f: 420, g: 'yes', h: ['Y', 'N'] });
  });

  it('reports a syntax error with file:line:col', () => {
    try {
      parseYaml('a: 1\nb: [1, 2\nc: 3\n', 'bad.yml');
      expect.unreachable();
    } catch (e) {
      const err = e instanceof TsplayErrors ? e.errors[0]! : (e as TsplayError);
      expect(err.code).toBe('TSPLAY_YAML_SYNTAX');
      expect(err.source?.file).toBe('bad.yml');
      expect(err.source?.line).toBeGreaterThanOrEqual(2);
    }
  });

  it('refuses duplicate keys', () => {
    expect(() => parseYaml('a: 1\na: 2\n', 'dup.yml')).toThrow(/YAML syntax error/);
  });

  it('gives positions of values and keys', () => {
    const y = parseYaml('- name: x\n  tasks:\n    - debug: {msg: hi}\n', 'p.yml');
    expect(positionAt(y, [0, 'tasks', 0])).toEqual({ file: 'p.yml', line: 3, col: 7 });
    expect(keyPosition(y, [0, 'tasks'])).toEqual({ file: 'p.yml', line: 2, col: 3 });
  });
});
