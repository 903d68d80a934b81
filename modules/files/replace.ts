import { defineModule } from '../../engine/module-api.js';
import { applyEditTask, checkEditable, planEdit, probeEdit, type EditFacts, type EditState } from '../lib/edit.js';
import type { ModeParam } from '../lib/mode.js';
import { aliased, attrProps, backupProp, pathProps, requireOneOf, validateProp } from '../lib/schema.js';
import { editReplace, type ReplaceEditParams } from './replace-edit.js';

export interface ReplaceParams extends ReplaceEditParams {
  path?: string;
  dest?: string;
  destfile?: string;
  name?: string;
  backup?: boolean;
  validate?: string;
  encoding?: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

const PATH_NAMES = ['path', 'dest', 'destfile', 'name'];

export function planReplace(raw: ReplaceParams, facts: EditFacts, noLog: boolean) {
  const p = { ...raw, path: aliased(raw, PATH_NAMES) };
  checkEditable(p.path, facts, false);
  const contents = facts.stat.content?.toString((p.encoding ?? 'utf-8') === 'utf-8' ? 'utf8' : 'latin1') ?? '';
  const edit = editReplace(contents, p);
  const plan = planEdit({ path: p.path, facts, after: edit.content, msg: edit.msg, params: p, noLog });
  if (!edit.changed && edit.msg) plan.data = { ...plan.data, msg: edit.msg };
  return plan;
}

export const replace = defineModule<ReplaceParams, EditFacts, EditState>({
  name: 'replace',
  aliases: ['ansible.builtin.replace'],
  doc: {
    short: 'Replace every match of a regular expression in a file',
    description:
      "Same semantics as Ansible's replace: Python regex with MULTILINE, replacement templates \\1, \\g<1>, \\g<name>; after/before " +
      'limit the replacement to the text between their (DOTALL) matches.',
    examples: `- replace:
    path: /etc/ssh/sshd_config
    regexp: '^#?(PermitRootLogin)\\s+\\S+$'
    replace: '\\1 no'`,
    returns: { msg: "'N replacements made'", backup_file: 'backup made, if any' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['regexp'],
    ...requireOneOf(PATH_NAMES),
    properties: {
      ...pathProps('path', ['dest', 'destfile', 'name'], 'The file to edit.'),
      regexp: { description: 'Python regular expression (MULTILINE) to replace.', type: 'string' },
      replace: { description: 'Replacement; \\1, \\g<1>, \\g<name> insert groups. Empty removes the matches.', type: 'string', default: '' },
      after: { description: 'Only replace in the text after the first match of this regex.', type: 'string' },
      before: { description: 'Only replace in the text before this regex (with after: the shortest section between them).', type: 'string' },
      encoding: { description: "The file's encoding (utf-8 or latin-1).", type: 'string', default: 'utf-8' },
      backup: backupProp,
      validate: validateProp,
      ...attrProps,
    },
  },
  probe: (ctx, p) => probeEdit(ctx, aliased(p, PATH_NAMES)),
  plan: (p, facts, pc) => planReplace(p, facts, pc.noLog),
  apply: (ctx, _p, plan) => applyEditTask(ctx, plan),
});
