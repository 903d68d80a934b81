import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishScript, staleTempPattern, tempPathFor } from '../../../engine/connection/file-transfer.js';

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

describe('stale temporary files of cut transfers', () => {
  const old = (path: string, minutes: number): void => {
    writeFileSync(path, 'partial');
    const t = Date.now() / 1000 - minutes * 60;
    utimesSync(path, t, t);
  };

  it('the next successful write removes only this target\'s temp files untouched for over 5 minutes', () => {
    const d = join(dir, 'stale');
    mkdirSync(d);
    const names = {
      stale: '.app.conf.tsplay-0123456789ab.tmp',
      fresh: '.app.conf.tsplay-aaaaaaaaaaaa.tmp', // a transfer still writing
      recent: '.app.conf.tsplay-bbbbbbbbbbbb.tmp', // 3 minutes: not yet
      otherTarget: '.other.conf.tsplay-0123456789ab.tmp',
      prefixTarget: '.app.conf.bak.tsplay-0123456789ab.tmp',
      notOurs: '.app.conf.tsplay-0123456789ab.tmp.keep',
      shortHex: '.app.conf.tsplay-0123.tmp',
      upperHex: '.app.conf.tsplay-0123456789AB.tmp',
    };
    for (const [kind, name] of Object.entries(names)) old(join(d, name), kind === 'fresh' ? 0 : kind === 'recent' ? 3 : 30);
    mkdirSync(join(d, '.app.conf.tsplay-cccccccccccc.tmp')); // a directory is never removed
    utimesSync(join(d, '.app.conf.tsplay-cccccccccccc.tmp'), 0, 0);
    expect(finish('new', 3, join(d, 'app.conf'))).toBe(0);
    const left = readdirSync(d).sort();
    expect(left).toEqual(['.app.conf.tsplay-cccccccccccc.tmp', ...Object.entries(names).filter(([k]) => k !== 'stale').map(([, n]) => n), 'app.conf'].sort());
  });

  it('a failed write removes nothing, and glob characters in the name are literal', () => {
    const d = join(dir, 'globs');
    mkdirSync(d);
    old(join(d, '.a*b.tsplay-0123456789ab.tmp'), 30);
    old(join(d, '.axxb.tsplay-0123456789ab.tmp'), 30);
    old(join(d, '.keep.tsplay-0123456789ab.tmp'), 30);
    expect(finish('short', 99, join(d, 'keep'))).not.toBe(0);
    expect(finish('x', 1, join(d, 'a*b'))).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['.axxb.tsplay-0123456789ab.tmp', '.keep.tsplay-0123456789ab.tmp', 'a*b'].sort());
    expect(staleTempPattern('/x/a[1]?.conf')).toBe('.a\\[1\\]\\?.conf.tsplay-' + '[0-9a-f]'.repeat(12) + '.tmp');
  });

  it('works for a target given relative to the working directory', () => {
    const d = join(dir, 'rel');
    mkdirSync(d);
    old(join(d, '.r.tsplay-0123456789ab.tmp'), 30);
    const tmp = tempPathFor('r');
    writeFileSync(join(d, tmp), 'r');
    const r = spawnSync('sh', ['-c', `u=$(umask)\n${finishScript(tmp, 'r', 1, {})}`], { cwd: d });
    expect(r.status).toBe(0);
    expect(readdirSync(d)).toEqual(['r']);
  });
});
