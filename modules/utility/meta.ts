import { defineModule } from '../../engine/module-api.js';

export const META_ACTIONS = [
  'flush_handlers', 'end_play', 'end_host', 'clear_facts', 'clear_host_errors',
  'noop', 'end_batch', 'refresh_inventory', 'reset_connection',
] as const;

export interface MetaParams {
  free_form: (typeof META_ACTIONS)[number];
}

export const meta = defineModule<MetaParams, undefined>({
  name: 'meta',
  aliases: ['ansible.builtin.meta'],
  controllerOnly: true,
  freeForm: 'free_form',
  doc: {
    short: 'Control the run: flush handlers, end the play or host, clear facts',
    description: 'The executor performs the action; the module only validates it.',
    examples: ['- meta: flush_handlers', '- meta: end_host', '  when: not patroni_enabled'].join('\n'),
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['free_form'],
    properties: {
      free_form: { type: 'string', enum: [...META_ACTIONS], description: 'The action to take.' },
    },
  },
  plan(p) {
    return { changes: [], reason: `meta: ${p.free_form} (performed by the executor)` };
  },
});
