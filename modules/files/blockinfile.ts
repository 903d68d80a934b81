import { defineModule } from '../../engine/module-api.js';
import { applyEditTask, checkEditable, checkInsertParams, planEdit, probeEdit, type EditFacts, type EditState } from '../lib/edit.js';
import type { ModeParam } from '../lib/mode.js';
import { aliased, attrProps, backupProp, pathProps, requireOneOf, validateProp } from '../lib/schema.js';
import { editBlock, type BlockEditParams } from './blockinfile-edit.js';

export interface BlockinfileParams extends BlockEditParams {
  path?: string;
  dest?: string;
  destfile?: string;
  name?: string;
  content?: string;
  create?: boolean;
  backup?: boolean;
  validate?: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

const PATH_NAMES = ['path', 'dest', 'destfile', 'name'];

function normalize(p: BlockinfileParams): BlockinfileParams & { path: string } {
  checkInsertParams(p);
  return { ...p, path: aliased(p, PATH_NAMES), block: p.block ?? p.content ?? '' };
}

export function planBlockinfile(raw: BlockinfileParams, facts: EditFacts, noLog: boolean) {
  const p = normalize(raw);
  const present = (p.state ?? 'present') === 'present';
  checkEditable(p.path, facts, present ? !!p.create : true);
  if (!facts.stat.exists && !present) return { changes: [], reason: `File ${p.path} not present`, data: { msg: `File ${p.path} not present` } };
  const edit = editBlock(facts.stat.exists ? (facts.stat.content?.toString('utf8') ?? '') : undefined, p);
  return planEdit({ path: p.path, facts, after: edit.content, msg: edit.msg, params: p, noLog });
}

export const blockinfile = defineModule<BlockinfileParams, EditFacts, EditState>({
  name: 'blockinfile',
  aliases: ['ansible.builtin.blockinfile'],
  doc: {
    short: 'Insert, update or remove a block of lines between marker lines',
    description:
      "Same semantics as Ansible's blockinfile: the block sits between '# BEGIN ANSIBLE MANAGED BLOCK' / '# END ...' markers " +
      '(marker with {mark}); a new block goes at EOF unless insertafter/insertbefore (last matching line) say otherwise; an empty block removes it.',
    examples: `- blockinfile:
    path: /etc/hosts
    marker: "# {mark} cluster hosts"
    block: |
      10.0.0.11 pg1
      10.0.0.12 pg2`,
    returns: { msg: "'Block inserted', 'Block removed', 'File created'", backup_file: 'backup made, if any' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    ...requireOneOf(PATH_NAMES),
    properties: {
      ...pathProps('path', ['dest', 'destfile', 'name'], 'The file to edit.'),
      state: { description: 'Whether the block should be there.', enum: ['present', 'absent'], default: 'present' },
      block: { description: 'The text between the markers; empty removes the block.', type: 'string' },
      content: { description: 'Alias of block.', type: 'string' },
      marker: { description: "Marker line template; {mark} becomes marker_begin / marker_end.", type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK' },
      marker_begin: { description: 'Replaces {mark} in the opening marker.', type: 'string', default: 'BEGIN' },
      marker_end: { description: 'Replaces {mark} in the closing marker.', type: 'string', default: 'END' },
      insertafter: { description: "Regex (last matching line) after which a new block goes, or 'EOF'.", type: 'string' },
      insertbefore: { description: "Regex (last matching line) before which a new block goes, or 'BOF'.", type: 'string' },
      create: { description: 'Create the file if missing.', type: 'boolean', default: false },
      backup: backupProp,
      validate: validateProp,
      ...attrProps,
    },
  },
  probe: (ctx, p) => probeEdit(ctx, normalize(p).path),
  plan: (p, facts, pc) => planBlockinfile(p, facts, pc.noLog),
  apply: (ctx, _p, plan) => applyEditTask(ctx, plan),
});
