/**
 * tsplay.cfg: the first of $TSPLAY_CONFIG, ./tsplay.cfg, ~/.tsplay.cfg (as
 * Ansible reads one ansible.cfg, never a merge), INI `[defaults]` keys, each
 * overridden by its TSPLAY_* environment variable. Relative paths in the file
 * are relative to the file; in the environment, to the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TsplayError, type SourcePos } from '../errors.js';

export interface TsplayConfig {
  /** the config file read, if any */
  configFile?: string;
  /** inventory sources (`inventory`, comma-separated) */
  inventory: string[];
  /** parallel hosts (default 50) */
  forks: number;
  /** role search path (`roles_path`, colon-separated) */
  rolesPath: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  /** default true */
  hostKeyChecking: boolean;
  /** connection timeout in seconds (default 10) */
  timeout: number;
  /** default linear */
  strategy: 'linear' | 'free';
  vaultPasswordFile?: string;
  /** extra module search path (`modules_path`, colon-separated) */
  modulesPath: string[];
  /** where each setting came from */
  origins: Partial<Record<ConfigField, 'file' | 'env'>>;
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

type ConfigField = Exclude<keyof TsplayConfig, 'configFile' | 'origins'>;
type Kind = 'pathlist' | 'pathspec' | 'path' | 'string' | 'posint' | 'bool' | 'strategy';

/** ini key -> field, type and env var; adding a setting is one line here. */
const SETTINGS: Record<string, { field: ConfigField; kind: Kind; env: string }> = {
  inventory: { field: 'inventory', kind: 'pathlist', env: 'TSPLAY_INVENTORY' },
  forks: { field: 'forks', kind: 'posint', env: 'TSPLAY_FORKS' },
  roles_path: { field: 'rolesPath', kind: 'pathspec', env: 'TSPLAY_ROLES_PATH' },
  remote_user: { field: 'remoteUser', kind: 'string', env: 'TSPLAY_REMOTE_USER' },
  private_key_file: { field: 'privateKeyFile', kind: 'path', env: 'TSPLAY_PRIVATE_KEY_FILE' },
  host_key_checking: { field: 'hostKeyChecking', kind: 'bool', env: 'TSPLAY_HOST_KEY_CHECKING' },
  timeout: { field: 'timeout', kind: 'posint', env: 'TSPLAY_TIMEOUT' },
  strategy: { field: 'strategy', kind: 'strategy', env: 'TSPLAY_STRATEGY' },
  vault_password_file: { field: 'vaultPasswordFile', kind: 'path', env: 'TSPLAY_VAULT_PASSWORD_FILE' },
  modules_path: { field: 'modulesPath', kind: 'pathspec', env: 'TSPLAY_MODULES_PATH' },
};

const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

export function defaultConfig(): TsplayConfig {
  return { inventory: [], forks: 50, rolesPath: [], hostKeyChecking: true, timeout: 10, strategy: 'linear', modulesPath: [], origins: {} };
}

export function findConfigFile(opts: LoadConfigOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (env['TSPLAY_CONFIG']) {
    const file = resolve(cwd, env['TSPLAY_CONFIG']);
    if (!existsSync(file)) throw new TsplayError('TSPLAY_CONFIG', `TSPLAY_CONFIG names a file that does not exist: ${file}`);
    return file;
  }
  for (const file of [join(cwd, 'tsplay.cfg'), join(opts.home ?? homedir(), '.tsplay.cfg')]) {
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function loadConfig(opts: LoadConfigOptions = {}): TsplayConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? homedir();
  const config = defaultConfig();
  const file = findConfigFile(opts);
  if (file) {
    config.configFile = file;
    for (const entry of readDefaults(file)) {
      const setting = SETTINGS[entry.key]!;
      assign(config, setting, convert(entry.value, setting.kind, { base: dirname(file), home, where: entry.pos, key: entry.key }));
      config.origins[setting.field] = 'file';
    }
  }
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const raw = env[setting.env];
    if (raw === undefined) continue;
    assign(config, setting, convert(raw, setting.kind, { base: cwd, home, key: `${setting.env} (${key})` }));
    config.origins[setting.field] = 'env';
  }
  return config;
}

