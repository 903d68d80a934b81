import { describe, expect, it, vi } from 'vitest';
import { parseExtraVars, parseKeyValues, parseOrExit } from '../../../engine/cli/options.js';
import { TsplayError } from '../../../engine/errors.js';

describe('run/check options', () => {
  it('parses ansible-playbook flags, repeatable ones as lists, -vvv as a count', () => {
    const r = parseOrExit(['site.yml', '-i', 'a.ini', '-i', 'b.ini', '-e', 'x=1', '-vvv', '-C', '--diff', '-l', 'db'], 'help');
    if (typeof r === 'number') throw new Error('expected flags');
    expect(r.positionals).toEqual(['site.yml']);
    expect(r.flags.inventory).toEqual(['a.ini', 'b.ini']);
    expect(r.flags.verbose).toHaveLength(3);
    expect(r.flags.check).toBe(true);
    expect(r.flags.limit).toBe('db');
  });
  it('gives exit 5 for an unknown flag and 0 for --help', () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(parseOrExit(['--bogus'], 'help')).toBe(5);
    expect(parseOrExit(['--help'], 'help text')).toBe(0);
    expect(out).toHaveBeenCalledWith('help text\n');
    err.mockRestore();
    out.mockRestore();
  });
  it('reads -e as key=value pairs, YAML/JSON, merged left to right', async () => {
    expect(parseKeyValues('a=1 b="two words" c=\'x y\'')).toEqual({ a: '1', b: 'two words', c: 'x y' });
    expect(await parseExtraVars(['a=1', '{"b": [1, 2]}', 'a=3'])).toEqual({ a: '3', b: [1, 2] });
    await expect(parseExtraVars(['not-a-pair'])).rejects.toThrow(TsplayError);
  });
});
