/**
 * Variable precedence where set_fact, register, role parameters and include
 * parameters meet (checked against ansible-playbook 2.14, whose
 * VariableManager puts role params, then include params, above set_fact and
 * register, and keeps set_fact and register in one store: the later write
 * wins).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, runYaml } from './harness.js';

const ROLE = `
- debug: msg="A x={{ x }}"
- debug: msg="B x={{ x }}"
  vars: { x: from_task_vars }
- set_fact: { x: from_set_fact }
- debug: msg="C x={{ x }}"
`;

const PLAY = `
- hosts: h1
  gather_facts: false
  vars:
    x: from_play
  roles:
    - role: r
      x: from_role_param
  tasks:
    - debug: msg="D x={{ x }}"
    - include_role: { name: r }
      vars: { x: from_include_vars }
    - debug: msg="E x={{ x }}"
    - debug: { msg: registered }
      register: out
    - set_fact: { out: from_set_fact }
    - debug: msg="F out={{ out }}"
    - set_fact: { y: from_set_fact }
    - debug: { msg: registered }
      register: y
    - debug: msg="G y={{ y.msg }}"
    - include_tasks: t.yml
      vars: { z: from_include_params }
`;

describe('precedence of set_fact, register, role and include parameters (as Ansible 2.14)', () => {
  it('role params and include vars win over task vars and set_fact; set_fact and register: the later wins', async () => {
    const h = await runYaml(PLAY, {
      inventory: '[web]\nh1\n',
      files: { 'roles/r/tasks/main.yml': ROLE, 't.yml': '- set_fact: { z: from_set_fact }\n- debug: msg="H z={{ z }}"\n' },
    });
    const msgs = eventsOf(h.events, 'host_result')
      .filter((e) => e.task.module === 'debug')
      .map((e) => String(e.result.data.msg))
      .filter((m) => m !== 'registered');
    expect(msgs).toEqual([
      'A x=from_role_param', 'B x=from_role_param', 'C x=from_role_param',
      'D x=from_set_fact',
      'A x=from_include_vars', 'B x=from_include_vars', 'C x=from_include_vars',
      'E x=from_set_fact',
      'F out=from_set_fact',
      'G y=registered',
      'H z=from_include_params',
    ]);
  });
});
