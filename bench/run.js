#!/usr/bin/env node
// `npm run bench` entry: the bench is TypeScript compiled to dist/bench by `npm run build`.
// `--dist DIR` runs the bench and tsplay from a private compile instead
// (`npx tsc -p tsconfig.json --outDir DIR`), so that a measurement does not
// depend on a shared dist/ that others rebuild at any time; DIR gets links to
// this repository's package.json (ESM) and node_modules, and its prebuilt
// module validators are written if missing.
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const at = args.indexOf('--dist');
let dist = join(repo, 'dist');
if (at >= 0) {
  if (!args[at + 1]) throw new Error('--dist needs a directory');
  dist = resolve(args[at + 1]);
  args.splice(at, 2);
  for (const name of ['package.json', 'node_modules']) {
    if (!existsSync(join(dist, name))) symlinkSync(join(repo, name), join(dist, name));
  }
  if (!existsSync(join(dist, 'engine', 'playbook', 'validators'))) {
    execFileSync(process.execPath, [join(dist, 'engine', 'playbook', 'build-validators.js')], { stdio: 'inherit' });
  }
  process.env.TSPLAY_BENCH_DIST = dist;
  process.env.TSPLAY_BENCH_ROOT = repo;
}
import(pathToFileURL(join(dist, 'bench', 'run.js')).href)
  .then((m) => m.main(args))
  .then((code) => process.exit(code))
  .catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
