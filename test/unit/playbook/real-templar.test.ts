/** The static check with the engine's own Templar (engine/vars), not the stand-in. */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, good, registerTestModules } from './helpers.js';
import { checkPlaybook } from '../../../engine/playbook/index.js';
import { Templar } from '../../../engine/vars/index.js';

beforeAll(() => registerTestModules());

describe('static check with the real Templar', () => {
  it('passes the good fixture', async () => {
    expect((await checkPlaybook(good('site.yml'), { templar: new Templar() })).map((e) => e.format())).toEqual([]);
  });

  it('reports broken templates in strings, conditions and template files', async () => {
    const cases: [string, string][] = [
      ['bad-template-string.yml', 'bad-template-string.yml:4'],
      ['bad-when-expression.yml', 'bad-when-expression.yml:6'],
      ['bad-template-file/site.yml', 'broken.j2'],
    ];
    for (const [file, where] of cases) {
      const errs = await checkPlaybook(join(FIXTURES, 'bad', file), { templar: new Templar() });
      expect(errs.map((e) => e.code), file).toContain('TSPLAY_TEMPLATE_SYNTAX');
      expect(errs.map((e) => e.format()).join('\n'), file).toContain(where);
    }
  });
});
