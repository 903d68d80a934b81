/** Test-only modules and a stand-in template checker for the loader tests. */
import { defineModule } from '../../../engine/module-api.js';
import { getModule, registerModule } from '../../../modules/registry.js';
import { TsplayError, type SourcePos } from '../../../engine/errors.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/playbooks/', import.meta.url));
export const good = (...p: string[]): string => join(FIXTURES, 'good', ...p);

const noop = { plan: () => ({ changes: [] }) };

export function registerTestModules(): void {
  registerModule(
    defineModule({
      name: 'tcopy',
      aliases: ['tsplay.test.tcopy'],
      doc: { short: 'test copy' },
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['dest'],
        properties: {
          src: { type: 'string', description: 'source' },
          dest: { type: 'string', description: 'destination' },
          mode: { type: ['string', 'integer'], description: 'mode' },
          state: { enum: ['present', 'absent'], description: 'state' },
          force: { type: 'boolean', description: 'force' },
          owner: { type: 'string', description: 'owner' },
          lines: { type: 'array', items: { type: 'string' }, description: 'lines' },
        },
      },
      ...noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'tcmd',
      aliases: ['tsplay.test.tcmd'],
      freeForm: 'cmd',
      doc: { short: 'test command' },
      params: {
        type: 'object',
        additionalProperties: false,
        properties: { cmd: { type: 'string', description: 'command' }, chdir: { type: 'string', description: 'dir' }, creates: { type: 'string', description: 'file' } },
      },
      ...noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'tdebug',
      doc: { short: 'test debug' },
      params: { type: 'object', additionalProperties: false, properties: { msg: { description: 'message' }, var: { type: 'string', description: 'var' }, verbosity: { type: 'integer', description: 'v' } } },
      ...noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'tvars',
      freeForm: 'file',
      doc: { short: 'test include_vars-like module' },
      params: { type: 'object', additionalProperties: false, properties: { file: { type: 'string', description: 'file' }, name: { type: 'string', description: 'name' } } },
      ...noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'tcontent',
      doc: { short: 'test module with exclusive arguments' },
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['dest'],
        oneOf: [{ required: ['src'] }, { required: ['content'] }],
        properties: {
          src: { type: 'string', description: 'source' },
          content: { type: 'string', description: 'content' },
          dest: { type: 'string', description: 'destination' },
          size: { anyOf: [{ type: 'integer' }, { enum: ['small', 'large'] }], description: 'size' },
        },
      },
      ...noop,
    }),
  );
  if (!getModule('set_fact')) {
    registerModule(defineModule({ name: 'set_fact', doc: { short: 'test set_fact' }, params: { type: 'object', description: 'facts' }, ...noop }));
  }
  if (!getModule('template')) {
    registerModule(
      defineModule({
        name: 'template',
        aliases: ['ansible.builtin.template'],
        doc: { short: 'test template' },
        params: { type: 'object', required: ['src', 'dest'], properties: { src: { type: 'string', description: 's' }, dest: { type: 'string', description: 'd' } } },
        ...noop,
      }),
    );
  }
}

function count(text: string, s: string): number {
  return text.split(s).length - 1;
}

/** Flags unbalanced delimiters: enough to test that every templated string is checked, at its position. */
export const fakeTemplar = {
  checkSyntax(text: string, ctx?: { source?: SourcePos }): TsplayError[] {
    const bad = count(text, '{{') !== count(text, '}}') || count(text, '{%') !== count(text, '%}');
    return bad ? [new TsplayError('TSPLAY_TEMPLATE_SYNTAX', `unbalanced template delimiters in '${text.trim()}'`, { source: ctx?.source })] : [];
  },
  checkExpression(expr: string, ctx?: { source?: SourcePos }): TsplayError[] {
    const bad = count(expr, '(') !== count(expr, ')') || /==\s*$/.test(expr);
    return bad ? [new TsplayError('TSPLAY_TEMPLATE_SYNTAX', `bad expression '${expr}'`, { source: ctx?.source })] : [];
  },
};
