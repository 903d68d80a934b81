/**
 * `tsplay vault create|encrypt|decrypt|edit|view|rekey|encrypt_string`, as
 * ansible-vault. Files are always written in the tsplay format (docs/security.md);
 * Ansible vault files are read too, so `rekey` or `edit` converts them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, TsplayError } from '../errors.js';
import { loadConfig } from '../inventory/config.js';
import { decryptVault, encryptTsplay, isVaultText, resolveVaultPasswords, setVaultPasswords, type VaultPassword } from '../vault/index.js';
import { readPassword } from './options.js';

const HELP = `tsplay vault ACTION [options] [FILE...]

  create FILE               edit a new encrypted file in $EDITOR
  encrypt FILE...           encrypt files in place (--output F writes elsewhere, - for stdout)
  decrypt FILE...           decrypt files in place (--output F writes elsewhere, - for stdout)
  edit FILE                 decrypt to a private temporary file, $EDITOR, encrypt again
  view FILE...              print the decrypted content
  rekey FILE...             encrypt again with --new-vault-password-file (or a new password asked)
  encrypt_string [STRING]   an inline value for YAML: -n NAME prints "NAME: !vault |";
                            without STRING (or with -), the value is read from stdin

  --vault-password-file F   (repeatable; TSPLAY_VAULT_PASSWORD_FILE or tsplay.cfg otherwise)
  -J, --ask-vault-pass      ask for the password`;

const options = {
  'vault-password-file': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
  'new-vault-password-file': { type: 'string' },
  output: { type: 'string' },
  name: { type: 'string', short: 'n' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new TsplayError('TSPLAY_OPTIONS', (e as Error).message, { hint: 'see tsplay vault --help' });
  }
}

type Action = (files: string[], flags: Flags, password: string) => Promise<void>;

const ACTIONS: Record<string, Action> = {
  create: createAction,
  encrypt: encryptAction,
  decrypt: decryptAction,
  edit: editAction,
  view: viewAction,
  rekey: rekeyAction,
  encrypt_string: encryptStringAction,
};

export async function vaultCommand(argv: string[]): Promise<number> {
  try {
    const [action, ...rest] = argv;
    const { values: flags, positionals } = parse(rest);
    if (!action || action === '--help' || action === '-h' || flags.help) {
      process.stdout.write(`${HELP}\n`);
      return action ? ExitCode.ok : ExitCode.badOptions;
    }
    const run = ACTIONS[action];
    if (!run) throw new TsplayError('TSPLAY_OPTIONS', `unknown vault action '${action}'`, { hint: Object.keys(ACTIONS).join(', ') });
    if (action !== 'encrypt_string' && positionals.length === 0) throw new TsplayError('TSPLAY_OPTIONS', `tsplay vault ${action}: no file given`);
    const passwords = await passwordsFrom(flags);
    setVaultPasswords(passwords);
    await run(positionals, flags, passwords[0]!.password);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof TsplayError) {
      process.stderr.write(`${e.format()}\n`);
      return e.code === 'TSPLAY_OPTIONS' ? ExitCode.badOptions : ExitCode.error;
    }
    process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return ExitCode.error;
  }
}

async function passwordsFrom(flags: Flags): Promise<VaultPassword[]> {
  const passwords = await resolveVaultPasswords({
    files: flags['vault-password-file'],
    ask: flags['ask-vault-pass'] ? () => readPassword('Vault password: ') : undefined,
    configFile: loadConfig().vaultPasswordFile,
  });
  if (passwords.length > 0) return passwords;
  if (process.stdin.isTTY) return [{ password: await readPassword('Vault password: '), origin: 'the password typed' }];
  throw new TsplayError('TSPLAY_VAULT', 'no vault password given', { hint: 'pass --vault-password-file FILE or --ask-vault-pass, or set TSPLAY_VAULT_PASSWORD_FILE' });
}

function readText(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new TsplayError('TSPLAY_FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Temporary file and rename in the same directory: the target is whole or untouched. */
function writeAtomic(file: string, text: string): void {
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o600;
  const tmp = join(dirname(file), `.${basename(file)}.tsplay-${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

function decryptFile(file: string): string {
  const text = readText(file);
  if (!isVaultText(text)) throw new TsplayError('TSPLAY_VAULT', `${file} is not encrypted`);
  return decryptVault(text, file);
}

async function createAction(files: string[], _flags: Flags, password: string): Promise<void> {
  const file = files[0]!;
  if (existsSync(file)) throw new TsplayError('TSPLAY_VAULT', `${file} already exists`, { hint: 'use tsplay vault edit' });
  const text = withEditor('');
  writeAtomic(file, encryptTsplay(text, password));
}

async function encryptAction(files: string[], flags: Flags, password: string): Promise<void> {
  for (const file of files) {
    const text = readText(file);
    if (isVaultText(text)) throw new TsplayError('TSPLAY_VAULT', `${file} is already encrypted`);
    writeAtomic(flags.output ?? file, encryptTsplay(text, password));
    if (flags.output !== '-') process.stderr.write(`Encryption successful: ${flags.output ?? file}\n`);
  }
}

async function decryptAction(files: string[], flags: Flags): Promise<void> {
  for (const file of files) {
    writeAtomic(flags.output ?? file, decryptFile(file));
    if (flags.output !== '-') process.stderr.write(`Decryption successful: ${flags.output ?? file}\n`);
  }
}

async function viewAction(files: string[]): Promise<void> {
  for (const file of files) process.stdout.write(decryptFile(file));
}

async function editAction(files: string[], _flags: Flags, password: string): Promise<void> {
  const file = files[0]!;
  const before = decryptFile(file);
  const after = withEditor(before);
  if (after !== before || !readText(file).startsWith('$TSPLAY_VAULT')) writeAtomic(file, encryptTsplay(after, password));
}

async function rekeyAction(files: string[], flags: Flags): Promise<void> {
  const next = flags['new-vault-password-file']
    ? (await resolveVaultPasswords({ files: [flags['new-vault-password-file']] }))[0]!.password
    : await readPassword('New vault password: ');
  for (const file of files) {
    writeAtomic(file, encryptTsplay(decryptFile(file), next));
    process.stderr.write(`Rekey successful: ${file}\n`);
  }
}

async function encryptStringAction(args: string[], flags: Flags, password: string): Promise<void> {
  const value = args.length === 0 || args[0] === '-' ? readText('-').replace(/\n$/, '') : args.join(' ');
  const body = encryptTsplay(value, password).trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
  process.stdout.write(flags.name ? `${flags.name}: !vault |\n${body}\n` : `!vault |\n${body}\n`);
}

/** Edits text in $EDITOR through a 0600 file in a private 0700 directory, removed afterwards. */
function withEditor(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-'));
  const file = join(dir, 'edit.yml');
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const editor = process.env['VISUAL'] || process.env['EDITOR'] || 'vi';
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (r.status !== 0) throw new TsplayError('TSPLAY_VAULT', `the editor (${editor}) exited with ${r.status ?? r.signal}; nothing written`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
