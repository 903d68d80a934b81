/**
 * The build writes every built-in module's argument validator as ajv
 * standalone code (engine/playbook/build-validators.ts); the CLI loads those
 * instead of compiling. They must judge arguments exactly as a validator
 * compiled at run time does. Needs `npm run build` (npm test builds first).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { listModules } from '../../../modules/registry.js';
import { moduleSchema } from '../../../engine/playbook/module-args.js';
import { AJV_OPTIONS } from '../../../engine/playbook/prebuilt-validators.js';

const DIST = new URL('../../../dist/engine/playbook/prebuilt-validators.js', import.meta.url);
const built = existsSync(new URL('../../../dist/engine/playbook/validators', import.meta.url));

describe.skipIf(!built)('prebuilt module validators', () => {
  it('exist for every built-in module and give the same verdicts and errors as a runtime compile', async () => {
    const { prebuiltValidator } = (await import(DIST.href)) as typeof import('../../../engine/playbook/prebuilt-validators.js');
    const ajv = new Ajv({ ...AJV_OPTIONS });
    const samples: unknown[] = [{}, { bogus_arg: 1 }, { name: 5, state: 'nonsense' }, { path: '/x', mode: ['a'] }, { cmd: 'true', creates: 3 }];
    const modules = listModules();
    expect(modules.length).toBeGreaterThan(40);
    for (const mod of modules) {
      const schema = moduleSchema(mod);
      const prebuilt = prebuiltValidator(schema);
      expect(prebuilt, `no prebuilt validator for ${mod.name}`).toBeTypeOf('function');
      const compiled = ajv.compile(schema);
      for (const args of samples) {
        const ok = prebuilt!(structuredClone(args));
        expect(ok, `${mod.name} ${JSON.stringify(args)}`).toBe(compiled(structuredClone(args)));
        expect(prebuilt!.errors ?? null).toEqual(compiled.errors ?? null);
      }
    }
  });

  it('a schema it was not built for (a custom module) has none: the caller compiles', async () => {
    const { prebuiltValidator } = (await import(DIST.href)) as typeof import('../../../engine/playbook/prebuilt-validators.js');
    expect(prebuiltValidator({ type: 'object', properties: { only_here: { type: 'string' } } })).toBeUndefined();
  });
});
