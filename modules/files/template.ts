import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { defineModule, type ModuleContext } from '../../engine/module-api.js';
import { TsplayError } from '../../engine/errors.js';
import type { ModeParam } from '../lib/mode.js';
import { attrProps, backupProp, validateProp } from '../lib/schema.js';
import { copy, planCopy, probeSingle, type CopyFacts, type CopyState } from './copy.js';

export interface TemplateParams {
  src: string;
  dest: string;
  mode?: ModeParam;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
  newline_sequence?: '\n' | '\r' | '\r\n';
  force?: boolean;
}

/** Renders the controller template with Ansible's template_* variables. */
export function renderTemplate(ctx: ModuleContext, p: TemplateParams): Buffer {
  const path = ctx.findFile('templates', p.src);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `template not found: ${p.src}`, { source: ctx.source, hint: `looked for ${path}` });
  }
  const st = statSync(path);
  const rendered = ctx.render(source, {
    template_path: path,
    template_fullpath: path,
    template_host: hostname(),
    template_uid: String(st.uid),
    template_mtime: st.mtime.toISOString(),
    template_destpath: p.dest,
    // a fixed string (no host, user or time in it), so templates using it stay idempotent
    ansible_managed: ctx.vars.ansible_managed ?? 'Ansible managed',
  });
  return Buffer.from(applyNewlineSequence(rendered, p.newline_sequence ?? '\n'));
}

export function applyNewlineSequence(text: string, seq: string): string {
  return seq === '\n' ? text : text.replace(/\r\n|\r|\n/g, seq);
}

export const template = defineModule<TemplateParams, CopyFacts, CopyState>({
  name: 'template',
  aliases: ['ansible.builtin.template'],
  doc: {
    short: 'Render a nunjucks/Jinja2 template from the controller to the host',
    description:
      "The template is looked up in the role's templates/ (then the playbook dir), rendered with the task's variables and Ansible's filters, " +
      'and written like copy: atomically, with backup/validate/mode/owner/group.',
    examples: `- template:
    src: patroni.yml.j2
    dest: /etc/patroni/patroni.yml
    owner: postgres
    mode: "0600"
    validate: patroni --validate-config %s`,
    returns: { dest: 'destination path', checksum: 'sha1 of the rendered file', size: 'bytes', mode: 'final mode', backup_file: 'backup made, if any' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { description: "Template path on the controller, looked up in the role's templates/.", type: 'string' },
      dest: { description: 'Destination on the host; a directory receives basename(src).', type: 'string' },
      ...attrProps,
      backup: backupProp,
      validate: validateProp,
      newline_sequence: { description: 'Line ending of the written file.', enum: ['\n', '\r', '\r\n'], default: '\n' },
      force: { description: 'Replace the file when it differs; false only creates it when missing.', type: 'boolean', default: true },
    },
  },
  async probe(ctx, p) {
    const desired = renderTemplate(ctx, p);
    return probeSingle(ctx, { ...p, content: undefined }, desired, posix.basename(p.src));
  },
  plan: (p, facts, pc) => planCopy({ ...p }, facts, pc.noLog, pc.check),
  apply: (ctx, p, plan) => copy.apply!(ctx, p, plan),
});
