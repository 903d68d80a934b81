/**
 * `tsplay role init NAME`: a role in Ansible's layout with an argument spec,
 * a README and a test playbook, ready for `tsplay check`. Nothing existing is
 * ever overwritten.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { TsplayError } from '../errors.js';

export interface ScaffoldRoleOptions {
  name: string;
  /** the directory holding roles (default ./roles) */
  path?: string;
}

/** Ansible's rule for role names: they become variable prefixes. */
const ROLE_NAME = /^[a-z][a-z0-9_]*$/;

/** tasks, handlers, defaults, vars, templates and files of the role. */
function contentFiles(name: string): Record<string, string> {
  const v = (k: string): string => `${name}_${k}`;
  return {
    'tasks/main.yml': `---
# Tasks of the ${name} role. Its arguments are declared in meta/argument_specs.yml
# (tsplay check validates them where the role is used); defaults in defaults/main.yml.
- name: ${name} | configuration directory
  ansible.builtin.file:
    path: "{{ ${v('config_dir')} }}"
    state: directory
    mode: "0755"

- name: ${name} | configuration file
  ansible.builtin.template:
    src: ${name}.conf.j2
    dest: "{{ ${v('config_dir')} }}/${name}.conf"
    mode: "0644"
  notify: ${name} configuration changed
`,
    'handlers/main.yml': `---
- name: ${name} configuration changed
  ansible.builtin.debug:
    msg: "{{ ${v('config_dir')} }}/${name}.conf changed"
`,
    'defaults/main.yml': `---
# Lowest precedence: anything here can be overridden by inventory, play or role parameters.
${v('config_dir')}: /etc/${name}
${v('settings')}: {}
`,
    'vars/main.yml': `---
# Role variables (high precedence): constants of the role, not meant to be overridden.
`,
    'templates/.gitkeep': '',
    'files/.gitkeep': '',
    [`templates/${name}.conf.j2`]: `# {{ ansible_managed | default('Managed by tsplay') }}
{% for key, value in ${v('settings')} | dictsort %}
{{ key }} = {{ value }}
{% endfor %}
`,
  };
}

/** meta/ (galaxy info, argument spec), README and the test playbook. */
function metaFiles(name: string): Record<string, string> {
  const v = (k: string): string => `${name}_${k}`;
  return {
    'meta/main.yml': `---
galaxy_info:
  role_name: ${name}
  author: your name
  description: what the ${name} role does
  license: Apache-2.0
  min_ansible_version: "2.14"
  platforms:
    - name: Debian
      versions: [bookworm]
dependencies: []
`,
    'meta/argument_specs.yml': `---
# Checked by tsplay check (and Ansible) wherever the role is used.
argument_specs:
  main:
    short_description: Configures ${name}
    options:
      ${v('config_dir')}:
        type: path
        default: /etc/${name}
        description: Directory that holds ${name}.conf.
      ${v('settings')}:
        type: dict
        default: {}
        description: Settings written to ${name}.conf as "key = value" lines.
`,
    'README.md': readme(name),
    'tests/inventory': 'localhost ansible_connection=local\n',
    'tests/test.yml': `---
# tsplay check roles/${name}/tests/test.yml -i roles/${name}/tests/inventory
# tsplay run   roles/${name}/tests/test.yml -i roles/${name}/tests/inventory
- name: Test the ${name} role
  hosts: localhost
  gather_facts: false
  roles:
    - role: ../../${name}
      ${v('config_dir')}: /tmp/${name}-test
      ${v('settings')}:
        greeting: hello
`,
  };
}

function readme(name: string): string {
  return `# ${name}

What the role does, in one paragraph.

## Arguments

Declared in \`meta/argument_specs.yml\` (\`tsplay check\` validates them):

| Name | Type | Default | Description |
|------|------|---------|-------------|
| \`${name}_config_dir\` | path | \`/etc/${name}\` | Directory that holds ${name}.conf. |
| \`${name}_settings\` | dict | \`{}\` | Settings written to ${name}.conf. |

## Example

\`\`\`yaml
- hosts: all
  roles:
    - role: ${name}
      ${name}_settings:
        port: 8080
\`\`\`

## Testing

\`\`\`sh
tsplay check tests/test.yml -i tests/inventory
tsplay run tests/test.yml -i tests/inventory --check --diff
\`\`\`

Custom modules the role needs go in \`library/\` (see docs/extending.md).
`;
}

/** Writes the role; returns the files written (relative to the role). */
export function scaffoldRole(opts: ScaffoldRoleOptions): { roleDir: string; files: string[] } {
  if (!ROLE_NAME.test(opts.name)) {
    throw new TsplayError('TSPLAY_OPTIONS', `invalid role name '${opts.name}'`, { hint: 'lowercase letters, digits and underscores, starting with a letter (it prefixes the role variables)' });
  }
  const roleDir = resolve(opts.path ?? 'roles', opts.name);
  if (existsSync(roleDir)) {
    throw new TsplayError('TSPLAY_OPTIONS', `${roleDir} already exists; nothing was written`, { hint: 'choose another name or --path, or remove the directory' });
  }
  const written: string[] = [];
  for (const [rel, content] of Object.entries({ ...contentFiles(opts.name), ...metaFiles(opts.name) })) {
    const full = join(roleDir, rel);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content, { flag: 'wx' });
    written.push(relative(roleDir, full));
  }
  return { roleDir, files: written };
}
