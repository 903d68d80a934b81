import { describe, expect, it } from 'vitest';
import { TsplayError } from '../../../engine/errors.js';
import { markVarsScope, Templar } from '../../../engine/vars/index.js';

const t = new Templar();
const src = { file: 'roles/etcd/tasks/main.yml', line: 12, col: 7 };
const vars = { etcd: { client_port: 2379 }, hosts: ['a'], nothing: null };

function thrown(f: () => unknown): TsplayError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TsplayError);
    return e as TsplayError;
  }
  throw new Error('expected an error');
}

describe('undefined variables are errors that name the variable', () => {
  it('a missing variable, with ctx.source as position', () => {
    const e = thrown(() => t.render('--port={{ etcd_peer_port }}', vars, { source: src }));
    expect(e.code).toBe('TSPLAY_UNDEFINED_VAR');
    expect(e.message).toBe("'etcd_peer_port' is undefined");
    expect(e.source).toEqual(src);
    expect(e.format()).toContain('roles/etcd/tasks/main.yml:12:7');
  });
  it('native, evaluate and when all fail the same way', () => {
    expect(thrown(() => t.render('{{ nope }}', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evaluate('nope > 1', vars, { source: src })).source).toEqual(src);
    expect(thrown(() => t.evalCondition('nope', vars)).code).toBe('TSPLAY_UNDEFINED_VAR');
    expect(thrown(() => t.evalCondition('not nope', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evalCondition('hosts and nope', vars)).message).toBe("'nope' is undefined");
  });
  it('a missing attribute of a defined dict names dict.attr', () => {
    const e = thrown(() => t.render('{{ etcd.peer_port }}', vars));
    expect(e.message).toBe("'etcd.peer_port' is undefined");
    expect(e.hint).toContain("'dict object' has no attribute 'peer_port'");
    expect(thrown(() => t.render("{{ etcd['peer'] }}", vars)).message).toBe("'etcd.peer' is undefined");
    expect(thrown(() => t.render('{{ hosts[3] }}', vars)).message).toBe("'hosts[3]' is undefined");
    expect(thrown(() => t.render('{{ nothing.x }}', vars)).message).toBe("'nothing.x' is undefined");
    // the first missing part is named, as Ansible does
    expect(thrown(() => t.render('{{ etcd.peer.port }}', vars)).message).toBe("'etcd.peer' is undefined");
    expect(thrown(() => t.render("{{ nope.a.split(',') }}", vars)).message).toBe("'nope' is undefined");
  });
  it('using an undefined value in a filter, loop, comparison or call fails', () => {
    expect(thrown(() => t.render('{{ nope | upper }}', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.renderString('{% for x in nope %}{% endfor %}', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evaluate('nope == 1', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evaluate("'a' in nope", vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evaluate('nope(1)', vars)).message).toBe("'nope' is undefined");
    expect(thrown(() => t.evaluate("[1] | map(attribute='x') | list", vars)).message).toMatch(/'x' is undefined/);
  });
  it('in a template file the position is the failing line', () => {
    const e = thrown(() => t.renderString('a\nb\n  x={{ missing_var }}\n', vars, { source: { file: 'templates/x.j2', line: 1, col: 1 } }));
    expect(e.source).toEqual({ file: 'templates/x.j2', line: 3, col: 8 }); // at the name
    expect(e.excerpt).toBe('x={{ missing_var }}');
  });
  it("a template file rendered at a task's position: the task's source, the template line as hint", () => {
    const e = thrown(() => t.renderString('a\n{% if y %}{% endif %}\n', vars, { source: src }));
    expect(e.message).toBe("'y' is undefined");
    expect(e.source).toEqual(src);
    expect(e.hint).toBe('at line 2 of the template');
    expect(e.excerpt).toBe('{% if y %}{% endif %}');
  });
});

describe('guarded uses of undefined work as in Ansible', () => {
  it('is defined / is undefined, on names, attributes and chains', () => {
    expect(t.evaluate('nope is defined', vars)).toBe(false);
    expect(t.evaluate('nope is undefined', vars)).toBe(true);
    expect(t.evaluate('etcd.client_port is defined', vars)).toBe(true);
    expect(t.evaluate('etcd.peer_port is defined', vars)).toBe(false);
    expect(t.evaluate('nope.a.b is defined', vars)).toBe(false);
    expect(t.evaluate('nope is not defined', vars)).toBe(true);
    expect(t.evalCondition('nope is defined and nope > 1', vars)).toBe(false);
    expect(t.evalCondition('nope is undefined or nope > 1', vars)).toBe(true);
  });
  it('default and d, with the boolean second argument', () => {
    expect(t.render('{{ nope | default(5) }}', vars)).toBe(5);
    expect(t.render('{{ etcd.peer_port | d(2380) }}', vars)).toBe(2380);
    expect(t.render('{{ nope.deep.er | default("x") }}', vars)).toBe('x');
    expect(t.render("{{ '' | default('e') }}", vars)).toBe('');
    expect(t.render("{{ '' | default('e', true) }}", vars)).toBe('e');
    expect(t.render('{{ nothing | default(1) }}', vars)).toBeNull();
    expect(t.render('{{ nothing | default(1, true) }}', vars)).toBe(1);
    expect(t.render('{{ nope | default(omitted) | default(3) }}', vars)).toBe(3);
  });
  it('mandatory', () => {
    expect(t.render('{{ etcd | mandatory }}', vars)).toEqual(vars.etcd);
    const e = thrown(() => t.render('{{ patroni_scope | mandatory }}', vars));
    expect(e.code).toBe('TSPLAY_UNDEFINED_VAR');
    expect(e.message).toBe("Mandatory variable 'patroni_scope' not defined.");
    expect(thrown(() => t.render("{{ x | mandatory('set x in group_vars') }}", vars)).message).toBe('set x in group_vars');
  });
  it('a loop variable or {% set %} shadows nothing undefined', () => {
    expect(t.renderString('{% set x = 1 %}{{ x }}{% for y in [2] %}{{ y }}{% endfor %}', vars)).toBe('12');
  });
});

describe('lazy variables', () => {
  const lazy = {
    patroni_scope: 'pgcluster',
    etcd_cluster_token: 'etcd-{{ patroni_scope }}',
    token_file: '/etc/{{ etcd_cluster_token }}.tok',
    ports: { client: '{{ base + 1 }}', list: ['{{ base }}'] },
    base: 2378,
    broken: '{{ not_there }}',
    a: '{{ b }}',
    b: 'x{{ c }}',
    c: '{{ a }}',
  };
  it('a templated value is rendered when referenced, recursively, keeping types', () => {
    expect(t.render('{{ token_file }}', lazy)).toBe('/etc/etcd-pgcluster.tok');
    expect(t.render('{{ ports.client }}', lazy)).toBe(2379);
    expect(t.render('{{ ports }}', lazy)).toEqual({ client: 2379, list: [2378] });
  });
  it('a broken variable that is not referenced is never rendered', () => {
    expect(t.render('{{ patroni_scope }}', lazy)).toBe('pgcluster');
    const e = thrown(() => t.render('{{ broken }}', lazy));
    expect(e.message).toBe("'not_there' is undefined");
    expect(e.hint).toBe("in the value of variable 'broken'");
  });
  it('a cycle is a clear error', () => {
    const e = thrown(() => t.render('{{ a }}', lazy, { source: src }));
    expect(e.code).toBe('TSPLAY_TEMPLATE_ERROR');
    expect(e.message).toBe('recursive loop in variable a -> b -> c -> a');
    expect(e.source).toEqual(src);
    expect(thrown(() => t.render('{{ self }}', { self: '{{ self }}' })).message).toBe('recursive loop in variable self -> self');
  });
  it('lookup("vars") templates lazily too', () => {
    expect(t.render("{{ lookup('vars', 'etcd_cluster_token') }}", lazy)).toBe('etcd-pgcluster');
  });
});

describe('magic variables', () => {
  it('hostvars may be a lazy Proxy: only the hosts referenced are built', () => {
    const built: string[] = [];
    const hostvars = new Proxy({} as Record<string, unknown>, {
      get(_t, host) {
        if (typeof host !== 'string') return undefined;
        built.push(host);
        return markVarsScope({ ansible_host: `10.0.0.${host.slice(-1)}`, inventory_hostname: host, url: 'http://{{ ansible_host }}:2379' });
      },
      has: () => true,
      ownKeys: () => {
        throw new Error('hostvars must not be enumerated');
      },
    });
    const v = { hostvars, groups: { etcd: ['n1', 'n2', 'n3'] }, inventory_hostname: 'n1' };
    expect(t.render("{{ hostvars['n2'].ansible_host }}", v)).toBe('10.0.0.2');
    expect(built).toEqual(['n2']);
    // a templated value of another host renders with that host's variables
    expect(t.render("{{ hostvars['n3']['url'] }}", v)).toBe('http://10.0.0.3:2379');
    expect(t.render("{{ groups.etcd | map('extract', hostvars, 'url') | join(',') }}", v)).toBe(
      'http://10.0.0.1:2379,http://10.0.0.2:2379,http://10.0.0.3:2379',
    );
  });
});

describe('hostvars as the executor builds it (a Proxy of plain maps)', () => {
  it("templated values of another host render with that host's variables, lazily", () => {
    const built: string[] = [];
    const hosts = ['n1', 'n2'];
    const hostvars = new Proxy({} as Record<string, unknown>, {
      get: (_t, k) => {
        if (typeof k !== 'string' || !hosts.includes(k)) return undefined;
        built.push(k);
        return { ansible_host: `10.0.0.${k.slice(1)}`, peer: 'https://{{ ansible_host }}:2380', name: '{{ inventory_hostname }}', inventory_hostname: k };
      },
      has: (_t, k) => typeof k === 'string' && hosts.includes(k),
      ownKeys: () => hosts,
    });
    const v = { hostvars, inventory_hostname: 'n1', ansible_host: '10.0.0.1', groups: { etcd: hosts } };
    expect(t.render("{{ hostvars['n2'].peer }}", v)).toBe('https://10.0.0.2:2380');
    expect(built).toEqual(['n2']);
    const cluster = "{% for h in groups.etcd %}{{ hostvars[h].name }}={{ hostvars[h]['peer'] }}{{ ',' if not loop.last }}{% endfor %}";
    expect(t.render(cluster, v)).toBe('n1=https://10.0.0.1:2380,n2=https://10.0.0.2:2380');
    expect(t.render("{{ groups.etcd | map('extract', hostvars, 'peer') | list }}", v)).toEqual(['https://10.0.0.1:2380', 'https://10.0.0.2:2380']);
    expect(t.evaluate("hostvars['n9'] is defined", v)).toBe(false);
  });
});

describe('vault values', () => {
  class Vaulted {
    constructor(readonly plaintext: string) {}
  }
  const reveal = (v: unknown): unknown => (v instanceof Vaulted ? v.plaintext : v);
  it('are revealed when referenced', () => {
    const tv = new Templar({ vaultReveal: reveal });
    const v = { db: { password: new Vaulted('s3cret') }, pw: new Vaulted('top') };
    expect(tv.render('{{ pw }}', v)).toBe('top');
    expect(tv.render('{{ db.password }}', v)).toBe('s3cret');
    expect(tv.render('pw={{ pw }}', v)).toBe('pw=top');
    expect(tv.render(['{{ pw }}', new Vaulted('x')], v)).toEqual(['top', 'x']);
    // module arguments holding a vault value directly
    expect(tv.render({ name: 'app', password: new Vaulted('p') }, v)).toEqual({ name: 'app', password: 'p' });
  });
});
