import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';
import { closest, editDistance } from '../../../engine/vars/check.js';

const t = new Templar();
const source = { file: 'site.yml', line: 4, col: 11 };

describe('checkSyntax', () => {
  it('a text found clean is not parsed again; a faulty one is reported at every place it stands', () => {
    expect(t.checkSyntax('{{ once | default(1) }}')).toEqual([]);
    expect(t.checkSyntax('{{ once | default(1) }}')).toEqual([]);
    const first = t.checkSyntax('{{ x | nosuchfilter }}', { source: { file: 'a.yml', line: 1, col: 1 } });
    const second = t.checkSyntax('{{ x | nosuchfilter }}', { source: { file: 'b.yml', line: 9, col: 3 } });
    expect(first.map((e) => e.source?.file)).toEqual(['a.yml']);
    expect(second.map((e) => `${e.source?.file}:${e.source?.line}`)).toEqual(['b.yml:9']);
  });
  it('accepts good templates and plain strings', () => {
    expect(t.checkSyntax('no template here')).toEqual([]);
    expect(t.checkSyntax("{{ x | default('a') | to_json }} {% if y is defined %}{{ lookup('env', 'HOME') }}{% endif %}")).toEqual([]);
    expect(t.checkSyntax("{{ x | ansible.builtin.combine({'a': {'b': 1}}) }}")).toEqual([]);
    expect(t.checkSyntax('{{ x is ansible.builtin.version("1", ">") }}')).toEqual([]);
  });
  it('names unknown filters, tests and lookups with a suggestion, at ctx.source', () => {
    const errs = t.checkSyntax("{{ x | defualt(1) }} {{ y is definde }} {{ lookup('evn', 'HOME') }} {{ z | zzzqqq }}", { source });
    expect(errs.map((e) => e.message)).toEqual([
      "unknown filter 'defualt' (did you mean 'default'?)",
      "unknown test 'definde' (did you mean 'defined'?)",
      "unknown lookup plugin 'evn' (did you mean 'env'?)",
      "unknown filter 'zzzqqq'",
    ]);
    for (const e of errs) {
      expect(e.code).toBe('TSPLAY_TEMPLATE_SYNTAX');
      expect(e.source).toEqual(source);
    }
  });
  it('reports syntax errors', () => {
    const [e] = t.checkSyntax('{{ x | }}', { source });
    expect(e?.code).toBe('TSPLAY_TEMPLATE_SYNTAX');
    expect(e?.message).toMatch(/^template syntax error: /);
    expect(t.checkSyntax('{% if x %}no end')[0]?.message).toMatch(/endif|end of file/i);
  });
  it('checkExpression checks a bare expression (when:)', () => {
    expect(t.checkExpression('x is defined and x | bool')).toEqual([]);
    expect(t.checkExpression('x | boool')[0]?.message).toBe("unknown filter 'boool' (did you mean 'bool'?)");
    expect(t.checkExpression('x ==')[0]?.code).toBe('TSPLAY_TEMPLATE_SYNTAX');
  });
  it('a syntax error in a template file points at its line', () => {
    const file = { file: 'templates/patroni.yml.j2', line: 1, col: 1 };
    expect(() => t.renderString('scope: x\nname: {{ a + }}\n', { a: 1 }, { source: file })).toThrow(
      expect.objectContaining({ code: 'TSPLAY_TEMPLATE_SYNTAX', source: expect.objectContaining({ file: file.file, line: 2 }) }),
    );
  });
  it('a syntax error at render time is TSPLAY_TEMPLATE_SYNTAX too', () => {
    expect(() => t.render('{{ x + }}', { x: 1 }, { source })).toThrow(expect.objectContaining({ code: 'TSPLAY_TEMPLATE_SYNTAX', source }));
  });
});

describe('suggestions', () => {
  it('edit distance and closest match', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('to_jsn', ['to_json', 'to_yaml'])).toBe('to_json');
    expect(closest('completely_else', ['to_json'])).toBeUndefined();
  });
});
