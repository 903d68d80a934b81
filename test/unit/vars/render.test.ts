import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';

const t = new Templar();
const vars = {
  port: 2379,
  hosts: ['a', 'b'],
  conf: { name: 'pg', nested: { on: true } },
  empty: [],
  name: 'etcd',
  flag: false,
  nothing: null,
};

describe('render: native types', () => {
  it('a single {{ expr }} keeps its type', () => {
    expect(t.render('{{ port }}', vars)).toBe(2379);
    expect(t.render('{{ hosts }}', vars)).toEqual(['a', 'b']);
    expect(t.render('{{ conf }}', vars)).toEqual(vars.conf);
    expect(t.render('{{ flag }}', vars)).toBe(false);
    expect(t.render('{{ nothing }}', vars)).toBeNull();
    expect(t.render('{{ port + 1 }}', vars)).toBe(2380);
    expect(t.render("{{ {'a': [1, {'b': 2}]} }}", vars)).toEqual({ a: [1, { b: 2 }] });
    expect(t.render("{{ '5' }}", vars)).toBe('5');
  });
  it('a template inside a larger string gives a string, Python-formatted', () => {
    expect(t.render('port={{ port }}', vars)).toBe('port=2379');
    expect(t.render('{{ hosts }} ', vars)).toBe("['a', 'b'] ");
    expect(t.render('x{{ conf }}', vars)).toBe("x{'name': 'pg', 'nested': {'on': True}}");
    expect(t.render('{{ flag }}/{{ nothing }}/{{ port }}', vars)).toBe('False//2379');
  });
  it('strings without template markers come back as they are, without touching vars', () => {
    const exploding = new Proxy({}, { get: () => { throw new Error('vars read'); } });
    expect(t.render('plain {text} %s', exploding)).toBe('plain {text} %s');
    const obj = { a: ['x', { b: 'y' }] };
    expect(t.render(obj, exploding)).toBe(obj);
    expect(t.render(obj.a, exploding)).toBe(obj.a);
  });
  it('renders deep inside lists and maps, keys included', () => {
    expect(t.render({ '{{ name }}_port': ['{{ port }}', 'h-{{ hosts[0] }}', 3, null] }, vars)).toEqual({
      etcd_port: [2379, 'h-a', 3, null],
    });
  });
});

