/**
 * File modes as Ansible takes them: an octal string ('0644', '644'), a number
 * (YAML 1.1 reads an unquoted 0644 as 420, which means 0644), a symbolic
 * chmod expression ('u=rw,g=r,o=r', 'a+x', 'u+X'), or 'preserve'.
 */
import { ModuleFailure } from '../../engine/module-api.js';

export type ModeParam = string | number;

/** The mode as a 4-digit octal string, the way Ansible reports it ('0644'). */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** True for a mode given as octal digits (number or string). */
export function isOctalMode(mode: ModeParam): boolean {
  return typeof mode === 'number' || /^0?[0-7]{1,4}$/.test(mode.trim());
}

/**
 * Normalizes a numeric or octal mode to its value. A number is what YAML 1.1
 * made of an unquoted octal literal, so it is taken as-is (420 -> 0o644).
 */
export function octalModeValue(mode: ModeParam): number {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleFailure(`invalid mode: ${mode}`);
    return mode;
  }
  const s = mode.trim();
  if (!/^0?[0-7]{1,4}$/.test(s)) throw new ModuleFailure(`invalid octal mode: '${mode}'`);
  return parseInt(s, 8);
}

const WHO_BITS: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

function permBits(perms: string, current: number, isDir: boolean): number {
  let bits = 0;
  for (const ch of perms) {
    if (ch === 'r') bits |= 0o444;
    else if (ch === 'w') bits |= 0o222;
    else if (ch === 'x') bits |= 0o111;
    else if (ch === 'X') bits |= isDir || (current & 0o111) !== 0 ? 0o111 : 0;
    else if (ch === 's') bits |= 0o6000;
    else if (ch === 't') bits |= 0o1000;
    else if (ch === 'u') bits |= copyClass((current >> 6) & 7);
    else if (ch === 'g') bits |= copyClass((current >> 3) & 7);
    else if (ch === 'o') bits |= copyClass(current & 7);
    else throw new ModuleFailure(`invalid permission '${ch}' in symbolic mode`);
  }
  return bits;
}

function copyClass(rwx: number): number {
  return rwx * 0o111;
}

/**
 * Applies a symbolic mode ('u=rw,g+r,o-rwx') to the current mode, as chmod
 * does (without a umask: a missing "who" means 'a', like Ansible).
 */
export function applySymbolicMode(current: number, spec: string, isDir: boolean): number {
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause.trim());
    if (!m) throw new ModuleFailure(`invalid symbolic mode clause '${clause}'`);
    const whoMask = (m[1] || 'a').split('').reduce((acc, w) => acc | WHO_BITS[w]!, 0);
    for (const op of m[2]!.match(/[-+=][rwxXstugo]*/g) ?? []) {
      const bits = permBits(op.slice(1), mode, isDir) & whoMask;
      if (op[0] === '+') mode |= bits;
      else if (op[0] === '-') mode &= ~bits;
      else {
        // '=' clears the class bits (keeping setuid/setgid of directories, as chmod)
        const keep = isDir ? whoMask & 0o6000 & mode : 0;
        mode = (mode & ~whoMask) | bits | keep;
      }
    }
  }
  return mode;
}

/**
 * The mode a path should end up with, given its current mode (undefined when
 * it does not exist yet). Returns undefined when the mode is not managed.
 */
export function targetMode(param: ModeParam | undefined, opts: { current?: number; isDir: boolean; defaultMode?: number }): number | undefined {
  if (param === undefined || param === null || param === '') return undefined;
  if (param === 'preserve') return undefined;
  if (isOctalMode(param)) return octalModeValue(param);
  const base = opts.current ?? opts.defaultMode ?? (opts.isDir ? 0o755 : 0o644);
  return applySymbolicMode(base, String(param), opts.isDir);
}

/** Default mode of a new file/directory under a umask (as Ansible: 0666/0777 & ~umask). */
export function defaultCreateMode(umask: number, isDir: boolean): number {
  return (isDir ? 0o777 : 0o666) & ~umask;
}
