/** `tsplay inventory -i FILE --list | --graph [--vars] | --host HOST` */
import { parseArgs } from 'node:util';
import type { ScalarTag } from 'yaml';
import { ExitCode, TsplayError } from '../errors.js';
import { loadConfig } from '../inventory/config.js';
import { inventoryCommand } from '../inventory/index.js';
import { reportError } from './run.js';
import { readPassword } from './options.js';
import { decodeVaultedFile, resolveVaultPasswords, setVaultPasswords, type VaultPasswordSources } from '../vault/index.js';
import { registerYamlDecoder, registerYamlTag } from '../yaml.js';
import type { SealedVaultValue } from '../inventory/listing.js';

/**
 * `!vault` as ansible-inventory reads it: the value stays sealed and prints
 * as `{"__ansible_vault": CIPHERTEXT}` (what Ansible's own JSON inventory
 * reads back), so no secret is printed and no password is needed for it.
 */
export const sealedVaultTag: ScalarTag = {
  tag: '!vault',
  default: false,
  identify: () => false,
  resolve: (ciphertext: string): SealedVaultValue => ({ __ansible_vault: ciphertext }),
};

/**
 * The vault for the inventory command, instead of configureVault (which
 * decrypts inline values): whole vaulted vars files still need a password
 * and decrypt (ansible-inventory fails without one), their values then masked.
 */
let sealedTagInstalled = false;

export async function configureInventoryVault(src: VaultPasswordSources): Promise<void> {
  if (!sealedTagInstalled) registerYamlTag(sealedVaultTag);
  sealedTagInstalled = true;
  registerYamlDecoder(decodeVaultedFile);
  setVaultPasswords(await resolveVaultPasswords(src));
}

export async function inventoryCli(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        inventory: { type: 'string', short: 'i', multiple: true },
        list: { type: 'boolean' },
        graph: { type: 'boolean' },
        host: { type: 'string' },
        vars: { type: 'boolean' },
        'vault-password-file': { type: 'string', multiple: true },
        'ask-vault-pass': { type: 'boolean', short: 'J' },
      },
      strict: true,
    });
    const cfg = loadConfig();
    const sources = values.inventory?.length ? values.inventory : (cfg.inventory ?? []);
    await configureInventoryVault({ files: values['vault-password-file'], ask: values['ask-vault-pass'] ? () => readPassword('Vault password: ') : undefined, configFile: cfg.vaultPasswordFile });
    if (!values.list && !values.graph && !values.host) {
      throw new TsplayError('TSPLAY_OPTIONS', 'one of --list, --graph or --host HOST is required');
    }
    const out = await inventoryCommand({ sources, list: values.list, graph: values.graph, host: values.host, vars: values.vars });
    process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof Error && !(e instanceof TsplayError) && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${e.message}\n`);
      return ExitCode.badOptions;
    }
    return reportError(e);
  }
}
