import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { probePaths, type PathStat } from '../lib/probe.js';
import { aliased } from '../lib/schema.js';

export interface SlurpParams {
  src?: string;
  path?: string;
}

const SLURP_MAX = 64 * 1024 * 1024;

export const slurp = defineModule<SlurpParams, PathStat>({
  name: 'slurp',
  aliases: ['ansible.builtin.slurp'],
  doc: {
    short: 'Read a file from the host, base64-encoded',
    examples: `- slurp: { src: /etc/patroni/patroni.yml }
  register: conf
- debug: { msg: "{{ conf.content | b64decode }}" }`,
    returns: { content: 'base64 of the file', encoding: "always 'base64'", source: 'the path read' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['src'] }, { required: ['path'] }],
    properties: {
      src: { description: 'The file to read on the host.', type: 'string' },
      path: { description: 'Alias of src.', type: 'string' },
    },
  },
  async probe(ctx, p) {
    const src = aliased(p, ['src', 'path']);
    return (await probePaths(ctx, [{ path: src, follow: true, contentMax: SLURP_MAX }])).stats[0]!;
  },
  plan(p, st) {
    const src = aliased(p, ['src', 'path']);
    if (!st.exists) throw new ModuleFailure(`file not found: ${src}`);
    if (st.type === 'directory') throw new ModuleFailure(`source is a directory and must be a file: ${src}`);
    if (!st.content) throw new ModuleFailure(`file is not readable or larger than ${SLURP_MAX} bytes: ${src}`);
    return { changes: [], data: { content: st.content.toString('base64'), encoding: 'base64', source: src } };
  },
});
