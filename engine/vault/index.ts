/** The vault: encrypted files and `!vault` values (see docs/security.md). */
export { VAULT_HEADER, encryptTsplay, decryptTsplay, isTsplayVault } from './format.js';
export { decryptAnsible, isAnsibleVault } from './ansible.js';
export { setVaultPasswords, hasVaultPassword, allowSealedVaultValues, SEALED_VAULT_VALUE, onVaultSecret, decryptVault, isVaultText, type VaultPassword } from './secrets.js';
export { installVault, vaultTag, decodeVaultedFile, configureVault } from './install.js';
export { resolveVaultPasswords, type VaultPasswordSources } from './password.js';
