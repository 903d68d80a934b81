import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsplayError } from '../../../engine/errors.js';
import { loadInventory } from '../../../engine/inventory/index.js';

const BAD = resolve(__dirname, '../../fixtures/inventory/bad');

/** file -> [line, col, message pattern]; every one is TSPLAY_INVENTORY at that file:line:col */
const CASES: Record<string, [number, number, RegExp]> = {
  'section-spaces.ini': [3, 1, /invalid section header '\[web servers\]'/],
  'unknown-suffix.ini': [3, 6, /\[web:var\] has unknown type 'var'/],
  'cycle.ini': [4, 1, /group cycle: adding group 'a' as child to 'b'/],
  'undefined-child.ini': [2, 3, /\[p:children\] includes undefined group 'ghost'/],
  'vars-undefined-group.ini': [4, 1, /\[ghost:vars\] is for group 'ghost', which is never defined/],
  'range-unequal.ini': [2, 3, /equal-length/],
  'range-no-end.ini': [3, 6, /must specify end value/],
  'host-var-no-equals.ini': [2, 8, /expected key=value host variable, got 'oops'/],
  'group-var-no-equals.ini': [5, 1, /expected key=value in \[g:vars\], got 'noequals'/],
  'unclosed-quote.ini': [2, 1, /No closing quotation/],
  'trailing-colon.ini': [2, 3, /trailing ':'/],
  'yaml-in-ini.ini': [1, 1, /looks like a YAML file/],
  'child-bad-name.ini': [2, 1, /expected a group name in \[p:children\], got 'foo bar'/],
  'bad-priority.ini': [4, 1, /ansible_group_priority must be an integer/],
  'yaml-unknown-key.yml': [2, 3, /unknown key 'host' in group 'all'/],
  'yaml-cycle.yml': [5, 9, /group cycle: adding group 'b' as child to 'a'/],
  'yaml-host-number.yml': [3, 5, /host name must be a non-empty string, got 123/],
  'yaml-syntax.yml': [4, 5, /YAML syntax error/],
  'yaml-group-list.yml': [3, 10, /group 'web' must be a mapping/],
  'yaml-empty-range.yml': [3, 5, /host range \[3:1\] is empty/],
  'yaml-hostvars-list.yml': [4, 7, /vars of host 'h1' must be a mapping/],
  'yaml-plugin.yml': [1, 1, /plugin configuration files are not supported/],
  'empty-host.ini': [2, 1, /empty host name/],
  'yaml-hosts-list.yml': [2, 10, /'hosts' of group 'all' must be a mapping/],
};

async function loadError(source: string): Promise<TsplayError> {
  try {
    await loadInventory([source]);
  } catch (e) {
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error(`${source} loaded without an error`);
}

describe('malformed inventories', () => {
  for (const [file, [line, col, message]] of Object.entries(CASES)) {
    it(`${file}: TSPLAY_INVENTORY at ${line}:${col}`, async () => {
      const e = await loadError(join(BAD, file));
      expect(e.code).toBe('TSPLAY_INVENTORY');
      expect(e.source).toEqual({ file: join(BAD, file), line, col });
      expect(e.message).toMatch(message);
      expect(e.format()).toContain(`${join(BAD, file)}:${line}:${col}: `);
    });
  }

  it('a broken group_vars file points into that file', async () => {
    const e = await loadError(join(BAD, 'bad-group-vars'));
    expect(e.code).toBe('TSPLAY_INVENTORY');
    expect(e.source).toEqual({ file: join(BAD, 'bad-group-vars/group_vars/g.yml'), line: 3, col: 1 });
    expect(e.message).toMatch(/YAML syntax error/);
  });

  it('a missing source is an error, not an empty inventory', async () => {
    const e = await loadError(join(BAD, 'does-not-exist'));
    expect(e.code).toBe('TSPLAY_INVENTORY');
    expect(e.message).toMatch(/not found/);
  });
});
