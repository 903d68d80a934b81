import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { applyEditTask, checkEditable, checkInsertParams, planEdit, probeEdit, type EditFacts, type EditState } from '../lib/edit.js';
import type { ModeParam } from '../lib/mode.js';
import { aliased, attrProps, backupProp, pathProps, requireOneOf, validateProp } from '../lib/schema.js';
import { checkLineParams, lineAbsent, linePresent, type LineEditParams } from './lineinfile-edit.js';

export interface LineinfileParams extends LineEditParams {
  path?: string;
  dest?: string;
  destfile?: string;
  name?: string;
  regex?: string;
  value?: string;
  state?: 'present' | 'absent';
  create?: boolean;
  backup?: boolean;
  validate?: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

const PATH_NAMES = ['path', 'dest', 'destfile', 'name'];

/** Folds Ansible's aliases (dest/destfile/name, regex, value) into the main names. */
export function normalizeLineParams(p: LineinfileParams): LineinfileParams & { path: string } {
  const out = { ...p, path: aliased(p, PATH_NAMES) };
  if (out.regexp === undefined && p.regex !== undefined) out.regexp = p.regex;
  if (out.line === undefined && p.value !== undefined) out.line = p.value;
  checkInsertParams(p);
  if (out.regexp !== undefined && p.search_string !== undefined) throw new ModuleFailure('parameters are mutually exclusive: regexp|search_string');
  checkLineParams(out);
  return out;
}

export function planLineinfile(raw: LineinfileParams, facts: EditFacts, noLog: boolean) {
  const p = normalizeLineParams(raw);
  const present = (p.state ?? 'present') === 'present';
  checkEditable(p.path, facts, present ? !!p.create : true, 'Destination');
  if (!facts.stat.exists && !present) return { changes: [], reason: 'file not present', data: { msg: 'file not present', changed: false } };
  const original = facts.stat.content?.toString('utf8') ?? '';
  const edit = present ? linePresent(original, p) : lineAbsent(original, p);
  const plan = planEdit({ path: p.path, facts, after: edit.content, msg: edit.msg, params: p, noLog });
  if (edit.found !== undefined) plan.data = { ...plan.data, found: edit.found };
  return plan;
}

export const lineinfile = defineModule<LineinfileParams, EditFacts, EditState>({
  name: 'lineinfile',
  aliases: ['ansible.builtin.lineinfile'],
  doc: {
    short: 'Ensure a line is in a file, or replace/remove lines matching a regular expression',
    description:
      "Same semantics as Ansible's lineinfile (Python regex syntax): regexp wins over insertafter/insertbefore; the last match is used " +
      'unless firstmatch; backrefs never inserts a line; an existing exact copy of line is left alone.',
    examples: `- lineinfile:
    path: /etc/postgresql/15/main/postgresql.conf
    regexp: '^#?listen_addresses\\s*='
    line: "listen_addresses = '*'"
- lineinfile: { path: /etc/hosts, line: "10.0.0.5 db1", insertafter: '^127\\.0\\.0\\.1' }`,
    returns: { msg: "'line added', 'line replaced', 'N line(s) removed'", backup: 'backup file, if made', found: 'lines removed (state=absent)' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    ...requireOneOf(PATH_NAMES),
    properties: {
      ...pathProps('path', ['dest', 'destfile', 'name'], 'The file to edit.'),
      state: { description: 'Whether the line should be there.', enum: ['present', 'absent'], default: 'present' },
      regexp: { description: 'Python regular expression searched in every line; the last match is replaced (or removed).', type: 'string' },
      regex: { description: 'Alias of regexp.', type: 'string' },
      search_string: { description: 'Literal string searched in every line (instead of regexp).', type: 'string' },
      line: { description: 'The line to insert or replace with; with backrefs, \\1 and \\g<name> are expanded.', type: 'string' },
      value: { description: 'Alias of line.', type: 'string' },
      insertafter: { description: "Regex (last match) after which the line is inserted when regexp does not match, or 'EOF'.", type: 'string' },
      insertbefore: { description: "Regex (last match) before which the line is inserted when regexp does not match, or 'BOF'.", type: 'string' },
      backrefs: { description: 'Expand backreferences of regexp in line; when regexp does not match, nothing changes.', type: 'boolean', default: false },
      firstmatch: { description: 'Use the first match of regexp/insertafter/insertbefore instead of the last.', type: 'boolean', default: false },
      create: { description: 'Create the file if missing (state=present).', type: 'boolean', default: false },
      backup: backupProp,
      validate: validateProp,
      ...attrProps,
    },
  },
  probe: (ctx, p) => probeEdit(ctx, normalizeLineParams(p).path),
  plan: (p, facts, pc) => planLineinfile(p, facts, pc.noLog),
  apply: (ctx, _p, plan) => applyEditTask(ctx, plan, { backupKey: true }),
});
