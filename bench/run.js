#!/usr/bin/env node
// `npm run bench` entry: the bench is TypeScript compiled to dist/bench by `npm run build`.
import('../dist/bench/run.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => process.exit(code))
  .catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