describe('Jinja semantics', () => {
  it('Python truthiness: empty list and dict are false', () => {
    expect(t.render('{% if empty %}y{% else %}n{% endif %}', vars)).toBe('n');
    expect(t.render('{{ "y" if {} else "n" }}', vars)).toBe('n');
    expect(t.evaluate('not empty', vars)).toBe(true);
    expect(t.evaluate("empty or 'fallback'", vars)).toBe('fallback');
    expect(t.evaluate("hosts and hosts[0]", vars)).toBe('a');
  });
  it('operators: list concatenation, string repeat, floor division, power, ~', () => {
    expect(t.evaluate("hosts + ['c']", vars)).toEqual(['a', 'b', 'c']);
    expect(t.evaluate("'-' * 3", vars)).toBe('---');
    expect(t.evaluate('7 // 2', vars)).toBe(3);
    expect(t.evaluate('2 ** 3', vars)).toBe(8);
    expect(t.evaluate("name ~ '-' ~ port", vars)).toBe('etcd-2379');
    expect(() => t.evaluate("name + 1", vars)).toThrow(/unsupported operand/);
    expect(t.evaluate("'%s:%d' % (name, port)", vars)).toBe('etcd:2379');
    expect(t.evaluate("'host=%s' % name", vars)).toBe('host=etcd');
    expect(t.evaluate('7 % 3', vars)).toBe(1);
    expect(t.evaluate("('a', 'b')", vars)).toEqual(['a', 'b']);
    expect(t.evaluate("name in ('etcd', 'pg')", vars)).toBe(true);
  });
  it('comparisons are Python ones', () => {
    expect(t.evaluate("port == '2379'", vars)).toBe(false);
    expect(t.evaluate("hosts == ['a', 'b']", vars)).toBe(true);
    expect(t.evaluate('1 < port < 3000', vars)).toBe(true);
    expect(t.evaluate("'a' in hosts and 'n' in name and 'name' in conf", vars)).toBe(false);
    expect(t.evaluate("'a' in hosts and 'e' in name and 'name' in conf", vars)).toBe(true);
    expect(t.evaluate("'z' not in hosts", vars)).toBe(true);
  });
  it('True/False/None literals, slices and negative indexes', () => {
    expect(t.evaluate('[True, False, None, true, none]', vars)).toEqual([true, false, null, true, null]);
    expect(t.evaluate('hosts[-1]', vars)).toBe('b');
    expect(t.evaluate('hosts[1:]', vars)).toEqual(['b']);
    expect(t.evaluate('name[:2]', vars)).toBe('et');
    expect(t.evaluate('name[::-1]', vars)).toBe('dcte');
  });
  it('Python methods on strings, lists and dicts', () => {
    expect(t.evaluate("'a,b,c'.split(',')", vars)).toEqual(['a', 'b', 'c']);
    expect(t.evaluate("' a b '.split()", vars)).toEqual(['a', 'b']);
    expect(t.evaluate("'a,b,c'.split(',', 1)", vars)).toEqual(['a', 'b,c']);
    expect(t.evaluate("name.startswith('et') and name.endswith('cd')", vars)).toBe(true);
    expect(t.evaluate("'aXbX'.replace('X', '-')", vars)).toBe('a-b-');
    expect(t.evaluate("'  x '.strip() ~ '|' ~ 'xxy'.rstrip('y')", vars)).toBe('x|xx');
    expect(t.evaluate("', '.join(hosts)", vars)).toBe('a, b');
    expect(t.evaluate('conf.keys() | list', vars)).toEqual(['name', 'nested']);
    expect(t.evaluate("conf.get('missing', 5)", vars)).toBe(5);
    expect(t.evaluate('conf.items()', vars)).toEqual([['name', 'pg'], ['nested', { on: true }]]);
    expect(t.evaluate("hosts.index('b')", vars)).toBe(1);
    expect(t.evaluate("'{}-{}'.format(1, 'x')", vars)).toBe('1-x');
  });
  it('dicts close with }} inside a tag, as Jinja2 allows', () => {
    expect(t.render("{{ {'a': {'b': 1}} | combine({'a': {'c': 2}}, recursive=True) }}", vars)).toEqual({ a: { b: 1, c: 2 } });
  });
  it('backslashes in {{ }} of playbook values are literal (Ansible), Python escapes elsewhere', () => {
    expect(t.render("{{ 'a1' | regex_replace('\\d', 'N') }}", vars)).toBe('aN');
    expect(t.render("{{ 'a\\nb' }}", vars)).toBe('a\\nb');
    expect(t.renderString("{{ 'a\\nb' }}|{{ 'x1' | regex_replace('\\d', 'N') }}", vars)).toBe('a\nb|xN');
    expect(t.evaluate("'a1' | regex_search('\\d')", vars)).toBe('1');
  });
});

