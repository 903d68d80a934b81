import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishScript, tempPathFor } from '../../../engine/connection/file-transfer.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-finish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function finish(tmpContent: string, expectedSize: number, target: string, mode?: string): number {
  const tmp = tempPathFor(target);
  writeFileSync(tmp, tmpContent, { mode: 0o600 });
  const r = spawnSync('sh', ['-c', `u=$(umask)\n${finishScript(tmp, target, expectedSize, { mode })}`]);
  return r.status ?? -1;
}

describe('finishScript (the atomic rename step)', () => {
  it('puts the temp file in the same directory, hidden', () => {
    expect(tempPathFor('/etc/app/x.conf')).toMatch(/^\/etc\/app\/\.x\.conf\.tsplay-[0-9a-f]{12}\.tmp$/);
  });

  it('renames a complete temp file over the target with the mode', () => {
    const target = join(dir, 'ok');
    expect(finish('hello', 5, target, '0640')).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('hello');
    expect(statSync(target).mode & 0o777).toBe(0o640);
  });

  it('refuses a short temp file: the target stays intact and the temp file goes', () => {
    const target = join(dir, 'keep');
    writeFileSync(target, 'intact');
    expect(finish('trunc', 4096, target)).not.toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('intact');
    expect(readdirSync(dir).filter((f) => f.startsWith('.keep.'))).toEqual([]);
  });

  it('refuses to move into a directory, and cleans up after a bad mode', () => {
    const sub = join(dir, 'sub');
    spawnSync('mkdir', [sub]);
    expect(finish('x', 1, sub)).not.toBe(0);
    expect(finish('x', 1, join(dir, 'badmode'), 'u=nonsense')).not.toBe(0);
    expect(existsSync(join(dir, 'badmode'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('tsplay-'))).toEqual([]);
  });
});