function assign(config: TsplayConfig, setting: { field: ConfigField }, value: unknown): void {
  (config as unknown as Record<string, unknown>)[setting.field] = value;
}

interface ConvertCtx {
  base: string;
  home: string;
  key: string;
  where?: SourcePos;
}

function convert(raw: string, kind: Kind, ctx: ConvertCtx): unknown {
  const value = unquote(raw.trim());
  const bad = (expected: string): TsplayError =>
    new TsplayError('TSPLAY_CONFIG', `bad value for ${ctx.key}: '${value}' (expected ${expected})`, { source: ctx.where });
  const path = (p: string): string => {
    const expanded = p === '~' ? ctx.home : p.startsWith('~/') ? join(ctx.home, p.slice(2)) : p;
    return isAbsolute(expanded) ? expanded : resolve(ctx.base, expanded);
  };
  switch (kind) {
    case 'string':
      return value;
    case 'path':
      return value ? path(value) : undefined;
    case 'pathlist':
      return value.split(',').map((s) => s.trim()).filter(Boolean).map(path);
    case 'pathspec':
      return value.split(':').map((s) => s.trim()).filter(Boolean).map(path);
    case 'posint':
      if (!/^\d+$/.test(value) || Number(value) < 1) throw bad('a whole number of at least 1');
      return Number(value);
    case 'bool':
      if (TRUE.includes(value.toLowerCase())) return true;
      if (FALSE.includes(value.toLowerCase())) return false;
      throw bad('a boolean: yes/no, true/false, on/off, 1/0');
    case 'strategy':
      if (value !== 'linear' && value !== 'free') throw bad('linear or free');
      return value;
  }
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

interface IniEntry {
  key: string;
  value: string;
  pos: SourcePos;
}

/**
 * The [defaults] entries of a config file, as Python's configparser reads
 * them: `key = value` or `key: value`, `#`/`;` comment lines, inline `;`
 * comments after a space, indented continuation lines, no duplicates.
 */
export function readDefaults(file: string): IniEntry[] {
  const lines = readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
  const entries: IniEntry[] = [];
  const sections = new Set<string>();
  let section: string | undefined;
  let last: IniEntry | undefined;
  const err = (message: string, line: number, col = 1, hint?: string): TsplayError =>
    new TsplayError('TSPLAY_CONFIG', message, { source: { file, line, col }, excerpt: lines[line - 1]?.trim(), hint });
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') {
      if (trimmed === '') last = undefined;
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    if (indent > 0 && last) {
      last.value += '\n' + stripInlineComment(trimmed);
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      section = header[1]!.trim();
      if (sections.has(section)) throw err(`section [${section}] appears twice`, lineNo);
      sections.add(section);
      last = undefined;
      return;
    }
    if (section === undefined) throw err('a setting before any [section] header', lineNo, indent + 1, 'put settings under [defaults]');
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!m) throw err(`expected 'key = value', got '${trimmed}'`, lineNo, indent + 1);
    const key = m[1]!.toLowerCase();
    if (section !== 'defaults') {
      last = undefined;
      return;
    }
    if (!(key in SETTINGS)) throw err(`unknown setting '${key}' in [defaults]`, lineNo, indent + 1, `known settings: ${Object.keys(SETTINGS).join(', ')}`);
    if (entries.some((e) => e.key === key)) throw err(`setting '${key}' appears twice in [defaults]`, lineNo, indent + 1);
    const valueCol = raw.indexOf(m[2]!, indent + m[1]!.length) + 1;
    last = { key, value: stripInlineComment(m[2]!), pos: { file, line: lineNo, col: m[2] ? valueCol : indent + 1 } };
    entries.push(last);
  });
  return entries;
}

function stripInlineComment(value: string): string {
  const m = /\s;/.exec(value);
  return (m ? value.slice(0, m.index) : value).trim();
}
