/** What apt, dnf, yum and package share: specs, planning of installs/removals, the package diff. */
import type { FileDiff } from '../../engine/results.js';
import { ModuleFailure } from '../../engine/module-api.js';

export type PkgState = 'present' | 'absent' | 'latest';

/** A requested package: `name`, `name=1.2-3` (apt) or `name-1.2` (rpm, left whole). */
export interface PkgSpec {
  /** as written, passed to the package manager */
  spec: string;
  /** the package name to look up */
  name: string;
  /** a pinned version (apt `name=version`) */
  version?: string;
}

export interface PkgView {
  /** installed package name -> version */
  installed: Record<string, string>;
  /** name -> version the manager would install or upgrade to (null: none available) */
  candidates: Record<string, string | null>;
  /** candidates lists every package the manager knows (apt): a missing name is unavailable */
  complete?: boolean;
}

export interface PkgChangeSet {
  install: PkgSpec[];
  upgrade: PkgSpec[];
  remove: PkgSpec[];
  /** names with no candidate and not installed */
  unavailable: string[];
}

export interface PkgEntry {
  name: string;
  version: string | null;
}

/** apt specs: name[:arch][=version]; the arch stays part of the name dpkg reports without it. */
export function parseAptSpec(spec: string): PkgSpec {
  const eq = spec.indexOf('=');
  const nameArch = eq < 0 ? spec : spec.slice(0, eq);
  const version = eq < 0 ? undefined : spec.slice(eq + 1);
  return { spec, name: nameArch.split(':')[0]!, version: version === '' ? undefined : version };
}

/** rpm specs stay whole: rpm -q and dnf both accept name, name-version and name.arch. */
export function parseRpmSpec(spec: string): PkgSpec {
  return { spec, name: spec };
}

export function planPackages(specs: PkgSpec[], state: PkgState, view: PkgView): PkgChangeSet {
  const set: PkgChangeSet = { install: [], upgrade: [], remove: [], unavailable: [] };
  for (const s of specs) {
    const have = view.installed[s.name];
    const cand = view.candidates[s.name];
    if (state === 'absent') {
      if (have !== undefined) set.remove.push(s);
      continue;
    }
    if (have === undefined) {
      if ((cand === null || (cand === undefined && view.complete)) && s.version === undefined) set.unavailable.push(s.spec);
      else set.install.push(s);
    } else if (s.version !== undefined && have !== s.version) set.install.push(s);
    else if (state === 'latest' && s.version === undefined && cand && cand !== have) set.upgrade.push(s);
  }
  return set;
}

export function isEmptyChangeSet(c: PkgChangeSet): boolean {
  return c.install.length + c.upgrade.length + c.remove.length === 0;
}

export function describeChanges(c: PkgChangeSet, view: PkgView): string[] {
  const out: string[] = [];
  const to = (s: PkgSpec): string => s.version ?? view.candidates[s.name] ?? 'latest';
  if (c.install.length) out.push(`install ${c.install.map((s) => `${s.name} ${to(s)}`).join(', ')}`);
  if (c.upgrade.length) out.push(`upgrade ${c.upgrade.map((s) => `${s.name} ${view.installed[s.name]} -> ${to(s)}`).join(', ')}`);
  if (c.remove.length) out.push(`remove ${c.remove.map((s) => `${s.name} ${view.installed[s.name] ?? '(configuration files)'}`).join(', ')}`);
  return out;
}

/** before/after package sets of the packages a task names, one "name version" a line. */
export function packageDiff(specs: PkgSpec[], before: Record<string, string>, after: Record<string, string>): FileDiff {
  const names = [...new Set(specs.map((s) => s.name))].sort();
  const list = (m: Record<string, string>): string =>
    names.filter((n) => m[n] !== undefined).map((n) => `${n} ${m[n]}\n`).join('');
  return { path: 'packages', before: list(before), after: list(after) };
}

/** The installed set the plan predicts. */
export function predictInstalled(c: PkgChangeSet, view: PkgView): Record<string, string> {
  const after = { ...view.installed };
  for (const s of [...c.install, ...c.upgrade]) after[s.name] = s.version ?? view.candidates[s.name] ?? '(latest)';
  for (const s of c.remove) delete after[s.name];
  return after;
}

export function entries(specs: PkgSpec[], versions: Record<string, string>): PkgEntry[] {
  return specs.map((s) => ({ name: s.name, version: versions[s.name] ?? null }));
}

export function failUnavailable(names: string[]): void {
  if (names.length > 0) throw new ModuleFailure(`No package matching ${names.map((n) => `'${n}'`).join(', ')} is available`);
}

export const pkgNameSchema = {
  description: 'A package name or a list of names (a comma-separated string works too).',
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
} as const;
