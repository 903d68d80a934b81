/**
 * describeLab: a describe() that runs only where a lab can be hosted (root,
 * Linux, systemd-nspawn, debootstrap, overlayfs, bridges). Elsewhere the suite
 * is skipped with a loud notice, or fails when TSPLAY_REQUIRE_LAB=1 (CI on a
 * machine that must run it).
 */
import { describe, it } from 'vitest';
import { labAvailable } from '../../../engine/lab/index.js';

export function describeLab(name: string, fn: () => void): void {
  const check = labAvailable();
  if (check.ok) {
    describe(name, fn);
    return;
  }
  if (process.env.TSPLAY_REQUIRE_LAB === '1') {
    describe(name, () => {
      it('needs a lab (TSPLAY_REQUIRE_LAB=1)', () => {
        throw new Error(`TSPLAY_REQUIRE_LAB=1 but this machine cannot host a lab: ${check.reason}`);
      });
    });
    return;
  }
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPED "${name}": this machine cannot host a lab.\n!! ${check.reason}\n!! Set TSPLAY_REQUIRE_LAB=1 to make this a failure.\n${bar}\n`);
  describe.skip(name, fn);
}
