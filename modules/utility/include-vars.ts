import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { readVarsFile } from '../../engine/yaml.js';

export interface IncludeVarsParams {
  file?: string;
  dir?: string;
  name?: string;
  depth?: number;
  files_matching?: string;
  ignore_files?: string[];
  extensions?: string[];
}

interface IncludedVars {
  files: string[];
  values: Record<string, unknown>;
}

/** Files of a vars directory, sorted, as Ansible walks them (depth 0: unlimited). */
export async function listVarsFiles(dir: string, p: IncludeVarsParams, level = 1): Promise<string[]> {
  const exts = (p.extensions ?? ['yaml', 'yml', 'json']).map((e) => (e === '' ? '' : `.${e.replace(/^\./, '')}`));
  const matching = p.files_matching ? new RegExp(p.files_matching) : undefined;
  const ignored = (p.ignore_files ?? []).map((i) => new RegExp(`^${i.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  const out: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const full = join(dir, entry);
    if ((await stat(full)).isDirectory()) {
      if (!p.depth || level < p.depth) out.push(...(await listVarsFiles(full, p, level + 1)));
      continue;
    }
    if (!exts.includes(extname(entry))) continue;
    if (matching && !matching.test(basename(entry))) continue;
    if (ignored.some((r) => r.test(entry))) continue;
    out.push(full);
  }
  return out;
}

export const includeVars = defineModule<IncludeVarsParams, IncludedVars>({
  name: 'include_vars',
  aliases: ['ansible.builtin.include_vars'],
  controllerOnly: true,
  freeForm: 'file',
  doc: {
    short: 'Load variables from YAML/JSON files on the controller',
    description:
      'file is looked up in the role vars/ then the playbook directory; dir loads every matching file in sorted order ' +
      '(later files win). The values are returned as data.include_vars (under name when given) and the executor adds them ' +
      'to the host scope with set_fact precedence.',
    examples: ['- include_vars: "{{ ansible_os_family }}.yml"', '- include_vars:', '    dir: vars/clusters', '    name: clusters'].join('\n'),
    returns: { ansible_included_var_files: 'the files read', include_vars: 'the variables loaded' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file: { type: 'string', description: 'The vars file to load.' },
      dir: { type: 'string', description: 'A directory whose files are all loaded.' },
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Put the loaded variables under this one variable.' },
      depth: { type: 'integer', minimum: 0, default: 0, description: 'With dir: how deep to descend (0: no limit).' },
      files_matching: { type: 'string', description: 'With dir: only files whose name matches this regular expression.' },
      ignore_files: { type: 'array', items: { type: 'string' }, description: 'With dir: file name globs to skip.' },
      extensions: { type: 'array', items: { type: 'string' }, description: 'With dir: extensions to load (default yaml, yml, json).' },
    },
  },
  async probe(ctx, p) {
    if ((p.file === undefined) === (p.dir === undefined)) throw new ModuleFailure('include_vars needs exactly one of file or dir');
    const files = p.file !== undefined ? [ctx.findFile('vars', p.file)] : await listVarsFiles(ctx.findFile('vars', p.dir!), p);
    const values: Record<string, unknown> = {};
    for (const f of files) Object.assign(values, await readVarsFile(f));
    return { files, values };
  },
  plan(p, facts) {
    const vars = p.name ? { [p.name]: facts.values } : facts.values;
    return { changes: [], data: { ansible_included_var_files: facts.files, include_vars: vars } };
  },
});
