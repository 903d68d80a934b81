/**
 * Hooks the vault into YAML loading: whole vaulted files (vars files,
 * group_vars, role defaults/vars, include_vars, playbooks, YAML inventories)
 * decrypt transparently, and `!vault |` values decrypt at load. Every
 * decrypted value is announced (see onVaultSecret) for redaction.
 */
import { parse } from 'yaml';
import type { ScalarTag } from 'yaml';
import { TsplayError } from '../errors.js';
import { registerYamlDecoder, registerYamlTag } from '../yaml.js';
import { announceSecret, decryptVault, isVaultText, readsSealed, SEALED_VAULT_VALUE, setVaultPasswords, type VaultPassword } from './secrets.js';
import { resolveVaultPasswords, type VaultPasswordSources } from './password.js';

const MAX_DEPTH = 32;

/** Announces every scalar of a decrypted document (the secrets are the values, not the text). */
function announceLeaves(value: unknown, depth = 0): void {
  if (typeof value === 'string' || typeof value === 'number') announceSecret(String(value));
  else if (value && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const v of Object.values(value as Record<string, unknown>)) announceLeaves(v, depth + 1);
  }
}

export function decodeVaultedFile(text: string, file: string): string | undefined {
  if (!isVaultText(text)) return undefined;
  let plain: string;
  try {
    plain = decryptVault(text, file);
  } catch (e) {
    // point at the file's header line, like every other load error
    if (e instanceof TsplayError && !e.source) {
      const message = e.message.startsWith(`${file}: `)
        ? e.message.slice(file.length + 2)
        : e.message.startsWith(`${file} `) ? `the file ${e.message.slice(file.length + 1)}` : e.message;
      throw new TsplayError(e.code, message, { source: { file, line: 1, col: 1 }, hint: e.hint });
    }
    throw e;
  }
  try {
    announceLeaves(parse(plain, { version: '1.1' }) as unknown);
  } catch {
    // unparsable: the YAML error will quote lines of it, so each line is a secret
    for (const line of plain.split('\n')) announceSecret(line.trim());
  }
  return plain;
}

export const vaultTag: ScalarTag = {
  tag: '!vault',
  default: false,
  identify: () => false,
  resolve(value: string): string {
    if (readsSealed()) return SEALED_VAULT_VALUE;
    try {
      const plain = decryptVault(value, 'an inline !vault value');
      announceSecret(plain);
      return plain;
    } catch (e) {
      // yaml reports a throwing tag as a document error; parseYaml keeps the code
      if (e instanceof TsplayError) throw new Error(`${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
      throw e;
    }
  },
};

let installed = false;

export function installVault(): void {
  if (installed) return;
  installed = true;
  registerYamlTag(vaultTag);
  registerYamlDecoder(decodeVaultedFile);
}

/** For commands other than run/check (which wire it in prepare): hooks the vault and sets its passwords. */
export async function configureVault(src: VaultPasswordSources): Promise<VaultPassword[]> {
  installVault();
  const passwords = await resolveVaultPasswords(src);
  setVaultPasswords(passwords);
  return passwords;
}
