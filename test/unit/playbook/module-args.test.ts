import { beforeAll, describe, expect, it } from 'vitest';
import { registerTestModules } from './helpers.js';
import { coerceModuleArgs, validateModuleArgs } from '../../../engine/playbook/index.js';
import { checkModuleArgs } from '../../../engine/playbook/module-args.js';
import { getModule } from '../../../modules/registry.js';

const src = { file: 'site.yml', line: 3, col: 5 };

beforeAll(() => registerTestModules());

describe('validateModuleArgs (after templating: strict)', () => {
  it('accepts valid arguments, by alias too', () => {
    expect(validateModuleArgs('tcopy', { dest: '/x', mode: '0644', state: 'present' }, src)).toEqual([]);
    expect(validateModuleArgs('tsplay.test.tcopy', { dest: '/x' }, src)).toEqual([]);
  });

  it('reports every problem with the task position', () => {
    const errs = validateModuleArgs('tcopy', { src: ['a'], dset: '/x', state: 'gone' }, src);
    expect(errs.map((e) => e.message)).toEqual([
      "module 'tcopy': missing required argument 'dest'",
      "module 'tcopy': unknown argument 'dset' (did you mean 'dest'?)",
      "module 'tcopy': argument 'src' must be string, found a list",
      'module \'tcopy\': argument \'state\' must be one of "present", "absent", found "gone"',
    ]);
    expect(errs.every((e) => e.code === 'TSPLAY_MODULE_ARGS' && e.source === src)).toBe(true);
  });

  it('rejects a leftover template string where a boolean is expected', () => {
    expect(validateModuleArgs('tcopy', { dest: '/x', force: '{{ f }}' }, src)).toHaveLength(1);
  });

  it('converts values as Ansible does: yes to true, numeric strings to numbers', () => {
    const mod = getModule('tcopy')!;
    expect(coerceModuleArgs(mod, { dest: '/x', force: 'yes' })).toEqual({ dest: '/x', force: true });
    expect(validateModuleArgs('tcopy', { dest: '/x', force: 'no' }, src)).toEqual([]);
    expect(validateModuleArgs('tdebug', { verbosity: '2' }, src)).toEqual([]);
    expect(validateModuleArgs('tdebug', { verbosity: 'two' }, src)).toHaveLength(1);
  });

  it('explains oneOf/anyOf failures by their branches', () => {
    const msgs = (args: Record<string, unknown>) => validateModuleArgs('tcontent', args, src).map((e) => e.message);
    expect(msgs({ dest: '/x' })).toEqual(["module 'tcontent': needs exactly one of: src, content"]);
    expect(msgs({ dest: '/x', src: 'a', content: 'b' })).toEqual(["module 'tcontent': takes only one of: src, content"]);
    expect(msgs({ dest: '/x', src: 'a', size: 'huge' })).toEqual(['module \'tcontent\': argument \'size\' must be integer or "small" or "large", found a string']);
    expect(msgs({ dest: '/x', src: 'a', size: 'small' })).toEqual([]);
  });

  it('reports an unknown module', () => {
    expect(validateModuleArgs('nosuch', {}, src)[0]!.code).toBe('TSPLAY_UNKNOWN_MODULE');
  });
});

describe('lenient check (before templating)', () => {
  it('lets a templated string satisfy any type or enum, not a missing or unknown argument', () => {
    const mod = getModule('tcopy')!;
    expect(checkModuleArgs(mod, { dest: '/x', force: '{{ f }}', state: '{{ s }}', lines: '{{ l }}' }, { source: src, lenient: true })).toEqual([]);
    const errs = checkModuleArgs(mod, { force: '{{ f }}', bogus: '{{ b }}' }, { source: src, lenient: true });
    expect(errs.map((e) => e.message)).toEqual(["module 'tcopy': missing required argument 'dest'", "module 'tcopy': unknown argument 'bogus'"]);
  });
});
