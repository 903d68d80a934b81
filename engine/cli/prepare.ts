/**
 * Everything `run` and `check` share: config, inventory, extra vars, the
 * playbook loaded and statically checked. Nothing here touches a host.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type TsplayConfig } from '../inventory/config.js';
import { loadInventory } from '../inventory/index.js';
import type { Inventory } from '../inventory/types.js';
import { checkVarsDirs } from '../inventory/vars-dirs.js';
import { checkPlaybook, loadPlaybook } from '../playbook/index.js';
import type { Playbook, VarsMap } from '../playbook/model.js';
import { Templar } from '../vars/index.js';
import { TsplayError, TsplayErrors } from '../errors.js';
import { parseExtraVars, readPassword, type PlaybookFlags } from './options.js';
import { allowSealedVaultValues, configureVault, onVaultSecret } from '../vault/index.js';
import { maskSecretAssignments, Redactor } from '../output/redact.js';
import { readYamlFile } from '../yaml.js';
import { loadPlaybookModules } from '../extend/for-playbook.js';

export interface Prepared {
  cfg: TsplayConfig;
  inventory: Inventory;
  playbook?: Playbook;
  playbookFile: string;
  extraVars: VarsMap;
  templar: Templar;
  redactor: Redactor;
  /** problems found by the static check (empty: all good) */
  problems: TsplayError[];
  warnings: TsplayError[];
}

export interface PrepareOptions {
  /** `tsplay check`: inline `!vault` values may stay sealed when no vault password is given */
  sealedVaultValues?: boolean;
}

export async function prepare(playbookArg: string | undefined, flags: PlaybookFlags, opts: PrepareOptions = {}): Promise<Prepared> {
  if (!playbookArg) throw new TsplayError('TSPLAY_OPTIONS', 'no playbook given', { hint: 'tsplay run PLAYBOOK -i INVENTORY' });
  const cfg = loadConfig();
  const sources = flags.inventory?.length ? flags.inventory : (cfg.inventory ?? []);
  const redactor = new Redactor();
  await setupVault(flags, cfg, redactor);
  allowSealedVaultValues(opts.sealedVaultValues === true);
  const extraVars = await parseExtraVars(flags['extra-vars']);
  redactor.addFromVars(extraVars);
  const inventory = await loadInventory(sources.map((s) => (s.includes(',') ? s : resolve(s))));
  for (const h of inventory.hosts.values()) redactor.addFromVars(h.vars);
  for (const g of inventory.groups.values()) redactor.addFromVars(g.vars);
  const templar = new Templar();
  const playbookFile = resolve(playbookArg);
  const rolesPath = cfg.rolesPath ?? [];
  // custom modules (library/, modules_path) first: the check validates their arguments
  const custom = await loadPlaybookModules(playbookFile, { rolesPath, modulesPath: cfg.modulesPath });
  const varsProblems = await varsDirProblems([...inventoryVarsBases(sources), dirname(playbookFile)], templar);
  const checked = custom.problems.length ? custom.problems : await checkPlaybook(playbookFile, { inventory, rolesPath, templar, extraVars });
  const found = [...varsProblems, ...checked];
  if (found.length > 0) await addPlayVarSecrets(playbookFile, redactor);
  const problems = found.filter((e) => !isWarning(e));
  const warnings = [...custom.warnings, ...found.filter(isWarning)];
  let playbook: Playbook | undefined;
  if (problems.length === 0) {
    try {
      playbook = await loadPlaybook(playbookFile, { rolesPath });
    } catch (e) {
      if (e instanceof TsplayErrors) problems.push(...e.errors);
      else if (e instanceof TsplayError) problems.push(e);
      else throw e;
    }
  }
  return { cfg, inventory, playbook, playbookFile, extraVars, templar, redactor, problems, warnings };
}

/** Where the inventory's group_vars/ and host_vars/ are: beside a file source, inside a directory source. */
function inventoryVarsBases(sources: string[]): string[] {
  const bases: string[] = [];
  for (const source of sources) {
    if (!source || (source.includes(',') && !existsSync(source))) continue;
    const path = resolve(source);
    bases.push(isDirectory(path) ? path : dirname(path));
  }
  return bases;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * group_vars/ and host_vars/ beside the inventory and beside the playbook,
 * checked like the playbook itself: YAML problems (the playbook-side ones are
 * read only at run time otherwise) and template syntax in their values.
 */
async function varsDirProblems(bases: string[], templar: Templar): Promise<TsplayError[]> {
  const problems: TsplayError[] = [];
  for (const base of new Set(bases)) problems.push(...(await checkVarsDirs(base, templar)));
  return problems;
}

/** The process-wide vault passwords, before anything that may be vaulted is read. */
async function setupVault(flags: PlaybookFlags, cfg: TsplayConfig, redactor: Redactor): Promise<void> {
  const passwords = await configureVault({
    files: flags['vault-password-file'],
    ask: flags['ask-vault-pass'] ? () => readPassword('Vault password: ') : undefined,
    configFile: cfg.vaultPasswordFile,
  });
  for (const p of passwords) redactor.add(p.password);
  onVaultSecret((secret) => redactor.add(secret));
}

/** Problems quote the playbook: its plays' `*password*` vars are masked in them too. */
async function addPlayVarSecrets(file: string, redactor: Redactor): Promise<void> {
  try {
    const plays = (await readYamlFile(file)).value;
    if (Array.isArray(plays)) for (const p of plays) redactor.addFromVars((p as { vars?: unknown } | null)?.vars);
  } catch {
    /* unparsable: the problems say so */
  }
}

/** The static check marks advisory findings with a hint starting "warning". */
function isWarning(e: TsplayError): boolean {
  return e.code === 'TSPLAY_NO_HOSTS';
}

export function printProblems(problems: TsplayError[], redactor: Redactor, stream: NodeJS.WritableStream = process.stderr): void {
  for (const p of problems) stream.write(`${redactor.redact(maskSecretAssignments(p.format()))}\n`);
  stream.write(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} found; no host was contacted.\n`);
}
