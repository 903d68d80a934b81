import { defineModule, ModuleFailure } from '../../engine/module-api.js';

export interface FailParams {
  msg?: unknown;
}

export const fail = defineModule<FailParams, undefined>({
  name: 'fail',
  aliases: ['ansible.builtin.fail'],
  controllerOnly: true,
  doc: {
    short: 'Fail the task with a message',
    examples: ['- fail:', '    msg: "unsupported distribution {{ ansible_distribution }}"', '  when: ansible_os_family != "Debian"'].join('\n'),
    returns: { msg: 'the message' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { msg: { description: 'The failure message. Default "Failed as requested from task".' } },
  },
  plan(p) {
    const msg = p.msg ?? 'Failed as requested from task';
    throw new ModuleFailure(typeof msg === 'string' ? msg : JSON.stringify(msg), { data: { msg } });
  },
});
