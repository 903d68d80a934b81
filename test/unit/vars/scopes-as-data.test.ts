/**
 * User audit, section 9: `hostvars[inventory_hostname] | to_nice_json`
 * overflowed the stack (a host's variables hold hostvars again) and a host's
 * variables or `vars` could not be shown. A scope taken as data shows what
 * Ansible shows: each value rendered in its scope, no hostvars inside a
 * host's variables, `vars` with hostvars once.
 */
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../engine/vars/index.js';
import { plainData } from '../../../engine/vars/plain.js';

const t = new Templar();
const HOSTS = ['n1', 'n2'];

/** As the executor builds them: each host's variables hold the same lazy hostvars, and the play's magic. */
function taskVars(): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const hostvars: Record<string, unknown> = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => (typeof k === 'string' && HOSTS.includes(k) ? build(k) : undefined),
    has: (_t, k) => typeof k === 'string' && HOSTS.includes(k),
    ownKeys: () => HOSTS,
    getOwnPropertyDescriptor: (_t, k) => (typeof k === 'string' && HOSTS.includes(k) ? { enumerable: true, configurable: true, writable: false, value: build(k) } : undefined),
  });
  const build = (name: string): Record<string, unknown> => {
    let v = cache.get(name);
    if (!v) {
      v = {
        ansible_host: `10.0.0.${name.slice(1)}`,
        url: 'http://{{ ansible_host }}:2379',
        unused: '{{ nowhere_defined }}',
        inventory_hostname: name,
        hostvars,
        play_hosts: HOSTS,
        ansible_play_name: 'p',
      };
      cache.set(name, v);
    }
    return v;
  };
  return build('n1');
}

describe('a host scope as data', () => {
  it('to_nice_json of hostvars[h]: values rendered in that scope, no hostvars nor play magic, no stack overflow', () => {
    const text = t.render("{{ hostvars['n2'] | to_nice_json }}", taskVars());
    expect(JSON.parse(String(text))).toEqual({
      ansible_host: '10.0.0.2',
      url: 'http://10.0.0.2:2379',
      // a value that does not render is shown as written
      unused: '{{ nowhere_defined }}',
      inventory_hostname: 'n2',
    });
  });

  it('to_json, to_yaml and to_nice_yaml too', () => {
    const v = taskVars();
    expect(JSON.parse(String(t.render('{{ hostvars[inventory_hostname] | to_json }}', v)))).toMatchObject({ url: 'http://10.0.0.1:2379' });
    expect(t.render("{{ hostvars['n2'] | to_nice_yaml }}", v)).toContain('url: http://10.0.0.2:2379\n');
    expect(t.render("{{ hostvars['n2'] | to_yaml }}", v)).not.toContain('hostvars');
  });

  it('one {{ }} giving a scope gives its data (a task argument, set_fact)', () => {
    const v = taskVars();
    const data = t.render("{{ hostvars['n2'] }}", v) as Record<string, unknown>;
    expect(data).toEqual({ ansible_host: '10.0.0.2', url: 'http://10.0.0.2:2379', unused: '{{ nowhere_defined }}', inventory_hostname: 'n2' });
    const list = t.render("{{ groups | map('extract', hostvars) | list }}", { ...v, groups: HOSTS }) as Record<string, unknown>[];
    expect(list.map((h) => h['url'])).toEqual(['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
  });

  it("map(attribute=) and selectattr read a host's templated value rendered, as hostvars[h].url does", () => {
    const v = { ...taskVars(), groups: HOSTS };
    expect(t.render("{{ groups | map('extract', hostvars) | map(attribute='url') | list }}", v)).toEqual(['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
    expect(t.render("{{ groups | map('extract', hostvars) | selectattr('url', 'search', '0.2:') | map(attribute='inventory_hostname') | list }}", v)).toEqual(['n2']);
  });

  it('a scope printed inside text prints as a dict', () => {
    const out = String(t.render("host: {{ hostvars['n2'] }}", taskVars()));
    expect(out).toContain("'url': 'http://10.0.0.2:2379'");
    expect(out).not.toContain('hostvars');
  });

  it('vars: the task scope, hostvars shown once, its hosts without hostvars', () => {
    const data = t.render('{{ vars }}', taskVars()) as Record<string, unknown>;
    expect(data['url']).toBe('http://10.0.0.1:2379');
    expect(data['play_hosts']).toEqual(HOSTS);
    const hostvars = data['hostvars'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(hostvars)).toEqual(HOSTS);
    expect(hostvars['n2']).toEqual({ ansible_host: '10.0.0.2', url: 'http://10.0.0.2:2379', unused: '{{ nowhere_defined }}', inventory_hostname: 'n2' });
    expect(t.render('{{ vars | length }}', taskVars())).toBe(7);
  });

  it('plainData leaves data without scopes as it is, and leaves a cycle out', () => {
    const data = { a: [1, { b: 'x' }], c: null };
    expect(plainData(data, (o, k) => o[k])).toEqual(data);
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    expect(plainData(cyclic, (o, k) => o[k])).toEqual({ name: 'c' });
  });
});
