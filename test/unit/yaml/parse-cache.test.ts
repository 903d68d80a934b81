/** parseYaml keeps parsed documents per file: same text, same doc; each caller its own value. */
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../engine/yaml.js';

describe('parseYaml cache', () => {
  it('the same file and text reuse the parsed document but give each caller its own value', () => {
    const a = parseYaml('x: [1, 2]\n', '/virtual/cache-a.yml');
    const b = parseYaml('x: [1, 2]\n', '/virtual/cache-a.yml');
    expect(b.doc).toBe(a.doc);
    expect(b.value).toEqual({ x: [1, 2] });
    (a.value as { x: number[] }).x.push(3);
    expect(b.value).toEqual({ x: [1, 2] });
  });

  it('changed text is parsed again; errors are never kept', () => {
    const a = parseYaml('x: 1\n', '/virtual/cache-b.yml');
    const b = parseYaml('x: 2\n', '/virtual/cache-b.yml');
    expect(b.doc).not.toBe(a.doc);
    expect(b.value).toEqual({ x: 2 });
    expect(() => parseYaml('x: [1\n', '/virtual/cache-c.yml')).toThrow(/YAML syntax error/);
    expect(() => parseYaml('x: [1\n', '/virtual/cache-c.yml')).toThrow(/YAML syntax error/);
  });

  it('text given on the command line (<extra-vars>) is not kept', () => {
    const a = parseYaml('k: v\n', '<extra-vars>');
    expect(parseYaml('k: v\n', '<extra-vars>').doc).not.toBe(a.doc);
  });
});
