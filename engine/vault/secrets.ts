/**
 * The process-wide vault passwords (set once by the CLI) and the decryption
 * every loader goes through. Each decrypted value is announced to the
 * listeners (the run's Redactor), so it is masked in every output.
 */
import { TsplayError } from '../errors.js';
import { decryptAnsible, isAnsibleVault } from './ansible.js';
import { decryptTsplay, isTsplayVault, WrongPassword } from './format.js';

export interface VaultPassword {
  password: string;
  /** where it came from (a file name, "prompt"), for messages only */
  origin: string;
}

let passwords: VaultPassword[] = [];
const listeners = new Set<(secret: string) => void>();
/** every value decrypted so far, so a listener added late still learns them */
const revealed = new Set<string>();

export function setVaultPasswords(list: VaultPassword[]): void {
  passwords = list.filter((p) => p.password.length > 0);
}

export function hasVaultPassword(): boolean {
  return passwords.length > 0;
}

/**
 * What an inline `!vault` value reads as when it may stay sealed: `tsplay
 * check` without a vault password checks the playbook's shape, not the
 * secrets' values (as Ansible's syntax check leaves them encrypted).
 */
export const SEALED_VAULT_VALUE = '<vaulted value: not decrypted without a vault password>';
let sealedInlineValues = false;

/** Lets inline `!vault` values read as SEALED_VAULT_VALUE while no password is set. */
export function allowSealedVaultValues(allow: boolean): void {
  sealedInlineValues = allow;
}

export function readsSealed(): boolean {
  return sealedInlineValues && passwords.length === 0;
}

/** Calls `fn` with every secret decrypted so far and every one to come; returns the unsubscribe. */
export function onVaultSecret(fn: (secret: string) => void): () => void {
  for (const s of revealed) fn(s);
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function announceSecret(value: string): void {
  if (revealed.has(value)) return;
  revealed.add(value);
  for (const fn of listeners) fn(value);
}

export function isVaultText(text: string): boolean {
  return isTsplayVault(text) || isAnsibleVault(text);
}

/** Decrypts tsplay or Ansible vault text with the first password that opens it. */
export function decryptVault(text: string, where: string): string {
  if (passwords.length === 0) {
    throw new TsplayError('TSPLAY_VAULT', `${where} is encrypted but no vault password was given`, {
      hint: 'pass --vault-password-file FILE or --ask-vault-pass, or set TSPLAY_VAULT_PASSWORD_FILE',
    });
  }
  const decrypt = isAnsibleVault(text) ? decryptAnsible : decryptTsplay;
  for (const { password } of passwords) {
    try {
      return decrypt(text, password, { where });
    } catch (e) {
      if (!(e instanceof WrongPassword)) throw e;
    }
  }
  const tried = passwords.map((p) => p.origin).join(', ');
  throw new TsplayError('TSPLAY_VAULT', `${where}: decryption failed: wrong vault password (tried ${tried}) or the data was altered`, {
    hint: 'check the password file, or re-encrypt the value with `tsplay vault rekey`',
  });
}