describe('renderString (template files)', () => {
  it('for, if, set, loop variables and trim_blocks', () => {
    // checked with python3-jinja2 (trim_blocks=True); the trailing newline is kept as Ansible does
    const text = '{% set sep = ":" %}\n{% for h in hosts %}\n{{ loop.index }}{{ sep }}{{ h }}{% if loop.last %}.{% endif %}\n{% endfor %}\nend\n';
    expect(t.renderString(text, vars)).toBe('1:a2:b.end\n');
    const lines = '{% for h in hosts %}\n{{ loop.index }}{{ sep | default("=") }}{{ h }}\n{% endfor %}\nend\n';
    expect(t.renderString(lines, vars)).toBe('1=a\n2=b\nend\n');
  });
  it('whitespace control with -', () => {
    expect(t.renderString('a\n  {%- if true %}\nb\n{%- endif %}\nc', vars)).toBe('abc');
    expect(t.renderString('a\n{% if true %}\nb\n{% endif %}\nc', vars)).toBe('a\nb\nc');
    expect(t.renderString('x {{- name -}} y', vars)).toBe('xetcdy');
  });
  it('lstrip_blocks stays off (as in Ansible)', () => {
    expect(t.renderString('  {% if true %}\nx\n  {% endif %}\n', vars)).toBe('  x\n  ');
  });
  it('for over a dict gives its keys; two names iterate items()', () => {
    expect(t.renderString('{% for k in conf %}{{ k }};{% endfor %}', vars)).toBe('name;nested;');
    expect(t.renderString('{% for k, v in conf.items() %}{{ k }}={{ v }};{% endfor %}', vars)).toBe("name=pg;nested={'on': True};");
    expect(t.renderString('{% for x in empty %}x{% else %}none{% endfor %}', vars)).toBe('none');
  });
  it('namespace() and {% set ns.attr %} carry values out of a loop', () => {
    const text = '{% set ns = namespace(found=false, n=0) %}{% for h in hosts %}{% if h == "b" %}{% set ns.found = true %}{% endif %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.found }} {{ ns.n }}';
    expect(t.renderString(text, vars)).toBe('True 2');
  });
  it('loop filters: for x in xs if cond (loop.last counts kept items)', () => {
    const v = { hosts: [{ n: 'a', on: true }, { n: 'b', on: false }, { n: 'c', on: true }] };
    expect(t.renderString('{% for h in hosts if h.on %}{{ h.n }}{{ "," if not loop.last }}{% endfor %}', v)).toBe('a,c');
    expect(t.renderString("{% for k, val in {'x': 1, 'y': 2}.items() if val > 1 %}{{ k }}{% endfor %}", v)).toBe('y');
    expect(t.renderString('{% for h in (hosts if true) %}{{ h.n }}{% endfor %}', v)).toBe('abc');
  });
  it('{% include %} from ctx.searchPaths, with the same variables', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsplay-inc-'));
    writeFileSync(path.join(dir, 'part.j2'), 'name={{ name }}\n');
    expect(t.renderString('{% include "part.j2" %}end', vars, { searchPaths: [dir] })).toBe('name=etcd\nend');
  });
  it('nunjucks builtins we keep give plain values', () => {
    expect(t.renderString("{{ 'a<b' | safe }}|{{ 'a<b' | e }}|{{ 'abc def' | truncate(5, true, '') }}", vars)).toBe('a<b|a&lt;b|abc d');
    expect(t.render("{{ 'x' | safe }}", vars)).toBe('x');
  });
  it('None prints as an empty string, True as True', () => {
    expect(t.renderString('[{{ nothing }}][{{ true }}]', vars)).toBe('[][True]');
  });
});

describe('evaluate and evalCondition', () => {
  it('evaluates bare expressions', () => {
    expect(t.evaluate('port > 1000', vars)).toBe(true);
    expect(t.evaluate('hosts | length', vars)).toBe(2);
    expect(t.evaluate('conf.nested', vars)).toEqual({ on: true });
  });
  it('when: semantics', () => {
    expect(t.evalCondition(true, vars)).toBe(true);
    expect(t.evalCondition('flag', vars)).toBe(false);
    expect(t.evalCondition('not flag and port == 2379', vars)).toBe(true);
    expect(t.evalCondition('empty', vars)).toBe(false);
    expect(t.evalCondition('hosts', vars)).toBe(true);
    expect(t.evalCondition('', vars)).toBe(true);
    expect(t.lastWarnings()).toEqual([]);
  });
  it('a string result is judged as a boolean word, with a warning', () => {
    for (const word of ['false', 'no', 'False', 'off', '0', '']) {
      expect(t.evalCondition('answer', { answer: word })).toBe(false);
    }
    expect(t.evalCondition('answer', { answer: 'yes' })).toBe(true);
    expect(t.lastWarnings()[0]).toMatch(/gave the string "yes"/);
  });
  it('{{ }} in a when is accepted with a warning', () => {
    expect(t.evalCondition('{{ port > 5 }}', vars)).toBe(true);
    expect(t.lastWarnings()[0]).toMatch(/should not include jinja2 templating delimiters/);
    expect(t.evalCondition('{{ flag }}', vars)).toBe(false);
    // the string a template gives is read again as an expression, as Ansible does
    expect(t.evalCondition('{{ s }}', { s: 'False' })).toBe(false);
    expect(t.evalCondition('{{ s }}', { s: '[]' })).toBe(false);
    expect(t.evalCondition('{{ s }}', { s: '2 > 1' })).toBe(true);
    expect(t.evalCondition('{{ s }}', { s: 'no' })).toBe(false);
    expect(t.evalCondition('{{ s }}', { s: 'some text' })).toBe(true);
    // data is never run as code
    expect(t.evalCondition('{{ s }}', { s: "lookup('pipe', 'exit 1')" })).toBe(true);
  });
  it('isTemplated looks deep', () => {
    expect(t.isTemplated('x')).toBe(false);
    expect(t.isTemplated({ a: ['{{ x }}'] })).toBe(true);
    expect(t.isTemplated(['{% if x %}']) && t.isTemplated('{# c #}')).toBe(true);
    expect(t.isTemplated(5)).toBe(false);
  });
});
