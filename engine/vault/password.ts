/**
 * Where vault passwords come from: `--vault-password-file` (repeatable), then
 * `--ask-vault-pass`, then tsplay.cfg `vault_password_file` (which
 * TSPLAY_VAULT_PASSWORD_FILE overrides). As in Ansible, an executable password
 * file is run and its standard output is the password; trailing newlines are
 * not part of it.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { TsplayError } from '../errors.js';
import type { VaultPassword } from './secrets.js';

export interface VaultPasswordSources {
  files?: readonly string[];
  /** prompts on the terminal (the CLI passes its readPassword) */
  ask?: () => Promise<string>;
  /** from tsplay.cfg / TSPLAY_VAULT_PASSWORD_FILE, used when nothing else is given */
  configFile?: string;
}

export async function resolveVaultPasswords(src: VaultPasswordSources): Promise<VaultPassword[]> {
  const out: VaultPassword[] = [];
  for (const f of src.files ?? []) out.push({ password: readPasswordFile(f), origin: f });
  if (src.ask) out.push({ password: await src.ask(), origin: 'the password typed' });
  if (out.length === 0 && src.configFile) out.push({ password: readPasswordFile(src.configFile), origin: src.configFile });
  return out;
}

export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = isExecutable(file) ? execFileSync(file, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 }) : readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'the script failed';
    throw new TsplayError('TSPLAY_VAULT', `cannot read the vault password file ${file}: ${why}`);
  }
  const password = text.replace(/[\r\n]+$/, '');
  if (password.length === 0) throw new TsplayError('TSPLAY_VAULT', `the vault password file ${file} is empty`);
  return password;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
