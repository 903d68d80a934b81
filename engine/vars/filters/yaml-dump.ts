/**
 * A YAML emitter that writes what PyYAML's `yaml.dump` writes for the data
 * templates handle (Ansible's to_yaml / to_nice_yaml): keys sorted, plain
 * scalars where YAML 1.1 would read them back as the same string, single
 * quotes otherwise, and `default_flow_style=None` (collections holding only
 * scalars in flow style) unless block style is asked for.
 */
import { isMapping } from '../pyvalues.js';

export interface YamlDumpOptions {
  indent: number;
  /** false: block style everywhere (to_nice_yaml); undefined: PyYAML's None */
  flowStyle?: boolean;
  sortKeys: boolean;
}

/** Strings YAML 1.1 would read as something else (bool, null, number, date). */
const RESOLVES = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
  /^(?:=|<<)$/,
];

function plainOk(s: string): boolean {
  if (RESOLVES.some((re) => re.test(s))) return false;
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^[-?:][^\s]/.test(s)) return false;
  if (/[\n\r\t\x00-\x08\x7f]/.test(s)) return false;
  if (/: |:$| #|[,[\]{}]/.test(s)) return false;
  return true;
}

export function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  const s = String(v);
  if (plainOk(s)) return s;
  if (/[\n\r\t\x00-\x08\x7f]/.test(s)) return JSON.stringify(s);
  return `'${s.replace(/'/g, "''")}'`;
}

function isScalar(v: unknown): boolean {
  return !Array.isArray(v) && !isMapping(v);
}

function keysOf(m: Record<string, unknown>, o: YamlDumpOptions): string[] {
  const keys = Object.keys(m);
  return o.sortKeys ? keys.sort() : keys;
}

function flow(v: unknown, o: YamlDumpOptions): string {
  if (Array.isArray(v)) return `[${v.map((x) => flow(x, o)).join(', ')}]`;
  if (isMapping(v)) return `{${keysOf(v, o).map((k) => `${yamlScalar(k)}: ${flow(v[k], o)}`).join(', ')}}`;
  return yamlScalar(v);
}

function useFlow(v: unknown, o: YamlDumpOptions): boolean {
  if (Array.isArray(v) && v.length === 0) return true;
  if (isMapping(v) && Object.keys(v).length === 0) return true;
  if (o.flowStyle === false) return false;
  const items = Array.isArray(v) ? v : isMapping(v) ? Object.values(v) : [];
  return o.flowStyle === true || items.every(isScalar);
}

/** Lines of a block collection at column `col`. */
function block(v: unknown, o: YamlDumpOptions, col: number): string[] {
  const pad = ' '.repeat(col);
  const out: string[] = [];
  if (Array.isArray(v)) {
    // PyYAML writes "- x" for a scalar item, and pads a nested block to the indent: "-   a: 1"
    const dash = `-${' '.repeat(Math.max(1, o.indent - 1))}`;
    for (const item of v) {
      if (isScalar(item) || useFlow(item, o)) {
        out.push(`${pad}- ${isScalar(item) ? yamlScalar(item) : flow(item, o)}`);
        continue;
      }
      const inner = block(item, o, col + dash.length);
      out.push(`${pad}${dash}${inner[0]!.trimStart()}`, ...inner.slice(1));
    }
    return out;
  }
  const m = v as Record<string, unknown>;
  for (const k of keysOf(m, o)) {
    const val = m[k];
    const key = `${pad}${yamlScalar(k)}:`;
    if (isScalar(val)) out.push(`${key} ${yamlScalar(val)}`);
    else if (useFlow(val, o)) out.push(`${key} ${flow(val, o)}`);
    else out.push(key, ...block(val, o, Array.isArray(val) ? col : col + o.indent));
  }
  return out;
}

export function dumpYaml(v: unknown, o: YamlDumpOptions): string {
  if (isScalar(v)) return `${yamlScalar(v)}\n`;
  if (useFlow(v, o)) return `${flow(v, o)}\n`;
  return `${block(v, o, 0).join('\n')}\n`;
}
