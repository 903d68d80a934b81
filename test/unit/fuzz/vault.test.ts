/**
 * Fuzz: damaged vault texts (tsplay and Ansible formats, whole files and
 * inline `!vault` values) end in TSPLAY_VAULT or a YAML error, never another
 * exception. The first 24 base64 characters (the salt) are kept so each case
 * does not pay a fresh scrypt derivation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptVault, encryptTsplay, installVault, setVaultPasswords } from '../../../engine/vault/index.js';
import { parseYaml } from '../../../engine/yaml.js';
import { mutate } from './mutate.js';
import { BASE_SEED, caseCount, judge, outcomeOf, report, type Finding } from './verdict.js';

installVault();
afterAll(() => setVaultPasswords([]));

function ansibleVault(password: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-vault-'));
  writeFileSync(join(dir, 'pw'), password);
  const out = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', join(dir, 'pw'), 'ansible value'], { encoding: 'utf8' });
  return out.replace(/^!vault \|\n/, '').split('\n').map((l) => l.trim()).join('\n');
}

describe('fuzz: vault texts', () => {
  it('damaged vault texts fail with TSPLAY_VAULT or a YAML error', async () => {
    setVaultPasswords([{ password: 'fuzz-pw', origin: 'test' }]);
    const sources = [encryptTsplay('db_password: one\nlist: [1, 2]\n', 'fuzz-pw'), ansibleVault('fuzz-pw')];
    const cases = caseCount(400);
    const findings: Finding[] = [];
    for (let i = 0; i < cases; i++) {
      const seed = BASE_SEED + 400_000 + i;
      const src = sources[seed % sources.length]!;
      const nl = src.indexOf('\n');
      const keep = src.startsWith('$TSPLAY') ? nl + 25 : 0;
      const m = mutate(src.slice(keep), seed);
      const text = seed % 3 === 0 ? mutate(src.slice(0, nl), seed + 1).text + src.slice(nl) : src.slice(0, keep) + m.text;
      let bad = judge(await outcomeOf(() => {
        decryptVault(text, 'fuzzed.yml');
      }));
      if (!bad) {
        const inline = `x: !vault |\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
        bad = judge(await outcomeOf(() => {
          parseYaml(inline, 'inline.yml');
        }));
      }
      if (bad && !/without a position/.test(bad)) findings.push({ case: `FUZZ_SEED=${seed - 400_000} FUZZ_CASES=1 [${m.steps.join(', ')}]`, problem: bad });
    }
    expect(findings, report(findings)).toEqual([]);
  }, 60_000);
});
